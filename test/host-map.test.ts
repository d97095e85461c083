import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminToken, useEngine } from './helpers/engine.js';
import { assertErrorEnvelope, assertSuccessEnvelope, client } from './helpers/http.js';
import { storeCases } from './helpers/stores.js';

for (const storeCase of storeCases()) {
  describe(`environment host maps [${storeCase.kind}]`, () => {
    const ctx = useEngine(storeCase);
    const api = client(
      () => ctx.t.engine.app,
      () => undefined,
    );
    const patch = (environmentId: string, body: unknown) =>
      api.patch(`/admin/v1/environments/${environmentId}`, body, { admin: adminToken });

    it('keeps a host map on a non-production environment, normalised, and shows it', async () => {
      const { environmentId } = ctx.t.engine.demo!;
      const data = assertSuccessEnvelope(
        await patch(environmentId, { hostMap: { 'https://API.Sticpay.com': 'http://127.0.0.1:9000/sticpay/' } }),
      );
      assert.deepEqual(data.hostMap, { 'https://api.sticpay.com': 'http://127.0.0.1:9000/sticpay' });
      const read = assertSuccessEnvelope(await api.get(`/admin/v1/environments/${environmentId}`, { admin: adminToken }));
      assert.deepEqual(read.hostMap, { 'https://api.sticpay.com': 'http://127.0.0.1:9000/sticpay' });
      assert.deepEqual(assertSuccessEnvelope(await patch(environmentId, { hostMap: {} })).hostMap, {});
    });

    it('refuses a host map on a production environment, where scripts must reach the real gateway', async () => {
      const brand = await ctx.t.engine.services.tenants.createBrand('Live brand');
      const live = await ctx.t.engine.services.tenants.createEnvironment(brand.id, { name: 'live', production: true });
      const body = assertErrorEnvelope(await patch(live.id, { hostMap: { 'https://api.sticpay.com': 'http://127.0.0.1:9000' } }), 400, '4001');
      assert.deepEqual(body.errors, [{ field: 'hostMap', message: 'is not allowed on a production environment' }]);
      const { rows } = await ctx.t.db.query<{ host_map: unknown }>('SELECT host_map FROM environments WHERE id = $1', [live.id]);
      assert.deepEqual(rows[0]!.host_map, {});
    });

    it('checks origins and base URLs', async () => {
      const { environmentId } = ctx.t.engine.demo!;
      for (const hostMap of [{ 'ftp://x.com': 'http://127.0.0.1' }, { 'https://x.com/path': 'http://127.0.0.1' }, { 'https://x.com': 'file:///etc' }, { 'https://x.com': 'http://h/?q=1' }]) {
        const body = assertErrorEnvelope(await patch(environmentId, { hostMap }), 400, '4001');
        assert.ok(body.errors.some((error) => error.field.startsWith('hostMap')), JSON.stringify(body.errors));
      }
    });
  });
}
