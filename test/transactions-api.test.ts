import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useEngine } from './helpers/engine.js';
import { FakePsp } from './helpers/fake-psp.js';
import { assertErrorEnvelope, assertSuccessEnvelope, client } from './helpers/http.js';
import { resourceTimestamp } from './helpers/spec-examples.js';
import { storeCases } from './helpers/stores.js';
import { depositBody, setUpTestGateway, testCredential, testGatewayHandler, type TestGateway } from './helpers/test-gateway.js';

const createdMessage = 'Transaction created successfully';

for (const storeCase of storeCases()) {
  describe(`transactions API [${storeCase.kind}]`, () => {
    const ctx = useEngine(storeCase, { sandbox: { timeoutMs: 1_500 } });
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );
    const psp = new FakePsp(testGatewayHandler);
    let gateway: TestGateway;
    const create = (body: unknown, headers?: Record<string, string>) =>
      api.post('/connxt/v2/transactions', body, headers ? { headers } : {});
    const statusesOf = async (txnId: string) => {
      const data = assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${txnId}`));
      return (data.history as { status: string }[]).map((entry) => entry.status);
    };

    before(async () => {
      await psp.start();
      const demo = ctx.t.engine.demo!;
      gateway = await setUpTestGateway(ctx.t.engine.app, ctx.t.demoToken!, demo.environmentId, psp);
    });
    after(() => psp.stop());

    it('answers a pay-page deposit in the redirect shape of spec/001 and stores NEW → CREATED → INITIATED → PG_ACCEPTED', async () => {
      const body = depositBody(gateway, { scenario: 'redirect', orderId: 'order-redirect-1' });
      const data = assertSuccessEnvelope(await create(body), 200, createdMessage);
      assert.deepEqual(Object.keys(data), ['success', 'data', 'error', 'meta', 'txnId', 'status']);
      assert.equal(data.success, true);
      assert.equal(data.error, null);
      assert.equal(data.status, 'PG_ACCEPTED');
      assert.match(data.txnId, /^ortx[0-9A-Za-z]{12}$/);
      assert.equal(data.data.__type, 'success');
      assert.deepEqual(data.data.data.navigation, {
        type: 'redirect',
        contentType: 'url',
        value: `https://pay.psp.test/checkout/pg_${data.txnId}`,
      });
      assert.equal(data.data.data.orderId, data.txnId);
      assert.equal(data.data.data.userId, 'cust_001');
      // meta in the documented shape: objects keyed "0", "1", …
      assert.deepEqual(Object.keys(data.meta.logs), ['0']);
      assert.equal(data.meta.logs['0'].level, 'info');
      assert.equal(data.meta.http['0'].request.method, 'POST');
      assert.equal(data.meta.http['0'].request.url, 'https://psp.test/pay');
      assert.equal(data.meta.http['0'].response.status, 200);

      const stored = assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${data.txnId}`));
      assert.equal(stored.status, 'PG_ACCEPTED');
      assert.equal(stored.pspTxnId, `pg_${data.txnId}`);
      assert.equal(stored.txnAmount, '200.00');
      assert.equal(stored.txnCurrency, 'USD');
      assert.equal(stored.orderId, 'order-redirect-1');
      assert.match(stored.createdAt, resourceTimestamp);
      assert.deepEqual(
        stored.history.map((h: { fromStatus: string | null; status: string; cause: string }) => [h.fromStatus, h.status, h.cause]),
        [
          [null, 'NEW', 'api'],
          ['NEW', 'CREATED', 'api'],
          ['CREATED', 'INITIATED', 'api'],
          ['INITIATED', 'PG_ACCEPTED', 'api'],
        ],
      );
    });

    it('sends the payer to the mapped place when the pay page is on a host-mapped gateway origin (non-production)', async () => {
      const data = assertSuccessEnvelope(await create(depositBody(gateway, { scenario: 'page-on-api-host' })), 200, createdMessage);
      assert.equal(data.data.data.navigation.value, `${psp.origin}/checkout/pg_${data.txnId}`);
    });

    it('answers a direct success in the direct shape and passes through PG_SUCCESS', async () => {
      const data = assertSuccessEnvelope(await create(depositBody(gateway, { scenario: 'success' })), 200, createdMessage);
      assert.equal(data.status, 'SUCCESS');
      assert.equal(data.pspTxnId, `pg_${data.txnId}`);
      assert.equal(data.error, null);
      assert.deepEqual(await statusesOf(data.txnId), ['NEW', 'CREATED', 'INITIATED', 'PG_ACCEPTED', 'PG_SUCCESS', 'SUCCESS']);
    });

    it('ends a direct failure in FAILED through PG_FAILED', async () => {
      const data = assertSuccessEnvelope(await create(depositBody(gateway, { scenario: 'failed' })), 200, createdMessage);
      assert.equal(data.status, 'FAILED');
      assert.deepEqual(await statusesOf(data.txnId), ['NEW', 'CREATED', 'INITIATED', 'PG_ACCEPTED', 'PG_FAILED', 'FAILED']);
    });

    it('ends a PSP decline in REJECTED through PG_REJECTED, with the reason', async () => {
      const data = assertSuccessEnvelope(await create(depositBody(gateway, { scenario: 'decline' })), 200, createdMessage);
      assert.equal(data.status, 'REJECTED');
      assert.deepEqual(data.error, { message: 'card declined by issuer' });
      assert.deepEqual(await statusesOf(data.txnId), ['NEW', 'CREATED', 'INITIATED', 'PG_REJECTED', 'REJECTED']);
      const stored = assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${data.txnId}`));
      assert.equal(stored.history.at(-1).detail, 'card declined by issuer');
    });

    it('rejects a transaction whose script broke before calling the PSP', async () => {
      for (const scenario of ['throw-early', 'invalid', 'forbidden-host']) {
        const data = assertSuccessEnvelope(await create(depositBody(gateway, { scenario })), 200, createdMessage);
        assert.equal(data.status, 'REJECTED', scenario);
        assert.equal(typeof data.error.message, 'string');
        assert.deepEqual(await statusesOf(data.txnId), ['NEW', 'CREATED', 'INITIATED', 'PG_REJECTED', 'REJECTED']);
      }
    });

    it('keeps a transaction pending (PG_ACCEPTED) when the script broke after the PSP may have acted', async () => {
      const late = assertSuccessEnvelope(await create(depositBody(gateway, { scenario: 'throw-late' })), 200, createdMessage);
      assert.equal(late.status, 'PG_ACCEPTED');
      assert.match(late.error.message, /broke after calling the PSP/);
      const stored = assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${late.txnId}`));
      assert.match(stored.history.at(-1).detail, /outcome unknown/);
    });

    it('stops a script that never finishes at its wall time, and keeps serving meanwhile', async () => {
      const started = Date.now();
      const pending = create(depositBody(gateway, { scenario: 'hang' }));
      const health = await api.get('/health');
      assert.equal(health.statusCode, 200);
      const data = assertSuccessEnvelope(await pending, 200, createdMessage);
      assert.ok(Date.now() - started < 5_000, 'the run was stopped at its time limit');
      assert.equal(data.status, 'PG_ACCEPTED');
      assert.match(data.error.message, /longer than 1500 ms/);
    });

    it('never returns, stores or logs the credential, the Authorization header or a card number', async () => {
      const card = { number: '4111111111111111', cvc: '737', expiry: '12/30' };
      const res = await create(depositBody(gateway, { scenario: 'success', body: { card } }));
      const data = assertSuccessEnvelope(res, 200, createdMessage);
      assert.equal(psp.requests.at(-1)!.headers.authorization, `Bearer ${testCredential.apiKey}`, 'the PSP got the real key');
      for (const secret of [testCredential.apiKey, '4111111111111111', '"737"']) {
        assert.ok(!res.body.includes(secret), `response leaks ${secret}`);
      }
      assert.equal(data.meta.http['0'].request.headers.Authorization, '***');
      assert.match(data.meta.logs['0'].message, /key \*\*\*/);
      const { rows } = await ctx.t.db.query<{ text: string }>(
        `SELECT (SELECT string_agg(meta::text || coalesce(result::text, '') || coalesce(failure_message, ''), ' ') FROM transaction_step_runs WHERE transaction_id = $1)
                || (SELECT execute_payload::text FROM transactions WHERE id = $1) AS text`,
        [data.txnId],
      );
      for (const secret of [testCredential.apiKey, '4111111111111111', '"737"']) {
        assert.ok(!rows[0]!.text.includes(secret), `stored rows leak ${secret}`);
      }
      assert.ok(!ctx.t.logs.text.includes(testCredential.apiKey), 'logs leak the credential');
      assert.ok(!ctx.t.logs.text.includes('4111111111111111'), 'logs leak the card number');
    });

    it('refuses a second transaction for the same order with 409 4005 naming the first', async () => {
      const first = assertSuccessEnvelope(await create(depositBody(gateway, { orderId: 'order-dup-1' })), 200, createdMessage);
      const body = assertErrorEnvelope(await create(depositBody(gateway, { orderId: 'order-dup-1' })), 409, '4005');
      assert.match(body.message, new RegExp(first.txnId));
    });
  });
}
