import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminToken, useEngine } from './helpers/engine.js';
import { FakePsp } from './helpers/fake-psp.js';
import { assertErrorEnvelope, assertSuccessEnvelope, client } from './helpers/http.js';
import { spec } from './helpers/spec-examples.js';
import { storeCases } from './helpers/stores.js';
import { createOtherTenant, depositBody, setUpTestGateway, testCredential, testGatewayHandler, type TestGateway } from './helpers/test-gateway.js';

// /admin/v1/environments/{id}/...: the merchant API of one environment for an operator (the
// dashboard), with the admin token instead of a secret token, and the script runs of a transaction.

for (const storeCase of storeCases()) {
  describe(`operator scope of an environment [${storeCase.kind}]`, () => {
    const ctx = useEngine(storeCase, { sandbox: { timeoutMs: 1_500 } });
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );
    const admin = { token: null, admin: adminToken } as const;
    const psp = new FakePsp(testGatewayHandler);
    let gateway: TestGateway;
    let environmentId: string;
    let other: { environmentId: string; token: string };
    const scope = (path: string, env = environmentId) => `/admin/v1/environments/${env}${path}`;

    before(async () => {
      await psp.start();
      environmentId = ctx.t.engine.demo!.environmentId;
      gateway = await setUpTestGateway(ctx.t.engine.app, ctx.t.demoToken!, environmentId, psp);
      other = await createOtherTenant(ctx.t.engine, 'Other Brand');
    });
    after(() => psp.stop());

    it('creates a PSP and a deposit as the environment, which its own secret token then sees', async () => {
      const created = assertSuccessEnvelope(
        await api.post(
          scope('/psps/external'),
          {
            name: 'Operator PSP',
            credential: JSON.stringify(testCredential),
            flowTargetId: gateway.targetId,
            operations: [{ flowActionId: spec.actions.DEPOSIT, flowDefinitionId: gateway.depositDefinitionId, status: 'ENABLED' }],
          },
          admin,
        ),
      );
      assert.equal(created.environmentId, environmentId);
      assert.equal(created.credential, '***ENCRYPTED***');
      assert.equal(assertSuccessEnvelope(await api.get(`/connxt/v2/psps/${created.id}`)).name, 'Operator PSP');

      const deposit = assertSuccessEnvelope(await api.post(scope('/transactions'), depositBody(gateway), admin), 200, 'Transaction created successfully');
      assert.equal(deposit.status, 'PG_ACCEPTED');
      const seen = assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${deposit.txnId}`));
      assert.deepEqual(seen, assertSuccessEnvelope(await api.get(scope(`/transactions/${deposit.txnId}`), admin)));
      // Started by an operator, not by the merchant: the history says so.
      assert.deepEqual(
        seen.history.map((h: { status: string; cause: string }) => `${h.status} ${h.cause}`),
        ['NEW operator', 'CREATED operator', 'INITIATED operator', 'PG_ACCEPTED operator'],
      );
    });

    it("answers a transaction's script runs with their redacted logs and HTTP calls, placed in its history", async () => {
      const { txnId } = assertSuccessEnvelope(await api.post('/connxt/v2/transactions', depositBody(gateway)), 200, 'Transaction created successfully');
      const data = assertSuccessEnvelope(await api.get(scope(`/transactions/${txnId}/steps`), admin));
      assert.equal(data.txnId, txnId);
      assert.equal(data.steps.length, 1);
      const [step] = data.steps;
      assert.deepEqual(Object.keys(step), ['step', 'definitionVersion', 'ok', 'failure', 'result', 'logs', 'http', 'durationMs', 'createdAt', 'afterHistorySeq']);
      assert.equal(step.step, 'initiate');
      assert.equal(step.ok, true);
      assert.equal(step.failure, null);
      // Stored before PG_ACCEPTED (seq 4), after NEW, CREATED, INITIATED.
      assert.equal(step.afterHistorySeq, 3);
      assert.equal(step.http['0'].request.url, 'https://psp.test/pay');
      assert.equal(step.http['0'].response.status, 200);
      assert.equal(typeof step.durationMs, 'number');
      assert.ok(!JSON.stringify(data).includes(testCredential.apiKey), 'the credential is masked in stored runs');
    });

    it('is 404 for an unknown environment, and for another environment’s ids', async () => {
      assertErrorEnvelope(await api.get(scope('/psps', 'env_00000000000000000000000000'), admin), 404, '4004');
      assertErrorEnvelope(await api.get(scope(`/psps/${gateway.pspId}`, other.environmentId), admin), 404, '4004');
      const { txnId } = assertSuccessEnvelope(await api.post('/connxt/v2/transactions', depositBody(gateway)), 200, 'Transaction created successfully');
      assertErrorEnvelope(await api.get(scope(`/transactions/${txnId}`, other.environmentId), admin), 404, '4004');
      assertErrorEnvelope(await api.get(scope(`/transactions/${txnId}/steps`, other.environmentId), admin), 404, '4004');
      const list = assertSuccessEnvelope(await api.get(scope('/transactions', other.environmentId), admin));
      assert.deepEqual(list.items, []);
    });

    it('needs the admin token: a secret token, even of that environment, is refused; steps are not on /connxt/v2', async () => {
      assertErrorEnvelope(await api.get(scope('/psps')), 401, '4002');
      assertErrorEnvelope(await api.get(scope('/psps'), { token: null, admin: 'not-the-admin-token-0123456789' }), 401, '4002');
      const { txnId } = assertSuccessEnvelope(await api.post('/connxt/v2/transactions', depositBody(gateway)), 200, 'Transaction created successfully');
      assertErrorEnvelope(await api.get(`/connxt/v2/transactions/${txnId}/steps`), 404, '4004');
    });

    it('honours Idempotency-Key per environment, as /connxt/v2 does', async () => {
      const headers = { 'idempotency-key': 'operator-retry-1' };
      const body = depositBody(gateway, { orderId: 'operator-idem-1' });
      const first = await api.post(scope('/transactions'), body, { ...admin, headers });
      const again = await api.post(scope('/transactions'), body, { ...admin, headers });
      assert.equal(again.body, first.body);
      const list = assertSuccessEnvelope(await api.get('/connxt/v2/transactions?orderId=operator-idem-1'));
      assert.equal(list.items.length, 1);
    });
  });
}
