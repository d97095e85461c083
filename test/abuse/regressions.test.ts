import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminToken } from '../helpers/engine.js';
import { assertErrorEnvelope } from '../helpers/http.js';
import { spec } from '../helpers/spec-examples.js';
import { storeCases, type TestStore } from '../helpers/stores.js';
import { createAbuseWorld, signAbuseWebhook, type AbuseWorld } from './abuse-world.js';

// Inputs the abuse suite found answered with a 500 or outside the envelope, kept as plain tests.

for (const storeCase of storeCases()) {
  describe(`abuse findings stay fixed [${storeCase.kind}]`, () => {
    let store: TestStore;
    let w: AbuseWorld;
    before(async () => {
      store = await storeCase.create();
      w = await createAbuseWorld(store);
    });
    after(async () => {
      await w.close();
      await store.destroy();
    });

    it('answers a path that is not valid percent-encoding, or a path parameter over 100 characters, in the envelope', async () => {
      const tenant = { 'x-secret-token': w.tokens.valid };
      for (const url of ['/connxt/v2/psps/%E0%A4%A', '/connxt/v2/transactions/%ZZ', `/connxt/v2/psps/${'x'.repeat(101)}`]) {
        assertErrorEnvelope(await w.app.inject({ method: 'GET', url, headers: tenant }), 400, '4001');
      }
      // Before a route matched, no credential was looked at: a bad one gets the same answer.
      assertErrorEnvelope(await w.app.inject({ method: 'GET', url: '/admin/v1/brands/%E0%A4%A' }), 400, '4001');
      const long = await w.app.inject({ method: 'GET', url: `/admin/v1/brands/${'b'.repeat(5_000)}`, headers: { authorization: `Bearer ${adminToken}` } });
      const body = assertErrorEnvelope(long, 400, '4001');
      assert.doesNotMatch(long.body, /bbbbbbbbbb/, 'the path is not echoed back');
      assert.equal(body.message, 'Malformed request');
    });

    it('answers 404 to a webhook endpoint change or removal under an environment id holding a NUL', async () => {
      const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
      const url = `/admin/v1/environments/${w.environments.v}%00/webhook-endpoints/${w.endpointIds.v}`;
      assertErrorEnvelope(await w.app.inject({ method: 'PATCH', url, headers, payload: '{"enabled":false}' }), 404, '4004');
      assertErrorEnvelope(await w.app.inject({ method: 'DELETE', url, headers: { authorization: headers.authorization } }), 404, '4004');
    });

    it('keeps a callback URL token and card numbers out of the log when the URL is not one the router takes', async () => {
      const [deposit] = w.transactions.deposits;
      const token = w.callbackToken('w', deposit!);
      for (const url of [`/connxt/v2/callbacks/${deposit}/${token}`, `/connxt/v2/${deposit}/${token}?note=1`, `/${token}`, `/connxt/v2/callbacks/x/${deposit}?card=4111111111111111`]) {
        assertErrorEnvelope(await w.app.inject({ method: 'POST', url, payload: '{}', headers: { 'content-type': 'application/json' } }), 404, '4004');
      }
      await w.app.inject({ method: 'GET', url: '/connxt/v2/transactions?orderId=5555-5555-5555-4444', headers: { 'x-secret-token': w.tokens.valid } });
      const log = w.t.logs.text;
      assert.ok(log.includes(`/connxt/v2/${deposit}/***?note=1`), 'the request was logged, its token masked');
      assert.ok(log.includes('/connxt/v2/transactions?orderId=***'), 'the request was logged, the card number masked');
      assert.equal(log.includes(token), false);
      assert.doesNotMatch(log, /4111111111111111|5555-5555-5555-4444/);
    });

    it('refuses an order id filter holding a NUL with a 4001', async () => {
      const res = await w.app.inject({ method: 'GET', url: '/connxt/v2/transactions?orderId=a%00b', headers: { 'x-secret-token': w.tokens.valid } });
      assert.deepEqual(assertErrorEnvelope(res, 400, '4001').errors, [{ field: 'orderId', message: 'must not contain NUL characters' }]);
    });

    it('refuses a lone surrogate anywhere in a JSON body with a 4001 naming the field', async () => {
      const headers = { 'x-secret-token': w.tokens.valid, 'content-type': 'application/json' };
      const body = {
        flowActionId: spec.actions.DEPOSIT,
        flowTargetId: w.gateway.targetId,
        pspId: w.psps.a,
        txnCurrency: 'USD',
        txnAmount: '1.00',
        executePayload: { body: { order: { id: 'lone-surrogate' }, customer: { id: 'c\ud800' } } },
      };
      const res = await w.app.inject({ method: 'POST', url: '/connxt/v2/transactions', headers, payload: JSON.stringify(body) });
      assert.deepEqual(assertErrorEnvelope(res, 400, '4001').errors, [{ field: 'executePayload.body.customer.id', message: 'must not contain a lone surrogate (invalid Unicode)' }]);
      const inKey = await w.app.inject({ method: 'POST', url: '/connxt/v2/transactions', headers, payload: '{"executePayload":{"body":{"\\udc00":1}}}' });
      assertErrorEnvelope(inKey, 400, '4001');
      const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
      const hostMap = await w.app.inject({ method: 'PATCH', url: `/admin/v1/environments/${w.environments.v}`, headers: admin, payload: '{"hostMap":{"https://psp.test\\ud83d":"http://127.0.0.1:9"}}' });
      assertErrorEnvelope(hostMap, 400, '4001');
      // A whole pair is a character like any other.
      const emoji = await w.app.inject({ method: 'POST', url: '/admin/v1/brands', headers: admin, payload: '{"name":"Acme \\ud83d\\ude00"}' });
      assert.equal(emoji.statusCode, 201, emoji.body);
    });

    it('stores and answers a callback whose query, headers or body hold a NUL, and a script that passes it on', async () => {
      const [deposit] = w.transactions.deposits;
      const redirect = await w.app.inject({ method: 'GET', url: `/connxt/v2/callbacks/r/${deposit}/${w.callbackToken('r', deposit!)}?note=a%00b&status=PENDING` });
      assert.equal(redirect.statusCode, 200, redirect.body);
      const payload = '{"state":"PENDING","message":"nul \\u0000 here"}\u0000';
      const webhook = await w.app.inject({
        method: 'POST',
        url: `/connxt/v2/callbacks/w/${deposit}/${w.callbackToken('w', deposit!)}?note=%00`,
        headers: { 'content-type': 'text/plain', 'x-abuse-signature': signAbuseWebhook(w.apiKey, payload), 'x-odd': 'a\u0000b' },
        payload,
      });
      assert.equal(webhook.statusCode, 200, webhook.body);
      const { rows } = await w.t.db.query<{ headers: Record<string, string>; query: Record<string, string>; body: string }>(
        `SELECT headers, query, body FROM inbound_callbacks WHERE transaction_id = $1 AND kind = 'webhook'`,
        [deposit],
      );
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.query.note, '\ufffd');
      assert.equal(rows[0]!.headers['x-odd'], 'a\ufffdb');
      assert.ok(rows[0]!.body.endsWith('\ufffd'), rows[0]!.body);
      const txn = await w.app.inject({ method: 'GET', url: `/connxt/v2/transactions/${deposit}`, headers: { 'x-secret-token': w.tokens.valid } });
      assert.equal(txn.statusCode, 200, txn.body);
    });
  });
}
