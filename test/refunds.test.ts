/**
 * Refunds follow their deposit: only a SUCCESS deposit, never more than what is left of it (a
 * refund reserves its amount in the statement that creates it, and gives it back if it fails),
 * tracked on the deposit's GET. Real engine, real sandbox, a real HTTP gateway stand-in.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { useEngine } from './helpers/engine.js';
import { FakePsp } from './helpers/fake-psp.js';
import { assertErrorEnvelope, assertSuccessEnvelope, client } from './helpers/http.js';
import { payoutBody, setUpPayoutGateway, type PayoutGateway } from './helpers/payout-gateway.js';
import { resourceTimestamp } from './helpers/spec-examples.js';
import { storeCases } from './helpers/stores.js';
import { createOtherTenant, handlerWithLookups, testCredential } from './helpers/test-gateway.js';

const createdMessage = 'Transaction created successfully';

/** What the fake PSP answers when a status step looks a payment up (GET /payments/{id}). */
const lookedUpStates = new Map<string, string>();

interface Tracking {
  refundedAmount: string;
  pendingAmount: string;
  refundableAmount: string;
  items: { txnId: string; status: string; txnAmount: string; createdAt: string }[];
}

for (const storeCase of storeCases()) {
  describe(`refunds [${storeCase.kind}]`, () => {
    const ctx = useEngine(storeCase, { sandbox: { timeoutMs: 3_000 } });
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );
    const psp = new FakePsp(handlerWithLookups(lookedUpStates));
    let gateway: PayoutGateway;
    let other: { token: string; gateway: PayoutGateway };

    const post = (body: unknown, token?: string) => api.post('/connxt/v2/transactions', body, token === undefined ? {} : { token });
    const deposit = async (amount: string, scenario = 'success', currency = 'USD') => {
      const data = assertSuccessEnvelope(await post(payoutBody(gateway, 'DEPOSIT', { amount, scenario, currency })), 200, createdMessage);
      assert.equal(data.status, scenario === 'success' ? 'SUCCESS' : 'PG_ACCEPTED');
      return data.txnId as string;
    };
    const refundBody = (parentTxnId: string, amount: string, scenario = 'success', currency = 'USD') =>
      payoutBody(gateway, 'REFUND', { amount, scenario, currency, parentTxnId });
    const refund = async (parentTxnId: string, amount: string, scenario = 'success') =>
      assertSuccessEnvelope(await post(refundBody(parentTxnId, amount, scenario)), 200, createdMessage) as { txnId: string; status: string };
    const refused = async (body: unknown) => assertErrorEnvelope(await post(body), 400, '4001').errors;
    const read = async (txnId: string) => assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${txnId}`));
    const tracking = async (txnId: string) => {
      const { refunds } = await read(txnId);
      for (const item of (refunds as Tracking).items) assert.match(item.createdAt, resourceTimestamp);
      return { ...(refunds as Tracking), items: (refunds as Tracking).items.map(({ createdAt: _, ...rest }) => rest) };
    };
    const refundCount = async (parentId: string) =>
      Number((await ctx.t.db.query<{ n: string }>('SELECT count(*)::text AS n FROM transactions WHERE parent_transaction_id = $1', [parentId])).rows[0]!.n);
    /** The gateway's signed webhook for `txnId` (the test gateway's webhook step checks an HMAC). */
    const webhook = (txnId: string, state: string) => {
      const body = JSON.stringify({ id: `pg_${txnId}`, state });
      const url = new URL(ctx.t.engine.services.executor.callbackUrls(txnId).webhook);
      return ctx.t.engine.app.inject({
        method: 'POST',
        url: url.pathname,
        headers: { 'content-type': 'application/json', 'x-test-signature': createHmac('sha256', testCredential.apiKey).update(body).digest('hex') },
        payload: body,
      });
    };

    before(async () => {
      await psp.start();
      gateway = await setUpPayoutGateway(ctx.t.engine.app, ctx.t.demoToken!, ctx.t.engine.demo!.environmentId, psp);
      const tenant = await createOtherTenant(ctx.t.engine, 'Refund other brand');
      other = { token: tenant.token, gateway: await setUpPayoutGateway(ctx.t.engine.app, tenant.token, tenant.environmentId, psp, 'Other Refund Gateway') };
    });
    after(() => psp.stop());

    it('refunds part by part up to the deposit, refuses more than is left, and tracks it all on the deposit', async () => {
      const depositId = await deposit('100.00');
      assert.deepEqual(await tracking(depositId), { refundedAmount: '0.00', pendingAmount: '0.00', refundableAmount: '100.00', items: [] });

      const first = await refund(depositId, '30.00');
      assert.equal(first.status, 'SUCCESS');
      const second = await refund(depositId, '50.00', 'pending');
      assert.equal(second.status, 'PG_ACCEPTED');
      assert.deepEqual(await refused(refundBody(depositId, '20.01')), [
        { field: 'txnAmount', message: 'exceeds what is left to refund on the deposit: 20.00 USD (50.00 USD is held by refunds under way)' },
      ]);
      assert.deepEqual(await tracking(depositId), {
        refundedAmount: '30.00',
        pendingAmount: '50.00',
        refundableAmount: '20.00',
        items: [
          { txnId: first.txnId, status: 'SUCCESS', txnAmount: '30.00' },
          { txnId: second.txnId, status: 'PG_ACCEPTED', txnAmount: '50.00' },
        ],
      });
      const depositView = await read(depositId);
      assert.equal(depositView.status, 'SUCCESS', 'the deposit itself stays SUCCESS');
      assert.equal(depositView.parentTxnId, null);
      // A refund names its deposit and has no tracking of its own.
      const refundView = await read(first.txnId);
      assert.equal(refundView.parentTxnId, depositId);
      assert.equal(refundView.action, 'REFUND');
      assert.ok(!('refunds' in refundView));

      // The gateway confirms the pending refund: its reservation becomes refunded.
      assert.equal((await webhook(second.txnId, 'SUCCESS')).statusCode, 200);
      assert.equal((await read(second.txnId)).status, 'SUCCESS');
      assert.deepEqual(await tracking(depositId), {
        refundedAmount: '80.00',
        pendingAmount: '0.00',
        refundableAmount: '20.00',
        items: [
          { txnId: first.txnId, status: 'SUCCESS', txnAmount: '30.00' },
          { txnId: second.txnId, status: 'SUCCESS', txnAmount: '50.00' },
        ],
      });

      const last = await refund(depositId, '20');
      assert.equal(last.status, 'SUCCESS');
      assert.deepEqual(await refused(refundBody(depositId, '0.01')), [{ field: 'txnAmount', message: 'the deposit is already fully refunded' }]);
      const done = await tracking(depositId);
      assert.deepEqual([done.refundedAmount, done.pendingAmount, done.refundableAmount, done.items.length], ['100.00', '0.00', '0.00', 3]);
    });

    it('gives back the reservation of a refund that fails or is rejected, so the amount can be refunded again', async () => {
      const depositId = await deposit('50.00');
      const failed = await refund(depositId, '50.00', 'failed');
      assert.equal(failed.status, 'FAILED');
      const declined = await refund(depositId, '50.00', 'decline');
      assert.equal(declined.status, 'REJECTED');
      const pending = await refund(depositId, '50.00', 'pending');
      assert.equal((await tracking(depositId)).pendingAmount, '50.00');
      assert.equal((await webhook(pending.txnId, 'FAILED')).statusCode, 200);
      assert.equal((await read(pending.txnId)).status, 'FAILED');
      assert.deepEqual(await tracking(depositId), {
        refundedAmount: '0.00',
        pendingAmount: '0.00',
        refundableAmount: '50.00',
        items: [
          { txnId: failed.txnId, status: 'FAILED', txnAmount: '50.00' },
          { txnId: declined.txnId, status: 'REJECTED', txnAmount: '50.00' },
          { txnId: pending.txnId, status: 'FAILED', txnAmount: '50.00' },
        ],
      });
      const paid = await refund(depositId, '50.00');
      assert.equal(paid.status, 'SUCCESS');
      const done = await tracking(depositId);
      assert.deepEqual([done.refundedAmount, done.pendingAmount, done.refundableAmount], ['50.00', '0.00', '0.00']);
    });

    it('of two refunds at once that do not both fit, exactly one is created', async () => {
      const pairs = storeCase.kind === 'postgres' ? 10 : 3;
      for (let pair = 0; pair < pairs; pair += 1) {
        const depositId = await deposit('100.00');
        const answers = await Promise.all([post(refundBody(depositId, '60.00', 'pending')), post(refundBody(depositId, '60.00', 'pending'))]);
        const codes = answers.map((a) => a.statusCode).sort();
        assert.deepEqual(codes, [200, 400], `pair ${pair}: ${answers.map((a) => a.body).join(' | ')}`);
        const loser = answers.find((a) => a.statusCode === 400)!;
        const errors = assertErrorEnvelope(loser, 400, '4001').errors;
        assert.equal(errors.length, 1);
        assert.equal(errors[0]!.field, 'txnAmount');
        assert.match(errors[0]!.message, /^exceeds what is left to refund on the deposit/);
        assert.equal(await refundCount(depositId), 1, `pair ${pair}`);
        const now = await tracking(depositId);
        assert.deepEqual([now.pendingAmount, now.refundableAmount, now.items.length], ['60.00', '40.00', 1], `pair ${pair}`);
      }
    });

    it('refuses what a refund may not be: not a deposit, not its PSP or currency, more than it, another environment\'s', async () => {
      const depositId = await deposit('10.00');
      assert.deepEqual(await refused(refundBody(depositId, '10.01')), [
        { field: 'txnAmount', message: 'exceeds what is left to refund on the deposit: 10.00 USD' },
      ]);
      assert.deepEqual(await refused({ ...refundBody(depositId, '10.00', 'success', 'EUR') }), [
        { field: 'txnCurrency', message: 'must be USD, the currency of the deposit' },
      ]);
      const firstRefund = await refund(depositId, '1.00');
      assert.deepEqual(await refused(refundBody(firstRefund.txnId, '1.00')), [{ field: 'parentTxnId', message: 'is a REFUND; only a deposit can be refunded' }]);
      const withoutParent: Record<string, unknown> = refundBody(depositId, '1.00');
      delete withoutParent.parentTxnId;
      assert.deepEqual(await refused(withoutParent), [{ field: 'parentTxnId', message: 'is required for a REFUND: the id of the deposit to refund' }]);
      assert.deepEqual(await refused({ ...payoutBody(gateway, 'DEPOSIT'), parentTxnId: depositId }), [{ field: 'parentTxnId', message: 'is only for a REFUND' }]);
      const foreign = payoutBody(other.gateway, 'REFUND', { amount: '1.00', parentTxnId: depositId });
      assertErrorEnvelope(await post(foreign, other.token), 404, '4004');
      assert.equal(await refundCount(depositId), 1);
    });

    it('asks the PSP about a deposit whose outcome is not final before refunding it', async () => {
      // The PSP still says PENDING: the deposit is asked about, stays PG_ACCEPTED, the refund is refused.
      const waiting = await deposit('40.00', 'pending');
      const statusRuns = async (txnId: string) =>
        (await ctx.t.db.query<{ step: string }>("SELECT step FROM transaction_step_runs WHERE transaction_id = $1 AND step = 'status'", [txnId])).rows.length;
      assert.deepEqual(await refused(refundBody(waiting, '40.00')), [{ field: 'parentTxnId', message: 'is PG_ACCEPTED; only a SUCCESS deposit can be refunded' }]);
      assert.equal(await statusRuns(waiting), 1, 'the PSP was asked once');

      // The PSP says it was paid (its webhook never came): the deposit settles first, then the refund is made.
      const paid = await deposit('40.00', 'pending');
      lookedUpStates.set(paid, 'SUCCESS');
      const made = await refund(paid, '40.00');
      assert.equal(made.status, 'SUCCESS');
      const view = await read(paid);
      assert.equal(view.status, 'SUCCESS');
      assert.equal(view.history.at(-1).cause, 'reconciliation');
      assert.equal(await statusRuns(paid), 1);
      assert.equal((await tracking(paid)).refundedAmount, '40.00');
    });
  });
}
