/**
 * Withdrawals wait in PENDING_FOR_APPROVAL (the withdraw map of PSP-FACTS.md) until an operator
 * approves or rejects them through the API, unless they are below the environment's
 * auto-approval limit for their currency. Real engine, real sandbox, a real HTTP gateway stand-in.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { adminToken, useEngine } from './helpers/engine.js';
import { FakePsp } from './helpers/fake-psp.js';
import { assertErrorEnvelope, assertSuccessEnvelope, client } from './helpers/http.js';
import { payoutBody, setUpPayoutGateway, type PayoutGateway } from './helpers/payout-gateway.js';
import { storeCases } from './helpers/stores.js';
import { createOtherTenant, testGatewayHandler } from './helpers/test-gateway.js';

const createdMessage = 'Transaction created successfully';
const approvedMessage = 'Transaction approved successfully';
const rejectedMessage = 'Transaction rejected successfully';
const card = { number: '4111111111111111', cvc: '737' };

interface HistoryEntry {
  fromStatus: string | null;
  status: string;
  cause: string;
  detail: string | null;
}

for (const storeCase of storeCases()) {
  describe(`withdrawal approval [${storeCase.kind}]`, () => {
    const ctx = useEngine(storeCase, { sandbox: { timeoutMs: 3_000 } });
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );
    const psp = new FakePsp(testGatewayHandler);
    let gateway: PayoutGateway;
    let other: { token: string; gateway: PayoutGateway };

    const withdraw = async (options: Parameters<typeof payoutBody>[2] = {}, token?: string, on = gateway) => {
      const body = payoutBody(on, 'WITHDRAW', { scenario: 'pending', ...options, body: { card, ...options.body } });
      const data = assertSuccessEnvelope(await api.post('/connxt/v2/transactions', body, token === undefined ? {} : { token }), 200, createdMessage);
      return { data, orderId: body.executePayload.body.order.id };
    };
    const approve = (txnId: string, options: { token?: string; headers?: Record<string, string> } = {}) =>
      api.post(`/connxt/v2/transactions/${txnId}/approve`, undefined, options);
    const reject = (txnId: string, body?: unknown, token?: string) =>
      api.post(`/connxt/v2/transactions/${txnId}/reject`, body, token === undefined ? {} : { token });
    const read = async (txnId: string) => assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${txnId}`));
    const hops = async (txnId: string) =>
      ((await read(txnId)).history as HistoryEntry[]).map((h) => [h.fromStatus, h.status, h.cause, h.detail]);
    const gatewayCalls = (txnId: string) => psp.requests.filter((r) => (r.body as { orderId?: string } | null)?.orderId === txnId);
    const stored = async (txnId: string) =>
      (
        await ctx.t.db.query<{ pending_payload: Uint8Array | null; execute_payload: string; next_check_at: Date | null; runs: string }>(
          `SELECT pending_payload, execute_payload::text AS execute_payload, next_check_at,
                  (SELECT count(*) FROM transaction_step_runs r WHERE r.transaction_id = t.id)::text AS runs
             FROM transactions t WHERE id = $1`,
          [txnId],
        )
      ).rows[0]!;
    const setLimits = async (limits: Record<string, unknown>) =>
      api.patch(`/admin/v1/environments/${ctx.t.engine.demo!.environmentId}`, { withdrawalAutoApproveLimits: limits }, { admin: adminToken, token: null });

    before(async () => {
      await psp.start();
      gateway = await setUpPayoutGateway(ctx.t.engine.app, ctx.t.demoToken!, ctx.t.engine.demo!.environmentId, psp);
      const tenant = await createOtherTenant(ctx.t.engine, 'Approval other brand');
      other = { token: tenant.token, gateway: await setUpPayoutGateway(ctx.t.engine.app, tenant.token, tenant.environmentId, psp, 'Other Payout Gateway') };
    });
    after(() => psp.stop());

    it('stores a withdrawal as PENDING_FOR_APPROVAL without running its script or calling the gateway', async () => {
      const { data, orderId } = await withdraw();
      assert.deepEqual(data, {
        txnId: data.txnId,
        status: 'PENDING_FOR_APPROVAL',
        pspTxnId: null,
        orderId,
        txnAmount: '100.00',
        txnCurrency: 'USD',
        message: `Waiting for approval: POST /connxt/v2/transactions/${data.txnId}/approve or /reject`,
        error: null,
        meta: { logs: {}, http: {} },
      });
      assert.deepEqual(gatewayCalls(data.txnId), []);
      assert.deepEqual(await hops(data.txnId), [
        [null, 'NEW', 'api', null],
        ['NEW', 'CREATED', 'api', null],
        ['CREATED', 'PENDING_FOR_APPROVAL', 'api', null],
      ]);
      const row = await stored(data.txnId);
      assert.equal(row.runs, '0', 'no step ran');
      assert.equal(row.next_check_at, null, 'nothing to reconcile while a person decides');
      // The payload waits sealed: neither the card nor any other field value is readable in it.
      assert.ok(row.pending_payload !== null && row.pending_payload.length > 0);
      const sealed = Buffer.from(row.pending_payload).toString('latin1');
      for (const value of [card.number, card.cvc, orderId, 'cust_001', 'pending']) assert.ok(!sealed.includes(value), `sealed payload shows ${value}`);
      assert.ok(!row.execute_payload.includes(card.number), 'the stored execute_payload is masked');
    });

    it('approve runs initiate with the payload as sent, answers like creation, and clears the sealed payload', async () => {
      const { data: created, orderId } = await withdraw();
      const data = assertSuccessEnvelope(await approve(created.txnId), 200, approvedMessage);
      assert.deepEqual(Object.keys(data), ['txnId', 'status', 'pspTxnId', 'orderId', 'txnAmount', 'txnCurrency', 'message', 'error', 'meta']);
      assert.equal(data.txnId, created.txnId);
      assert.equal(data.status, 'PG_ACCEPTED');
      assert.equal(data.pspTxnId, `pg_${created.txnId}`);
      assert.equal(data.orderId, orderId);
      assert.equal(data.meta.http['0'].request.url, 'https://psp.test/pay');
      const calls = gatewayCalls(created.txnId);
      assert.equal(calls.length, 1);
      // The script saw the card as the merchant sent it, not the masked copy the row keeps.
      assert.deepEqual((calls[0]!.body as { card: unknown }).card, card);
      assert.deepEqual(await hops(created.txnId), [
        [null, 'NEW', 'api', null],
        ['NEW', 'CREATED', 'api', null],
        ['CREATED', 'PENDING_FOR_APPROVAL', 'api', null],
        ['PENDING_FOR_APPROVAL', 'APPROVED', 'operator', null],
        ['APPROVED', 'INITIATED', 'operator', null],
        ['INITIATED', 'PG_ACCEPTED', 'operator', null],
      ]);
      const row = await stored(created.txnId);
      assert.equal(row.pending_payload, null, 'the sealed payload is gone once approved');
      assert.equal(row.runs, '1');
      assert.ok(row.next_check_at !== null, 'reconciliation now follows it like any started transaction');

      const again = assertErrorEnvelope(await approve(created.txnId), 409, '4005');
      assert.equal(again.message, 'Transaction is PG_ACCEPTED; only a withdrawal in PENDING_FOR_APPROVAL can be approved or rejected');
      assert.equal(gatewayCalls(created.txnId).length, 1);
    });

    it('reject ends it REJECTED with the reason, and the script never runs', async () => {
      const { data: created } = await withdraw();
      assertErrorEnvelope(await reject(created.txnId, { reason: 42 }), 400, '4001');
      assertErrorEnvelope(await reject(created.txnId, { why: 'x' }), 400, '4001');
      const data = assertSuccessEnvelope(await reject(created.txnId, { reason: 'beneficiary failed KYC' }), 200, rejectedMessage);
      assert.equal(data.txnId, created.txnId);
      assert.equal(data.status, 'REJECTED');
      assert.deepEqual(data.history.at(-1), { ...data.history.at(-1), fromStatus: 'PENDING_FOR_APPROVAL', status: 'REJECTED', cause: 'operator', detail: 'beneficiary failed KYC' });
      assert.deepEqual(data, await read(created.txnId));
      const row = await stored(created.txnId);
      assert.equal(row.pending_payload, null);
      assert.equal(row.runs, '0');
      assert.deepEqual(gatewayCalls(created.txnId), []);
      assert.equal(assertErrorEnvelope(await approve(created.txnId), 409, '4005').message, 'Transaction is REJECTED; only a withdrawal in PENDING_FOR_APPROVAL can be approved or rejected');
      assertErrorEnvelope(await reject(created.txnId), 409, '4005');
      assert.deepEqual(gatewayCalls(created.txnId), []);

      // Without a reason the REJECTED entry has no detail.
      const { data: plain } = await withdraw();
      assertSuccessEnvelope(await reject(plain.txnId), 200, rejectedMessage);
      assert.deepEqual((await hops(plain.txnId)).at(-1), ['PENDING_FOR_APPROVAL', 'REJECTED', 'operator', null]);
    });

    it('of two approvals at once exactly one runs the script; the other gets 409', async () => {
      const rounds = storeCase.kind === 'postgres' ? 5 : 2;
      for (let round = 0; round < rounds; round += 1) {
        const { data: created } = await withdraw();
        const answers = await Promise.all([approve(created.txnId), approve(created.txnId), reject(created.txnId)]);
        const codes = answers.map((a) => a.statusCode);
        assert.equal(codes.filter((c) => c === 200).length, 1, `round ${round}: ${codes.join(', ')}`);
        assert.equal(codes.filter((c) => c === 409).length, 2, `round ${round}: ${codes.join(', ')}`);
        const approvedWon = codes[0] === 200 || codes[1] === 200;
        assert.equal(gatewayCalls(created.txnId).length, approvedWon ? 1 : 0, `round ${round}`);
        const history = await hops(created.txnId);
        assert.equal(history.filter((h) => h[1] === 'APPROVED' || h[1] === 'REJECTED').length, 1, `round ${round}`);
        assert.equal((await stored(created.txnId)).runs, approvedWon ? '1' : '0');
      }
    });

    it('keeps environments apart: another environment\'s withdrawal is not found', async () => {
      const { data: mine } = await withdraw();
      const { data: theirs } = await withdraw({}, other.token, other.gateway);
      assertErrorEnvelope(await approve(mine.txnId, { token: other.token }), 404, '4004');
      assertErrorEnvelope(await reject(mine.txnId, undefined, other.token), 404, '4004');
      assertErrorEnvelope(await approve(theirs.txnId), 404, '4004');
      assertErrorEnvelope(await approve('ortxAAAAAAAAAAAA'), 404, '4004');
      assertErrorEnvelope(await approve('not-an-id'), 404, '4004');
      assert.equal((await read(mine.txnId)).status, 'PENDING_FOR_APPROVAL');
      assert.deepEqual(gatewayCalls(mine.txnId), []);
      assertSuccessEnvelope(await approve(theirs.txnId, { token: other.token }), 200, approvedMessage);

      // A deposit never waits for approval, so it cannot be approved.
      const deposit = assertSuccessEnvelope(await api.post('/connxt/v2/transactions', payoutBody(gateway, 'DEPOSIT', { scenario: 'pending' })), 200, createdMessage);
      const refused = assertErrorEnvelope(await approve(deposit.txnId), 409, '4005');
      assert.equal(refused.message, 'Transaction is a DEPOSIT; only a withdrawal waits for approval');
    });

    it('replays an approval under the same Idempotency-Key without running the script again', async () => {
      const { data: created } = await withdraw();
      const key = randomUUID();
      const first = await approve(created.txnId, { headers: { 'idempotency-key': key } });
      assertSuccessEnvelope(first, 200, approvedMessage);
      const again = await approve(created.txnId, { headers: { 'idempotency-key': key } });
      assert.equal(again.statusCode, 200);
      assert.equal(again.body, first.body);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(gatewayCalls(created.txnId).length, 1);
    });

    it('refuses an Idempotency-Key already used to approve another withdrawal', async () => {
      const { data: first } = await withdraw();
      const { data: second } = await withdraw();
      const key = randomUUID();
      assertSuccessEnvelope(await approve(first.txnId, { headers: { 'idempotency-key': key } }), 200, approvedMessage);
      assertErrorEnvelope(await approve(second.txnId, { headers: { 'idempotency-key': key } }), 409, '4005');
      assert.equal((await read(second.txnId)).status, 'PENDING_FOR_APPROVAL');
    });

    it('approves below the environment limit at once; at or above it, or in another currency, the withdrawal waits', async () => {
      const environmentId = ctx.t.engine.demo!.environmentId;
      try {
        // Each limit is checked at its currency's precision and stored with its digits.
        for (const [limits, field] of [
          [{ USD: '10.001' }, 'withdrawalAutoApproveLimits.USD'],
          [{ JPY: '10.5' }, 'withdrawalAutoApproveLimits.JPY'],
          [{ USD: '0' }, 'withdrawalAutoApproveLimits.USD'],
          [{ ABC: '10' }, 'withdrawalAutoApproveLimits.ABC'],
          [{ usd: '10' }, 'withdrawalAutoApproveLimits'],
          [{ USD: 10 }, 'withdrawalAutoApproveLimits.USD'],
        ] as const) {
          const error = assertErrorEnvelope(await setLimits(limits), 400, '4001');
          assert.deepEqual(error.errors.map((e) => e.field), [field], JSON.stringify(limits));
        }
        assert.deepEqual(assertSuccessEnvelope(await setLimits({ USD: '100', JPY: '5000' })).withdrawalAutoApproveLimits, { USD: '100.00', JPY: '5000' });
        const read = await api.get(`/admin/v1/environments/${environmentId}`, { admin: adminToken, token: null });
        assert.deepEqual(assertSuccessEnvelope(read).withdrawalAutoApproveLimits, { USD: '100.00', JPY: '5000' });

        const below = await withdraw({ amount: '99.99' });
        assert.equal(below.data.status, 'PG_ACCEPTED');
        assert.equal(gatewayCalls(below.data.txnId).length, 1);
        assert.deepEqual((await hops(below.data.txnId)).map((h) => h[1]), ['NEW', 'CREATED', 'INITIATED', 'PG_ACCEPTED']);
        assert.equal((await stored(below.data.txnId)).pending_payload, null);

        for (const [amount, currency] of [['100.00', 'USD'], ['250.00', 'USD'], ['1.00', 'EUR']]) {
          const { data } = await withdraw({ amount: amount!, currency: currency! });
          assert.equal(data.status, 'PENDING_FOR_APPROVAL', `${amount} ${currency}`);
          assert.deepEqual(gatewayCalls(data.txnId), []);
        }
      } finally {
        assert.deepEqual(assertSuccessEnvelope(await setLimits({})).withdrawalAutoApproveLimits, {});
      }
      const { data } = await withdraw({ amount: '1.00' });
      assert.equal(data.status, 'PENDING_FOR_APPROVAL', 'with the limits cleared every withdrawal waits again');
    });

    it('takes limits when an environment is created, and starts with none', async () => {
      const admin = { admin: adminToken, token: null };
      const brand = assertSuccessEnvelope(await api.post('/admin/v1/brands', { name: 'Limits brand' }, admin), 201, 'Resource created successfully');
      const withLimits = await api.post(`/admin/v1/brands/${brand.id}/environments`, { name: 'limited', withdrawalAutoApproveLimits: { BRL: '500' } }, admin);
      assert.equal(withLimits.statusCode, 201, withLimits.body);
      assert.deepEqual(withLimits.json().data.withdrawalAutoApproveLimits, { BRL: '500.00' });
      const plain = await api.post(`/admin/v1/brands/${brand.id}/environments`, { name: 'plain' }, admin);
      assert.deepEqual(plain.json().data.withdrawalAutoApproveLimits, {});
      const bad = await api.post(`/admin/v1/brands/${brand.id}/environments`, { name: 'bad', withdrawalAutoApproveLimits: { BRL: '1.234' } }, admin);
      assert.deepEqual(assertErrorEnvelope(bad, 400, '4001').errors, [
        { field: 'withdrawalAutoApproveLimits.BRL', message: 'has more decimal places than BRL allows (2)' },
      ]);
    });
  });
}
