import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminToken, useEngine } from './helpers/engine.js';
import { client } from './helpers/http.js';
import { spec, specCreatePspBody } from './helpers/spec-examples.js';
import { storeCases } from './helpers/stores.js';

for (const storeCase of storeCases()) {
  describe(`no secret reaches the log [${storeCase.kind}]`, () => {
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );

    const ctx = useEngine(storeCase, { logLevel: 'debug' });

    it('logs requests, but never a secret token, the admin token or a credential value', async () => {
      const secrets = ['Zq9-unique-api-key-value', 'Zq9-second-api-key', 'Zq9-signing-key', 'Zq9-bad-schema-secret'];
      const admin = { admin: adminToken };
      const brand = (await api.post('/admin/v1/brands', { name: 'Logged' }, admin)).json().data;
      const env = (await api.post(`/admin/v1/brands/${brand.id}/environments`, { name: 'prod' }, admin)).json().data;
      const rotated = (await api.post(`/admin/v1/environments/${env.id}/tokens/rotate`, {}, admin)).json().data;

      const psp = await api.post('/connxt/v2/psps/external', {
        ...specCreatePspBody(),
        credential: JSON.stringify({ merchantEmail: 'm@example.com', apiKey: secrets[0] }),
      });
      assert.equal(psp.statusCode, 200);
      await api.patch(`/connxt/v2/psps/${psp.json().data.id}`, {
        credential: JSON.stringify({ merchantEmail: 'm@example.com', apiKey: secrets[1] }),
      });
      await api.post('/connxt/v2/psps/external', {
        ...specCreatePspBody(),
        flowTargetId: spec.paymaxis.targetId,
        credential: JSON.stringify({ apiKey: 42, signingKey: secrets[2], extra: secrets[3] }),
      });
      await api.post('/connxt/v2/psps/external', `{"credential": "${secrets[3]}", broken`);
      await api.get('/connxt/v2/psps', { token: rotated.token.secretToken });
      await api.get('/connxt/v2/psps', { token: `${ctx.t.demoToken!.slice(0, -1)}X` });
      await api.get('/admin/v1/brands', { admin: 'guessed-admin-token-000000000' });

      const log = ctx.t.logs.text;
      assert.ok(ctx.t.logs.lines.length > 10, 'requests were logged');
      assert.match(log, /"requestId"/);
      for (const secret of [...secrets, ctx.t.demoToken!, env.secretToken, rotated.token.secretToken, adminToken, 'guessed-admin-token']) {
        assert.equal(log.includes(secret), false, `log contains ${secret.slice(0, 12)}…`);
      }
      assert.doesNotMatch(log, /sec_[0-9A-Za-z]{26}/);
    });

    it('logs callback requests without their URL token or query', async () => {
      const token = 'Zq9CallbackTokenAAAAAAAAAAAAAAAA';
      await ctx.t.engine.app.inject({
        method: 'POST',
        url: `/connxt/v2/callbacks/w/ortxAAAAAAAAAAAA/${token}?payer=Zq9-payer-name`,
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
      const line = ctx.t.logs.lines.find((l) => l.includes('/connxt/v2/callbacks/w/ortxAAAAAAAAAAAA/'));
      assert.ok(line, 'the callback request was logged');
      assert.match(line, /"url":"\/connxt\/v2\/callbacks\/w\/ortxAAAAAAAAAAAA\/\*\*\*\?\*\*\*"/);
      assert.equal(ctx.t.logs.text.includes(token), false);
      assert.equal(ctx.t.logs.text.includes('Zq9-payer-name'), false);
    });
  });
}
