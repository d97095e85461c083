import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from '../src/clock.js';
import { adminToken, startTestEngine, useEngine } from './helpers/engine.js';
import { client } from './helpers/http.js';
import { resourceTimestamp, tenantIdPattern } from './helpers/spec-examples.js';
import { storeCases } from './helpers/stores.js';

/** A clock the test moves by hand, to cross grace periods without waiting. */
class ManualClock implements Clock {
  #now = Date.now();
  now(): Date {
    return new Date(this.#now);
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

for (const storeCase of storeCases()) {
  describe(`tenants, secret tokens and the admin API [${storeCase.kind}]`, () => {
    const clock = new ManualClock();
    const api = client(
      () => ctx.t.engine.app,
      () => undefined,
    );
    const admin = { admin: adminToken };
    const definitions = (token: string) => api.get('/connxt/v2/flow-types/definitions?type=PSP', { token });

    const ctx = useEngine(storeCase, { clock });

    it('created the demo tenant on the empty store, and its token works', async () => {
      const brands = (await api.get('/admin/v1/brands', admin)).json().data;
      assert.deepEqual(brands.map((b: { name: string }) => b.name), ['Demo']);
      const environments = (await api.get(`/admin/v1/brands/${brands[0].id}/environments`, admin)).json().data;
      assert.deepEqual(environments.map((e: { name: string }) => e.name), ['development']);
      assert.match(ctx.t.demoToken!, /^sec_[0-9A-Za-z]{26}$/);
      assert.equal((await definitions(ctx.t.demoToken!)).statusCode, 200);
    });

    it('creates a brand and an environment whose token is shown once and stored only as a hash', async () => {
      const brandRes = await api.post('/admin/v1/brands', { name: 'Acme' }, admin);
      assert.equal(brandRes.statusCode, 201);
      assert.equal(brandRes.json().code, '201');
      const brand = brandRes.json().data;
      assert.deepEqual(Object.keys(brand), ['id', 'name', 'createdAt', 'updatedAt']);
      assert.match(brand.id, tenantIdPattern('brn'));
      assert.equal(brand.name, 'Acme');

      const envRes = await api.post(
        `/admin/v1/brands/${brand.id}/environments`,
        { name: 'live', successRedirectUrl: 'https://shop.example/ok', failureRedirectUrl: 'https://shop.example/ko', webhookUrl: 'https://shop.example/hooks' },
        admin,
      );
      assert.equal(envRes.statusCode, 201);
      const env = envRes.json().data;
      assert.match(env.id, tenantIdPattern('env'));
      assert.equal(env.brandId, brand.id);
      assert.equal(env.name, 'live');
      assert.equal(env.successRedirectUrl, 'https://shop.example/ok');
      assert.equal(env.failureRedirectUrl, 'https://shop.example/ko');
      assert.equal(env.webhookUrl, 'https://shop.example/hooks');
      assert.match(env.createdAt, resourceTimestamp);
      assert.match(env.secretToken, /^sec_[0-9A-Za-z]{26}$/);
      assert.equal((await definitions(env.secretToken)).statusCode, 200);

      // Never again: not in reads, not in the token list, not anywhere in the store.
      const read = (await api.get(`/admin/v1/environments/${env.id}`, admin)).body;
      const tokens = (await api.get(`/admin/v1/environments/${env.id}/tokens`, admin)).body;
      assert.equal(read.includes(env.secretToken), false);
      assert.equal(tokens.includes(env.secretToken), false);
      assert.equal(JSON.parse(tokens).data[0].prefix, env.secretToken.slice(0, 8));
      const dump = await ctx.t.db.query<{ row: string }>(
        'SELECT row_to_json(s)::text AS row FROM secret_tokens s UNION ALL SELECT row_to_json(e)::text FROM environments e',
      );
      const stored = dump.rows.map((r) => r.row).join('\n');
      assert.equal(stored.includes(env.secretToken), false);
      assert.equal(stored.includes(env.secretToken.slice(4)), false);
    });

    it('validates admin input and answers 404 and 409 in the envelope', async () => {
      const bad = await api.post('/admin/v1/brands', { name: '', extra: 1 }, admin);
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(new Set(bad.json().errors), new Set([
        { field: 'name', message: 'must not be empty' },
        { field: 'extra', message: 'is not allowed' },
      ]));
      const brand = (await api.post('/admin/v1/brands', { name: 'Globex' }, admin)).json().data;
      const badUrl = await api.post(`/admin/v1/brands/${brand.id}/environments`, { name: 'x', webhookUrl: 'ftp://files' }, admin);
      assert.deepEqual(badUrl.json().errors, [{ field: 'webhookUrl', message: 'must be an http(s) URL' }]);
      const noBrand = await api.post('/admin/v1/brands/brn_missing000000000000000000000/environments', { name: 'x' }, admin);
      assert.equal(noBrand.statusCode, 404);
      assert.equal(noBrand.json().code, '4004');
      assert.equal((await api.post(`/admin/v1/brands/${brand.id}/environments`, { name: 'dup' }, admin)).statusCode, 201);
      const dup = await api.post(`/admin/v1/brands/${brand.id}/environments`, { name: 'dup' }, admin);
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.json().code, '4005');
    });

    it('updates environment settings; null clears one', async () => {
      const brand = (await api.post('/admin/v1/brands', { name: 'Initech' }, admin)).json().data;
      const env = (await api.post(`/admin/v1/brands/${brand.id}/environments`, { name: 'dev', webhookUrl: 'https://a.example/h' }, admin)).json().data;
      const res = await api.patch(`/admin/v1/environments/${env.id}`, { webhookUrl: null, successRedirectUrl: 'https://a.example/ok' }, admin);
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().data.webhookUrl, null);
      assert.equal(res.json().data.successRedirectUrl, 'https://a.example/ok');
      assert.equal(res.json().data.name, 'dev');
    });

    it('rotates with a grace period: both tokens work until it ends, then only the new one', async () => {
      const brand = (await api.post('/admin/v1/brands', { name: 'Rotating' }, admin)).json().data;
      const env = (await api.post(`/admin/v1/brands/${brand.id}/environments`, { name: 'prod' }, admin)).json().data;
      const oldToken: string = env.secretToken;
      assert.equal((await definitions(oldToken)).statusCode, 200);

      const rotated = await api.post(`/admin/v1/environments/${env.id}/tokens/rotate`, { graceSeconds: 3600 }, admin);
      assert.equal(rotated.statusCode, 201);
      const { token, expiring } = rotated.json().data;
      assert.match(token.secretToken, /^sec_[0-9A-Za-z]{26}$/);
      assert.equal(token.status, 'ACTIVE');
      assert.equal(expiring.length, 1);
      assert.equal(expiring[0].status, 'EXPIRING');

      assert.equal((await definitions(oldToken)).statusCode, 200);
      assert.equal((await definitions(token.secretToken)).statusCode, 200);
      clock.advance(3_601_000);
      assert.equal((await definitions(oldToken)).statusCode, 401);
      assert.equal((await definitions(token.secretToken)).statusCode, 200);

      const list = (await api.get(`/admin/v1/environments/${env.id}/tokens`, admin)).json().data;
      assert.deepEqual(list.map((x: { status: string }) => x.status), ['EXPIRED', 'ACTIVE']);
    });

    it('keeps several live tokens, revokes one at once, and records when each was last used', async () => {
      const brand = (await api.post('/admin/v1/brands', { name: 'Multi' }, admin)).json().data;
      const env = (await api.post(`/admin/v1/brands/${brand.id}/environments`, { name: 'prod' }, admin)).json().data;
      const second = (await api.post(`/admin/v1/environments/${env.id}/tokens`, undefined, admin)).json().data;
      assert.equal((await definitions(env.secretToken)).statusCode, 200);
      assert.equal((await definitions(second.secretToken)).statusCode, 200);

      const revoked = await api.post(`/admin/v1/environments/${env.id}/tokens/${second.id}/revoke`, undefined, admin);
      assert.equal(revoked.statusCode, 200);
      assert.equal(revoked.json().data.status, 'REVOKED');
      const after = await definitions(second.secretToken);
      assert.equal(after.statusCode, 401);
      assert.equal(after.json().code, '4002');
      assert.equal((await definitions(env.secretToken)).statusCode, 200);

      await ctx.t.engine.services.authenticator.flush();
      const list = (await api.get(`/admin/v1/environments/${env.id}/tokens`, admin)).json().data;
      assert.match(list[0].lastUsedAt, resourceTimestamp);
      const unknown = await api.post(`/admin/v1/environments/${env.id}/tokens/tok_unknown0000000000000000000/revoke`, undefined, admin);
      assert.equal(unknown.statusCode, 404);
      // Another environment's token id cannot be revoked through this environment.
      const otherEnv = (await api.post(`/admin/v1/brands/${brand.id}/environments`, { name: 'other' }, admin)).json().data;
      assert.equal((await api.post(`/admin/v1/environments/${otherEnv.id}/tokens/${list[0].id}/revoke`, undefined, admin)).statusCode, 404);
    });

    it('refuses the admin API without the admin bearer token, in constant-time style (same answer for any guess)', async () => {
      for (const guess of [null, 'wrong', adminToken.slice(0, -1), `${adminToken}x`, ctx.t.demoToken!]) {
        const res = await api.get('/admin/v1/brands', { admin: guess });
        assert.equal(res.statusCode, 401, String(guess));
        assert.equal(res.json().code, '4002');
      }
      const withTenantToken = await api.get('/admin/v1/brands', { token: ctx.t.demoToken! });
      assert.equal(withTenantToken.statusCode, 401);
    });
  });
}

describe('admin API switched off', () => {
  it('answers 404 on /admin/v1 when CONNXT_ADMIN_TOKEN is unset', async () => {
    const [first] = storeCases();
    const store = await first!.create();
    const t = await startTestEngine(store, { adminToken: undefined });
    try {
      const res = await t.engine.app.inject({ method: 'GET', url: '/admin/v1/brands', headers: { authorization: 'Bearer anything' } });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, '4004');
    } finally {
      await t.close();
      await store.destroy();
    }
  });
});
