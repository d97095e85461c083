import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { transactionId } from '../src/ids.js';
import type { TransactionStatus } from '../src/transactions/status.js';
import { TransactionQueries } from '../src/transactions/transaction-queries.js';
import { insertTransaction, moveStatus, type NewTransaction, type StepRunRecord } from '../src/transactions/transaction-repo.js';
import { useEngine } from './helpers/engine.js';
import { FakePsp } from './helpers/fake-psp.js';
import { assertErrorEnvelope, assertSuccessEnvelope, client } from './helpers/http.js';
import { spec, specCreatePspBody } from './helpers/spec-examples.js';
import { storeCases } from './helpers/stores.js';
import { depositBody, setUpTestGateway, testCredential, testGatewayHandler, type TestGateway, otherTenantWithGateway } from './helpers/test-gateway.js';

const createdMessage = 'Transaction created successfully';

interface ListedTransaction {
  txnId: string;
  status: string;
  action: string;
  pspId: string;
  orderId: string | null;
  txnAmount: string;
  txnCurrency: string;
}

for (const storeCase of storeCases()) {
  describe(`transaction reads and create validation [${storeCase.kind}]`, () => {
    const ctx = useEngine(storeCase, { sandbox: { timeoutMs: 2_000 } });
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );
    const psp = new FakePsp(testGatewayHandler);
    let gateway: TestGateway;
    /** A second PSP of the demo environment on the same target, for the pspId filter. */
    let secondPspId: string;
    /** Sticpay, configured in the demo environment (for a WITHDRAW row). */
    let sticpayPspId: string;
    let other: { environmentId: string; token: string; gateway: TestGateway };

    const create = (body: unknown, token?: string) => api.post('/connxt/v2/transactions', body, token === undefined ? {} : { token });
    const list = async (query: string, token?: string) => {
      const data = assertSuccessEnvelope(await api.get(`/connxt/v2/transactions${query}`, token === undefined ? {} : { token }));
      assert.deepEqual(Object.keys(data), ['items', 'nextCursor']);
      return data as { items: ListedTransaction[]; nextCursor: string | null };
    };
    const idsOf = async (query: string, token?: string) => (await list(query, token)).items.map((item) => item.txnId);
    const count = async (sql: string, params: unknown[] = []) => Number((await ctx.t.db.query<{ n: string }>(sql, params)).rows[0]!.n);
    const transactionCount = () => count('SELECT count(*) AS n FROM transactions');
    const gatewayPsp = async (name: string, operationStatus: 'ENABLED' | 'DISABLED' = 'ENABLED') =>
      assertSuccessEnvelope(
        await api.post('/connxt/v2/psps/external', {
          name,
          credential: JSON.stringify(testCredential),
          flowTargetId: gateway.targetId,
          operations: [{ flowActionId: spec.actions.DEPOSIT, flowDefinitionId: gateway.depositDefinitionId, status: operationStatus }],
        }),
      ).id as string;
    /** A row written straight to the store, at a chosen time, through the given statuses. */
    const insertDirect = async (overrides: Partial<NewTransaction> & { now: Date }) => {
      const demo = ctx.t.engine.demo!;
      const row: NewTransaction = {
        id: transactionId(),
        brandId: demo.brandId,
        environmentId: demo.environmentId,
        pspId: gateway.pspId,
        flowTargetId: gateway.targetId,
        flowActionId: spec.actions.DEPOSIT,
        action: 'DEPOSIT',
        flowDefinitionId: gateway.depositDefinitionId,
        definitionVersion: 1,
        transactionType: 'deposit',
        currency: 'USD',
        amount: '10.00',
        amountMinor: '1000',
        orderId: null,
        customerId: null,
        executePayload: { body: {} },
        parentTransactionId: null,
        statuses: ['NEW', 'CREATED', 'INITIATED'],
        nextCheckAt: null,
        pendingPayload: null,
        cause: 'api',
        ...overrides,
      };
      await insertTransaction(ctx.t.db, row);
      return row.id;
    };
    const historyOf = async (txnId: string) =>
      (
        await ctx.t.db.query<{ seq: number; from_status: string | null; to_status: string }>(
          'SELECT seq, from_status, to_status FROM transaction_status_history WHERE transaction_id = $1 ORDER BY seq',
          [txnId],
        )
      ).rows;

    before(async () => {
      await psp.start();
      const demo = ctx.t.engine.demo!;
      gateway = await setUpTestGateway(ctx.t.engine.app, ctx.t.demoToken!, demo.environmentId, psp);
      secondPspId = await gatewayPsp('Test Gateway second PSP');
      sticpayPspId = assertSuccessEnvelope(await api.post('/connxt/v2/psps/external', specCreatePspBody())).id;
      other = await otherTenantWithGateway(ctx.t.engine, psp, { brand: 'Query other brand', gateway: 'Other Query Gateway' });
    });
    after(() => psp.stop());

    // This test runs first: the demo environment then holds exactly the transactions it creates.
    it('lists newest first, pages with limit and nextCursor, and narrows by each filter', async () => {
      assert.deepEqual(await list(''), { items: [], nextCursor: null });
      const created: { txnId: string; status: string; pspId: string; orderId: string }[] = [];
      const plan: { scenario: string; pspId: string }[] = [
        { scenario: 'success', pspId: gateway.pspId },
        { scenario: 'redirect', pspId: gateway.pspId },
        { scenario: 'decline', pspId: secondPspId },
        { scenario: 'success', pspId: secondPspId },
        { scenario: 'redirect', pspId: gateway.pspId },
        { scenario: 'failed', pspId: secondPspId },
        { scenario: 'success', pspId: gateway.pspId },
      ];
      for (const [index, step] of plan.entries()) {
        const orderId = `order-list-${index}`;
        const body = { ...depositBody(gateway, { scenario: step.scenario, orderId }), pspId: step.pspId };
        const data = assertSuccessEnvelope(await create(body), 200, createdMessage);
        created.push({ txnId: data.txnId, status: data.status, pspId: step.pspId, orderId });
        await new Promise((resolve) => setTimeout(resolve, 3)); // distinct created_at, so the order is by time
      }
      // Older rows, inserted out of order, and a WITHDRAW of Sticpay.
      const feb = await insertDirect({ now: new Date('2020-02-01T00:00:00Z'), orderId: 'order-old-feb' });
      const jan10 = await insertDirect({ now: new Date('2020-01-10T00:00:00Z'), orderId: 'order-old-jan10' });
      const jan20 = await insertDirect({ now: new Date('2020-01-20T12:00:00Z'), orderId: 'order-old-jan20' });
      const withdraw = await insertDirect({
        now: new Date('2020-01-25T00:00:00Z'),
        orderId: 'order-old-withdraw',
        pspId: sticpayPspId,
        flowTargetId: spec.sticpay.targetId,
        flowActionId: spec.actions.WITHDRAW,
        action: 'WITHDRAW',
        flowDefinitionId: spec.sticpay.withdrawDefinitionId,
        transactionType: 'withdrawal',
      });
      const newestFirst = [...created.map((c) => c.txnId).reverse(), feb, withdraw, jan20, jan10];

      const all = await list('?limit=200');
      assert.deepEqual(all.items.map((item) => item.txnId), newestFirst);
      assert.equal(all.nextCursor, null);
      assert.deepEqual(await idsOf(''), newestFirst, 'the default limit covers them all');

      // limit + nextCursor walks every transaction exactly once, in the same order.
      for (const limit of [1, 3, 4, 11]) {
        const walked: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page = await list(`?limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`);
          assert.ok(page.items.length <= limit);
          walked.push(...page.items.map((item) => item.txnId));
          cursor = page.nextCursor;
          pages += 1;
          assert.ok(pages <= newestFirst.length + 1, 'pagination ends');
        } while (cursor !== null);
        assert.deepEqual(walked, newestFirst, `limit=${limit}`);
        assert.equal(pages, Math.ceil(newestFirst.length / limit), `limit=${limit}: no empty last page`);
      }

      // Filters
      const idsWhere = (predicate: (c: (typeof created)[number]) => boolean) =>
        created.filter(predicate).map((c) => c.txnId).reverse();
      assert.deepEqual(await idsOf('?status=SUCCESS'), idsWhere((c) => c.status === 'SUCCESS'));
      assert.equal((await idsOf('?status=SUCCESS')).length, 3);
      assert.deepEqual(await idsOf('?status=REJECTED'), idsWhere((c) => c.status === 'REJECTED'));
      assert.deepEqual(await idsOf('?status=INITIATED'), [feb, withdraw, jan20, jan10]);
      assert.deepEqual(await idsOf('?status=PENDING_FOR_APPROVAL'), []);
      for (const item of (await list('?status=PG_ACCEPTED')).items) assert.equal(item.status, 'PG_ACCEPTED');
      assert.deepEqual(await idsOf(`?pspId=${secondPspId}`), idsWhere((c) => c.pspId === secondPspId));
      assert.deepEqual(await idsOf(`?pspId=${sticpayPspId}`), [withdraw]);
      assert.deepEqual(await idsOf('?action=DEPOSIT'), newestFirst.filter((id) => id !== withdraw));
      assert.deepEqual(await idsOf('?action=WITHDRAW'), [withdraw]);
      assert.deepEqual(await idsOf('?action=REFUND'), []);
      assert.deepEqual(await idsOf('?orderId=order-list-3'), [created[3]!.txnId]);
      assert.deepEqual(await idsOf('?orderId=order-old-jan20'), [jan20]);
      assert.deepEqual(await idsOf('?orderId=no-such-order'), []);
      // createdFrom is inclusive, createdTo exclusive; bare dates are UTC midnight.
      assert.deepEqual(await idsOf('?createdFrom=2020-01-10&createdTo=2020-01-20'), [jan10]);
      assert.deepEqual(await idsOf('?createdFrom=2020-01-10T00:00:01Z&createdTo=2020-01-25'), [jan20]);
      assert.deepEqual(await idsOf('?createdFrom=2020-01-20T12:00:00Z&createdTo=2020-02-01T00:00:00Z'), [withdraw, jan20]);
      assert.deepEqual(await idsOf('?createdTo=2020-02-01T00:00:00.001Z'), [feb, withdraw, jan20, jan10]);
      assert.deepEqual(await idsOf(`?createdFrom=${encodeURIComponent('2020-01-20T13:00:00+01:00')}&createdTo=2020-01-21`), [jan20]);
      assert.deepEqual(await idsOf('?createdFrom=2021-01-01'), created.map((c) => c.txnId).reverse());
      // Filters combine, and page.
      assert.deepEqual(await idsOf(`?status=SUCCESS&pspId=${gateway.pspId}`), idsWhere((c) => c.status === 'SUCCESS' && c.pspId === gateway.pspId));
      const firstPage = await list('?status=INITIATED&limit=2');
      assert.deepEqual(firstPage.items.map((item) => item.txnId), [feb, withdraw]);
      assert.equal(firstPage.nextCursor, withdraw);
      assert.deepEqual(await idsOf(`?status=INITIATED&limit=2&cursor=${withdraw}`), [jan20, jan10]);

      const listed = all.items.find((item) => item.txnId === withdraw)!;
      assert.equal(listed.action, 'WITHDRAW');
      assert.equal(listed.pspId, sticpayPspId);
      assert.equal(listed.txnAmount, '10.00');
    });

    it('refuses bad list parameters with 4001 naming the parameter', async () => {
      const cases: [string, string][] = [
        ['status=NOPE', 'status'],
        ['status=success', 'status'],
        ['action=X', 'action'],
        ['action=deposit', 'action'],
        ['createdFrom=yesterday', 'createdFrom'],
        ['createdTo=2026-13-01', 'createdTo'],
        ['createdTo=20260101', 'createdTo'],
        ['cursor=garbage', 'cursor'],
        ['cursor=ortxAAAAAAAAAAAA', 'cursor'],
        ['limit=0', 'limit'],
        ['limit=201', 'limit'],
        ['limit=-1', 'limit'],
        ['limit=abc', 'limit'],
        ['pspId=nope', 'pspId'],
        ['status=SUCCESS&status=FAILED', 'status'],
        ['orderId=', 'orderId'],
      ];
      for (const [query, field] of cases) {
        const error = assertErrorEnvelope(await api.get(`/connxt/v2/transactions?${query}`), 400, '4001');
        assert.deepEqual(error.errors.map((e) => e.field), [field], query);
      }
    });

    it('refuses an impossible calendar date instead of rolling it over', async () => {
      // new Date('2026-02-30T00:00:00Z') is 2026-03-02 in JavaScript; the API must not read it so.
      for (const [query, field] of [
        ['createdFrom=2026-02-30', 'createdFrom'],
        ['createdTo=2026-04-31T00:00:00Z', 'createdTo'],
      ]) {
        const error = assertErrorEnvelope(await api.get(`/connxt/v2/transactions?${query}`), 400, '4001');
        assert.deepEqual(error.errors.map((e) => e.field), [field], query);
      }
    });

    it('keeps environments apart: reads, cursors and PSP ids of another environment are not found', async () => {
      const demoTxn = assertSuccessEnvelope(await create(depositBody(gateway, { orderId: 'order-isolation', scenario: 'success' })), 200, createdMessage);
      const otherTxn = assertSuccessEnvelope(
        await create(depositBody(other.gateway, { orderId: 'order-isolation', scenario: 'success' }), other.token),
        200,
        createdMessage,
      );
      assert.notEqual(otherTxn.txnId, demoTxn.txnId);

      // The owner sees it, the other environment does not.
      assert.equal(assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${demoTxn.txnId}`)).txnId, demoTxn.txnId);
      const notFound = assertErrorEnvelope(await api.get(`/connxt/v2/transactions/${demoTxn.txnId}`, { token: other.token }), 404, '4004');
      assert.ok(!JSON.stringify(notFound).includes('order-isolation'));
      assertErrorEnvelope(await api.get(`/connxt/v2/transactions/${otherTxn.txnId}`), 404, '4004');
      const otherIds = await idsOf('?limit=200', other.token);
      assert.deepEqual(otherIds, [otherTxn.txnId]);
      assert.deepEqual(await idsOf('?orderId=order-isolation', other.token), [otherTxn.txnId]);
      assert.deepEqual(await idsOf('?orderId=order-isolation'), [demoTxn.txnId]);
      assert.deepEqual(await idsOf(`?pspId=${gateway.pspId}`, other.token), []);

      // A cursor of another environment is refused, both ways.
      const cursorError = assertErrorEnvelope(await api.get(`/connxt/v2/transactions?cursor=${demoTxn.txnId}`, { token: other.token }), 400, '4001');
      assert.deepEqual(cursorError.errors.map((e) => e.field), ['cursor']);
      const reverse = assertErrorEnvelope(await api.get(`/connxt/v2/transactions?cursor=${otherTxn.txnId}`), 400, '4001');
      assert.deepEqual(reverse.errors.map((e) => e.field), ['cursor']);

      // Another environment's PSP cannot be used.
      const before = await transactionCount();
      const pspCalls = psp.requests.length;
      assertErrorEnvelope(await create({ ...depositBody(gateway, { orderId: 'order-foreign-psp' }), pspId: other.gateway.pspId }), 404, '4004');
      assertErrorEnvelope(
        await create({ ...depositBody(other.gateway, { orderId: 'order-foreign-psp' }), pspId: gateway.pspId }, other.token),
        404,
        '4004',
      );
      assert.equal(await transactionCount(), before);
      assert.equal(psp.requests.length, pspCalls);

      // Unknown and malformed ids
      assertErrorEnvelope(await api.get('/connxt/v2/transactions/ortxAAAAAAAAAAAA'), 404, '4004');
      assertErrorEnvelope(await api.get('/connxt/v2/transactions/not-an-id'), 404, '4004');
      assertErrorEnvelope(await api.get(`/connxt/v2/transactions/${demoTxn.txnId}x`), 404, '4004');
    });

    it('validates POST /transactions field by field and writes nothing for a refused request', async () => {
      const disabledOperationPspId = await gatewayPsp('Test Gateway deposit disabled', 'DISABLED');
      const disabledPspId = await gatewayPsp('Test Gateway disabled PSP');
      assertSuccessEnvelope(await api.patch(`/connxt/v2/psps/${disabledPspId}`, { status: 'DISABLED' }));
      const valid = () => depositBody(gateway, { orderId: 'order-validation' });
      const without = (field: string) => {
        const body: Record<string, unknown> = valid();
        delete body[field];
        return body;
      };
      const cases: { label: string; body: unknown; field: string; exact?: boolean }[] = [
        ...['flowActionId', 'flowTargetId', 'pspId', 'txnCurrency', 'txnAmount', 'executePayload'].map((field) => ({
          label: `missing ${field}`,
          body: without(field),
          field,
        })),
        { label: 'txnCurrency usd', body: { ...valid(), txnCurrency: 'usd' }, field: 'txnCurrency' },
        { label: 'txnCurrency ABC', body: { ...valid(), txnCurrency: 'ABC' }, field: 'txnCurrency' },
        { label: 'txnCurrency number', body: { ...valid(), txnCurrency: 840 }, field: 'txnCurrency' },
        { label: 'txnAmount 0', body: { ...valid(), txnAmount: 0 }, field: 'txnAmount' },
        { label: 'txnAmount -5', body: { ...valid(), txnAmount: -5 }, field: 'txnAmount' },
        { label: 'txnAmount "-5"', body: { ...valid(), txnAmount: '-5' }, field: 'txnAmount' },
        { label: 'txnAmount "abc"', body: { ...valid(), txnAmount: 'abc' }, field: 'txnAmount' },
        { label: 'txnAmount 1.234 USD', body: { ...valid(), txnAmount: 1.234 }, field: 'txnAmount' },
        { label: 'txnAmount 1e21', body: { ...valid(), txnAmount: 1e21 }, field: 'txnAmount' },
        { label: 'txnAmount true', body: { ...valid(), txnAmount: true }, field: 'txnAmount' },
        { label: 'txnAmount 0.1+0.2', body: { ...valid(), txnAmount: 0.1 + 0.2 }, field: 'txnAmount' },
        { label: 'JPY 15.5', body: { ...valid(), txnCurrency: 'JPY', txnAmount: 15.5 }, field: 'txnAmount' },
        { label: 'transactionType withdrawal', body: { ...valid(), transactionType: 'withdrawal' }, field: 'transactionType' },
        { label: 'executePayload without body', body: { ...valid(), executePayload: { headers: {} } }, field: 'executePayload.body' },
        { label: 'executePayload.body not an object', body: { ...valid(), executePayload: { body: 'x' } }, field: 'executePayload.body' },
        {
          label: 'body without customer (inputSchema)',
          body: { ...valid(), executePayload: { body: { order: { id: 'order-validation' }, scenario: 'success' } } },
          field: 'executePayload.body',
          exact: false,
        },
        { label: 'unknown flowActionId', body: { ...valid(), flowActionId: 'fat_01jt2cetrheh48mkp2m8z680zz' }, field: 'flowActionId' },
        { label: 'malformed flowActionId', body: { ...valid(), flowActionId: 'deposit' }, field: 'flowActionId' },
        { label: 'WITHDRAW on a deposit-only PSP', body: { ...valid(), flowActionId: spec.actions.WITHDRAW, transactionType: 'withdrawal' }, field: 'flowActionId' },
        { label: 'unknown flowTargetId', body: { ...valid(), flowTargetId: 'ftg_01jt2ctt8veh48mkpcx2bdeazz' }, field: 'flowTargetId' },
        { label: 'malformed flowTargetId', body: { ...valid(), flowTargetId: 'sticpay' }, field: 'flowTargetId' },
        { label: 'operation DISABLED', body: { ...valid(), pspId: disabledOperationPspId }, field: 'flowActionId' },
        { label: 'PSP DISABLED', body: { ...valid(), pspId: disabledPspId }, field: 'pspId' },
        { label: "another target than the PSP's", body: { ...valid(), flowTargetId: spec.sticpay.targetId }, field: 'pspId' },
        {
          label: 'order id too long',
          body: depositBody(gateway, { orderId: 'o'.repeat(129) }),
          field: 'executePayload.body.order.id',
        },
      ];
      const before = await transactionCount();
      const pspCalls = psp.requests.length;
      for (const { label, body, field, exact } of cases) {
        const error = assertErrorEnvelope(await create(body), 400, '4001');
        const fields = error.errors.map((e) => e.field);
        if (exact === false) {
          assert.ok(fields.length > 0 && fields.every((f) => f.startsWith(field)), `${label}: ${JSON.stringify(fields)}`);
        } else {
          assert.deepEqual(fields, [field], label);
        }
        for (const e of error.errors) assert.equal(typeof e.message, 'string', label);
      }
      assert.equal(await transactionCount(), before, 'no transaction row for a refused request');
      assert.equal(await count('SELECT count(*) AS n FROM transactions WHERE order_id = $1', ['order-validation']), 0);
      assert.equal(psp.requests.length, pspCalls, 'no refused request reached the PSP');
      // The same request, valid, goes through.
      assertSuccessEnvelope(await create(valid()), 200, createdMessage);
      assert.equal(await transactionCount(), before + 1);
    });

    it('stores amounts exactly at the currency precision, in decimal and minor units', async () => {
      const cases = [
        { amount: 12.5, currency: 'USD', shown: '12.50', minor: '1250' },
        { amount: '12.5', currency: 'EUR', shown: '12.50', minor: '1250' },
        { amount: 1500, currency: 'JPY', shown: '1500', minor: '1500' },
        { amount: 1.234, currency: 'KWD', shown: '1.234', minor: '1234' },
        { amount: '0.01', currency: 'USD', shown: '0.01', minor: '1' },
        { amount: '999999999999999.99', currency: 'USD', shown: '999999999999999.99', minor: '99999999999999999' },
      ];
      for (const [index, c] of cases.entries()) {
        const orderId = `order-amount-${index}`;
        const res = await create(depositBody(gateway, { scenario: 'success', orderId, amount: c.amount, currency: c.currency }));
        const data = assertSuccessEnvelope(res, 200, createdMessage);
        assert.equal(data.txnAmount, c.shown, `${c.currency} answer`);
        assert.equal(data.txnCurrency, c.currency);
        const pspRequest = psp.requests.at(-1)!.body as { amount: unknown; currency: unknown };
        assert.deepEqual([pspRequest.amount, pspRequest.currency], [c.shown, c.currency], 'the script got the exact decimal');
        const stored = assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${data.txnId}`));
        assert.equal(stored.txnAmount, c.shown, `${c.currency} GET`);
        assert.equal(stored.txnCurrency, c.currency);
        assert.deepEqual(
          (await list(`?orderId=${orderId}`)).items.map((item) => item.txnAmount),
          [c.shown],
        );
        const { rows } = await ctx.t.db.query<{ amount: string; amount_minor: string; currency: string }>(
          'SELECT amount::text AS amount, amount_minor::text AS amount_minor, currency FROM transactions WHERE id = $1',
          [data.txnId],
        );
        assert.deepEqual(rows[0], { amount: c.shown, amount_minor: c.minor, currency: c.currency });
      }
    });

    it('refuses a stale status move in the store: nothing changes', async () => {
      const data = assertSuccessEnvelope(await create(depositBody(gateway, { scenario: 'success', orderId: 'order-stale' })), 200, createdMessage);
      assert.equal(data.status, 'SUCCESS');
      const historyBefore = await historyOf(data.txnId);
      const runsBefore = await count('SELECT count(*) AS n FROM transaction_step_runs WHERE transaction_id = $1', [data.txnId]);
      const { rows: before } = await ctx.t.db.query('SELECT status, version, updated_at, psp_txn_id FROM transactions WHERE id = $1', [data.txnId]);

      const result = await moveStatus(ctx.t.db, {
        transactionId: data.txnId,
        expectedStatus: 'PG_ACCEPTED',
        path: ['PG_FAILED', 'FAILED'],
        cause: 'webhook',
        detail: 'late failure',
        pspTxnId: 'pg_other',
        stepRun: undefined,
        now: new Date(Date.now() + 60_000),
      });
      assert.deepEqual(result, { moved: false, status: 'SUCCESS', pspTxnId: `pg_${data.txnId}` });
      assert.deepEqual(await historyOf(data.txnId), historyBefore);
      assert.equal(historyBefore.length, 6);
      assert.equal(await count('SELECT count(*) AS n FROM transaction_step_runs WHERE transaction_id = $1', [data.txnId]), runsBefore);
      const { rows: afterRows } = await ctx.t.db.query('SELECT status, version, updated_at, psp_txn_id FROM transactions WHERE id = $1', [data.txnId]);
      assert.deepEqual(afterRows, before);
      assert.equal(assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${data.txnId}`)).status, 'SUCCESS');
    });

    it('places each step run after the status change before it, even when all are stored within one millisecond', async () => {
      // A fast gateway answers within the millisecond its transaction was created in; the run's place
      // in the history must come from the order of the writes, not from their timestamps.
      const instant = new Date();
      const id = await insertDirect({ now: instant, orderId: 'order-same-instant' });
      const run = (step: string): StepRunRecord => ({
        step,
        definitionVersion: 1,
        ok: true,
        failureKind: null,
        failureMessage: null,
        result: null,
        meta: { logs: [], http: {} },
        durationMs: 0.4,
      });
      const move = (expectedStatus: TransactionStatus, path: TransactionStatus[], step: string) =>
        moveStatus(ctx.t.db, { transactionId: id, expectedStatus, path, cause: 'api', detail: null, pspTxnId: undefined, stepRun: run(step), now: instant });
      assert.equal((await move('INITIATED', ['PG_ACCEPTED'], 'initiate')).moved, true);
      assert.equal((await move('PG_ACCEPTED', [], 'status')).moved, false, 'a run that moves nothing is stored alone');
      assert.equal((await move('PG_ACCEPTED', ['SUCCESS'], 'webhook')).moved, true);
      assert.equal((await move('PG_ACCEPTED', ['FAILED'], 'late')).moved, false, 'a stale move is refused, its run still stored');

      const demo = ctx.t.engine.demo!;
      const tenant = { brandId: demo.brandId, environmentId: demo.environmentId, tokenId: 'test', production: false };
      const { steps } = await new TransactionQueries(ctx.t.db).steps(tenant, id);
      // History: 1 NEW, 2 CREATED, 3 INITIATED, 4 PG_ACCEPTED, 5 SUCCESS, all at the same instant.
      assert.deepEqual(
        steps.map((s) => `${s.step} after ${s.afterHistorySeq}`),
        ['initiate after 3', 'status after 4', 'webhook after 4', 'late after 5'],
      );
    });

    it('lets exactly one of 10 concurrent moves from INITIATED win, with contiguous history', async () => {
      for (let round = 0; round < 3; round += 1) {
        const id = await insertDirect({ now: new Date(), orderId: `order-race-${round}` });
        assert.deepEqual((await historyOf(id)).map((h) => h.to_status), ['NEW', 'CREATED', 'INITIATED']);
        const paths: TransactionStatus[][] = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? ['PG_ACCEPTED'] : ['PG_REJECTED', 'REJECTED']));
        const results = await Promise.all(
          paths.map((path, i) =>
            moveStatus(ctx.t.db, {
              transactionId: id,
              expectedStatus: 'INITIATED',
              path,
              cause: 'webhook',
              detail: `mover ${i}`,
              pspTxnId: `pg_${i}`,
              stepRun: undefined,
              now: new Date(),
            }),
          ),
        );
        const winners = results.flatMap((r, i) => (r.moved ? [i] : []));
        assert.equal(winners.length, 1, `round ${round}: exactly one move wins`);
        const winner = winners[0]!;
        const winnerPath = paths[winner]!;
        const finalStatus = winnerPath[winnerPath.length - 1]!;
        assert.equal(results[winner]!.status, finalStatus);
        assert.equal(results[winner]!.pspTxnId, `pg_${winner}`);

        const history = await historyOf(id);
        assert.deepEqual(
          history.map((h) => h.to_status),
          ['NEW', 'CREATED', 'INITIATED', ...winnerPath],
          `round ${round}: only the winner's statuses follow INITIATED`,
        );
        assert.deepEqual(history.map((h) => h.seq), history.map((_, i) => i + 1), 'seq is contiguous from 1');
        for (let i = 1; i < history.length; i += 1) assert.equal(history[i]!.from_status, history[i - 1]!.to_status);
        const { rows } = await ctx.t.db.query<{ status: string; version: number; psp_txn_id: string }>(
          'SELECT status, version, psp_txn_id FROM transactions WHERE id = $1',
          [id],
        );
        assert.deepEqual(rows[0], { status: finalStatus, version: history.length, psp_txn_id: `pg_${winner}` });
      }
    });

    it('answers the current status to the losers of a concurrent move', async () => {
      // moveStatus documents that it answers "the status the row has now".
      for (let round = 0; round < 3; round += 1) {
        const id = await insertDirect({ now: new Date(), orderId: `order-race-status-${round}` });
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            moveStatus(ctx.t.db, {
              transactionId: id,
              expectedStatus: 'INITIATED',
              path: ['PG_ACCEPTED'],
              cause: 'webhook',
              detail: null,
              pspTxnId: 'pg_race',
              stepRun: undefined,
              now: new Date(),
            }),
          ),
        );
        assert.equal(results.filter((r) => r.moved).length, 1);
        for (const result of results) {
          assert.deepEqual({ status: result.status, pspTxnId: result.pspTxnId }, { status: 'PG_ACCEPTED', pspTxnId: 'pg_race' }, `round ${round}`);
        }
      }
    });
  });
}
