import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { syncBuiltinCatalog } from '../src/catalog/catalog-sync.js';
import { loadConnectorManifests } from '../src/catalog/manifest.js';
import { ConfigError } from '../src/config.js';
import { migrate } from '../src/store/migrate.js';
import { adminToken, startTestEngine, useEngine } from './helpers/engine.js';
import { client } from './helpers/http.js';
import { spec, specCreatePspBody } from './helpers/spec-examples.js';
import { storeCases } from './helpers/stores.js';

for (const storeCase of storeCases()) {
  describe(`data across restarts [${storeCase.kind}]`, () => {
    let token: string;
    const api = client(
      () => ctx.t.engine.app,
      () => token,
    );

    const ctx = useEngine(storeCase);
    before(async () => {
      token = ctx.t.demoToken!;
    });

    it('keeps tenants, tokens, PSPs and their credentials through a restart', async () => {
      const psp = (await api.post('/connxt/v2/psps/external', specCreatePspBody())).json().data;
      const rotated = (
        await api.post(`/admin/v1/environments/${psp.environmentId}/tokens/rotate`, { graceSeconds: 600 }, { admin: adminToken })
      ).json().data;

      await ctx.restart();
      assert.equal(ctx.t.engine.demo, undefined, 'the demo tenant is created once, on an empty store only');
      const read = await api.get(`/connxt/v2/psps/${psp.id}`);
      assert.equal(read.statusCode, 200, 'the old token is still inside its grace period');
      assert.deepEqual(read.json().data, psp);
      assert.equal((await api.get(`/connxt/v2/psps/${psp.id}`, { token: rotated.token.secretToken })).statusCode, 200);
      const { rows } = await ctx.t.db.query<{ credential: Buffer }>('SELECT credential FROM psps WHERE id = $1', [psp.id]);
      assert.deepEqual(await ctx.t.engine.services.cipher.decrypt(psp.environmentId, psp.id, rows[0]!.credential), {
        merchantEmail: 'merchant@example.com',
        apiKey: 'your_api_key_here',
      });
    });

    it('applies each migration once and re-syncs the catalog without new script versions', async () => {
      assert.deepEqual(await migrate(ctx.t.db), []);
      const before = await ctx.t.db.query('SELECT definition_id, version FROM flow_definition_versions ORDER BY 1, 2');
      await syncBuiltinCatalog(ctx.t.db, loadConnectorManifests());
      const again = await ctx.t.db.query('SELECT definition_id, version FROM flow_definition_versions ORDER BY 1, 2');
      assert.deepEqual(again.rows, before.rows);
      assert.ok(before.rows.length >= 4);
    });

    it('adds a new script version when a connector script changes, keeping the old one', async () => {
      const manifests = loadConnectorManifests().map((m) => {
        if (m.id !== spec.sticpay.targetId) return m;
        const deposit = m.actions.DEPOSIT!;
        return { ...m, actions: { ...m.actions, DEPOSIT: { ...deposit, script: `${deposit.script}\n// v2\n`, scriptSha256: 'changed' } } };
      });
      await syncBuiltinCatalog(ctx.t.db, manifests);
      const { rows } = await ctx.t.db.query<{ version: number; script: string }>(
        'SELECT version, script FROM flow_definition_versions WHERE definition_id = $1 ORDER BY version',
        [spec.sticpay.depositDefinitionId],
      );
      assert.deepEqual(rows.map((r) => r.version), [1, 2]);
      assert.ok(rows[1]!.script.endsWith('// v2\n'));
      assert.ok(!rows[0]!.script.includes('// v2'));
    });

    it('refuses to start with another master key than the store was created with', async () => {
      await ctx.t.close();
      await assert.rejects(startTestEngine(ctx.store, { masterKey: randomBytes(32) }), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.message, 'CONNXT_MASTER_KEY is not the master key this store was created with');
        return true;
      });
      await ctx.restart();
    });
  });
}

describe('concurrent start-up on one PostgreSQL', { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL' }, () => {
  it('lets two engines migrate, sync and bootstrap together: one demo tenant, one set of rows', async () => {
    const postgres = storeCases().find((c) => c.kind === 'postgres')!;
    const store = await postgres.create();
    const masterKey = randomBytes(32);
    const [a, b] = await Promise.all([startTestEngine(store, { masterKey }), startTestEngine(store, { masterKey })]);
    try {
      assert.equal([a.engine.demo, b.engine.demo].filter((d) => d !== undefined).length, 1);
      const { rows } = await a.db.query<{ n: string }>('SELECT count(*) AS n FROM brands');
      assert.equal(rows[0]!.n, '1');
      const versions = await a.db.query('SELECT 1 FROM flow_definition_versions');
      const scripts = loadConnectorManifests().reduce((n, m) => n + Object.keys(m.actions).length, 0);
      assert.equal(versions.rows.length, scripts);
    } finally {
      await a.close();
      await b.close();
      await store.destroy();
    }
  });
});
