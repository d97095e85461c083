import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminToken, useEngine } from './helpers/engine.js';
import { assertErrorEnvelope, client } from './helpers/http.js';
import { specCreatePspBody } from './helpers/spec-examples.js';
import { storeCases } from './helpers/stores.js';

for (const storeCase of storeCases()) {
  describe(`request hardening and error envelopes [${storeCase.kind}]`, () => {
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );
    const post = (payload: string, contentType = 'application/json') =>
      api.post('/connxt/v2/psps/external', payload, { headers: { 'content-type': contentType } });

    const ctx = useEngine(storeCase);

    it('answers malformed JSON with 400 / 4001', async () => {
      const body = assertErrorEnvelope(await post('{"name": "x",'), 400, '4001');
      assert.equal(body.message, 'Malformed JSON body');
      assert.deepEqual(body.errors, [{ field: 'body', message: 'is not valid JSON' }]);
    });

    it('answers a body that is not JSON with 415, in the envelope', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        const body = assertErrorEnvelope(await post('name=x', type), 415, '4001');
        assert.equal(body.message, 'Content-Type must be application/json');
      }
    });

    it('accepts application/json with a charset', async () => {
      const res = await post(JSON.stringify({ ...specCreatePspBody(), name: 'Charset' }), 'application/json; charset=utf-8');
      assert.equal(res.statusCode, 200);
    });

    it('answers a body over 1 MB with 413', async () => {
      const big = JSON.stringify({ ...specCreatePspBody(), description: 'x'.repeat(1_048_600) });
      const body = assertErrorEnvelope(await post(big), 413, '4001');
      assert.equal(body.message, 'Request body is larger than 1 MB');
    });

    it('refuses nesting deeper than 64 levels before parsing', async () => {
      const deep = JSON.stringify({ ...specCreatePspBody(), logo: null }).replace(/}$/, `,"x":${'['.repeat(70)}${']'.repeat(70)}}`);
      const body = assertErrorEnvelope(await post(deep), 400, '4001');
      assert.deepEqual(body.errors, [{ field: 'body', message: 'is nested deeper than 64 levels' }]);
    });

    it('refuses __proto__ and constructor keys, however they are written', async () => {
      for (const payload of [
        '{"name":"x","__proto__":{"admin":true}}',
        '{"name":"x","operations":[{"constructor":{"prototype":{"polluted":1}}}]}',
        '{"name":"x","\\u005f_proto__":{"admin":true}}',
      ]) {
        const body = assertErrorEnvelope(await post(payload), 400, '4001');
        assert.equal(body.errors[0]?.message, 'is a forbidden key');
      }
      assert.equal(({} as Record<string, unknown>).admin, undefined);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it('refuses NUL characters, which PostgreSQL text cannot hold, with a 4xx', async () => {
      const body = assertErrorEnvelope(await post(JSON.stringify({ ...specCreatePspBody(), name: 'x\u0000y' })), 400, '4001');
      assert.deepEqual(body.errors, [{ field: 'name', message: 'must not contain NUL characters' }]);
      const nested = assertErrorEnvelope(
        await post('{"operations":[{"flowActionId":"a\\u0000"}]}'),
        400,
        '4001',
      );
      assert.deepEqual(nested.errors, [{ field: 'operations[0].flowActionId', message: 'must not contain NUL characters' }]);
      assertErrorEnvelope(await api.get('/connxt/v2/psps/%00'), 404, '4004');
      assertErrorEnvelope(await api.patch('/connxt/v2/psps/psp_%00', { name: 'x' }), 404, '4004');
      const filters = assertErrorEnvelope(await api.get('/connxt/v2/psps?cursor=%00&flowTargetId=%00'), 400, '4001');
      assert.deepEqual(filters.errors, [
        { field: 'cursor', message: 'does not name a PSP of this environment' },
        { field: 'flowTargetId', message: 'is not a flow target id' },
      ]);
      const admin = { admin: adminToken };
      assertErrorEnvelope(await api.post('/admin/v1/brands', { name: 'a\u0000' }, admin), 400, '4001');
      for (const path of ['/admin/v1/brands/%00', '/admin/v1/environments/%00', '/admin/v1/environments/%00/tokens']) {
        assertErrorEnvelope(await api.get(path, admin), 404, '4004');
      }
      assert.doesNotMatch(ctx.t.logs.text, /request failed/);
    });

    it('answers unknown routes and methods with the 404 envelope', async () => {
      for (const res of [
        await api.get('/connxt/v2/nothing-here'),
        await api.get('/nope', { token: null }),
        await ctx.t.engine.app.inject({ method: 'DELETE', url: '/connxt/v2/psps/psp_x' }),
      ]) {
        const body = assertErrorEnvelope(res, 404, '4004');
        assert.equal(body.message, 'Route not found');
      }
    });

    it('authenticates before reading the body', async () => {
      const res = await api.post('/connxt/v2/psps/external', '{not json', { token: null });
      assertErrorEnvelope(res, 401, '4002');
    });

    it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
      const given = await api.get('/health', { headers: { 'x-request-id': 'req-123.abc' } });
      assert.equal(given.headers['x-request-id'], 'req-123.abc');
      const hostile = await api.get('/health', { headers: { 'x-request-id': 'a b\u0001c' } });
      assert.match(String(hostile.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    });

    it('reports health and readiness', async () => {
      const health = await api.get('/health', { token: null });
      assert.equal(health.statusCode, 200);
      assert.deepEqual(health.json().data, { status: 'ok' });
      const ready = await api.get('/ready', { token: null });
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json().data, { status: 'ready' });
    });

    // Last: it closes the store under the running app.
    it('answers 500 / 1000 with no internals when the store fails, and /ready says 503', async () => {
      await ctx.t.db.close();
      const res = await api.get('/connxt/v2/psps/psp_anything000000000000000000', { token: ctx.t.demoToken });
      const body = assertErrorEnvelope(res, 500, '1000');
      assert.equal(body.message, 'Internal server error');
      assert.deepEqual(body.errors, []);
      assert.doesNotMatch(res.body, /SELECT|psps|stack|pglite|postgres|\.ts:/i);
      const ready = await api.get('/ready', { token: null });
      assertErrorEnvelope(ready, 503, '1000');
      assert.match(ctx.t.logs.text, /request failed/);
    });
  });
}
