/**
 * One scenario list, run for every connector against its simulator through the real engine, on
 * every store: the engine and the simulator are separate servers on loopback ports, and all
 * traffic between them (API calls, webhooks, the payer's pages) is real HTTP.
 * CONFORMANCE_ONLY=connectpsp,sticpay narrows the gateways while working on one.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { knownTransaction, type GatewayDriver, type KnownTransaction, type TransactionRequest } from './conformance/driver.js';
import { assertLegalHistory, startSimulator, waitForStatus, type HistoryEntry, type RunningSimulator } from './conformance/harness.js';
import { adminToken, startTestEngine, type TestEngine } from './helpers/engine.js';
import { spec } from './helpers/spec-examples.js';
import { formatMinor, parseAmount } from '../src/money/amount.js';
import { storeCases, type TestStore } from './helpers/stores.js';

const gatewayNames = ['connectpsp', 'cubepay', 'sticpay', 'paymaxis'];
const only = process.env.CONFORMANCE_ONLY?.split(',').map((name) => name.trim());
const drivers: GatewayDriver[] = [];
for (const name of gatewayNames.filter((n) => only === undefined || only.includes(n))) {
  drivers.push(((await import(`./conformance/drivers/${name}.js`)) as { driver: GatewayDriver }).driver);
}

const finalStatuses = new Set(['SUCCESS', 'FAILED', 'REJECTED', 'ABANDONED', 'COMPLETED', 'CANCELLED']);
type Action = 'DEPOSIT' | 'WITHDRAW' | 'REFUND';

for (const storeCase of storeCases()) {
  for (const driver of drivers) {
    describe(`conformance: ${driver.name} [${storeCase.kind}]`, () => {
      let store: TestStore;
      let t: TestEngine;
      let sim: RunningSimulator;
      let pspId: string;

      const engineCall = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
        const response = await fetch(`${t.baseUrl}${path}`, {
          method,
          headers: { 'x-secret-token': t.demoToken!, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        // Response bodies are asserted field by field below; an untyped view keeps that readable.
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as Record<string, any> };
      };
      const read = async (txnId: string) => {
        const res = await engineCall('GET', `/connxt/v2/transactions/${txnId}`);
        assert.equal(res.status, 200, res.text);
        return res.json.data as { status: string; pspTxnId: string | null; history: HistoryEntry[] };
      };
      const create = async (action: Action, request: TransactionRequest, headers: Record<string, string> = {}) => {
        const target = (await t.engine.services.catalog.snapshot()).targets.get(driver.targetId)!;
        return engineCall(
          'POST',
          '/connxt/v2/transactions',
          { pspId, flowActionId: spec.actions[action], flowTargetId: target.id, ...request },
          headers,
        );
      };
      /** What drivers are told about a transaction, from the answer of its creation (or approval). */
      const known = (res: Awaited<ReturnType<typeof engineCall>>, request: TransactionRequest): KnownTransaction & { status: string } => {
        assert.equal(res.status, 200, res.text);
        return knownTransaction(res.json.data, request);
      };
      /** Creates and returns what drivers are told about a transaction. */
      const start = async (action: Action, request: TransactionRequest) => known(await create(action, request), request);
      const settled = (txnId: string, want: (status: string) => boolean, what: string) => waitForStatus(() => read(txnId), want, what);
      const refreshed = async (tx: KnownTransaction): Promise<KnownTransaction> => ({ ...tx, pspTxnId: (await read(tx.id)).pspTxnId });
      const paidDeposit = async () => {
        const tx = await start('DEPOSIT', driver.depositRequest());
        await driver.payer(tx, 'pay', sim.client);
        await settled(tx.id, (s) => s === 'SUCCESS', 'deposit paid on the hosted page');
        return refreshed(tx);
      };
      /** Requests the simulator has received on one API route. */
      const callsTo = async (route: string) => (await sim.client.call<Record<string, number>>('GET', '/_sim/requests'))[route] ?? 0;
      /** The route refunds reach the gateway by; only asked by the refund tests, which run where there is one. */
      const refundRoute = () => {
        assert.ok(driver.refundRoute, `${driver.name} names its refund route`);
        return driver.refundRoute;
      };
      /** The gateway calls the engine recorded in a transaction's script runs ("POST https://…"). */
      const gatewayCallsOf = async (txnId: string) => {
        const res = await engineCall('GET', `/admin/v1/environments/${t.engine.demo!.environmentId}/transactions/${txnId}/steps`, undefined, {
          authorization: `Bearer ${adminToken}`,
        });
        assert.equal(res.status, 200, res.text);
        const steps = res.json.data.steps as { http: Record<string, { request: { method: string; url: string } }> }[];
        return steps.flatMap((step) => Object.values(step.http).map((call) => `${call.request.method} ${call.request.url}`));
      };
      const pendingDeposit = async () => {
        const tx = await start('DEPOSIT', driver.depositRequest());
        assert.equal(tx.status, 'PG_ACCEPTED', JSON.stringify(tx.createResponse));
        return tx;
      };

      before(async () => {
        store = await storeCase.create();
        t = await startTestEngine(store, { listen: true, sandbox: { timeoutMs: 8_000, httpTimeoutMs: 1_500 } });
        sim = await startSimulator(driver.name);
        const admin = { authorization: `Bearer ${adminToken}` };
        const hostMap = Object.fromEntries(sim.origins.map((origin) => [origin, sim.baseUrl]));
        const mapped = await engineCall('PATCH', `/admin/v1/environments/${t.engine.demo!.environmentId}`, { hostMap }, admin);
        assert.equal(mapped.status, 200, mapped.text);
        const target = (await t.engine.services.catalog.snapshot()).targets.get(driver.targetId);
        assert.ok(target, `flow target ${driver.targetId} is in the catalog`);
        assert.equal(target.status, 'ENABLED');
        const operations = driver.actions.map((action) => {
          const definition = target.definitions.get(spec.actions[action]);
          assert.ok(definition, `${driver.name} has a ${action} definition`);
          return { flowActionId: spec.actions[action], flowDefinitionId: definition.id, status: 'ENABLED' };
        });
        const credential = await driver.credential(sim.client);
        const created = await engineCall('POST', '/connxt/v2/psps/external', {
          name: `${driver.name} conformance`,
          credential: JSON.stringify(credential),
          flowTargetId: driver.targetId,
          operations,
        });
        assert.equal(created.status, 200, created.text);
        pspId = created.json.data.id;
      });
      after(async () => {
        await sim?.app.close();
        await t?.close();
        await store?.destroy();
      });

      it('a deposit paid on the hosted page ends SUCCESS, by legal steps, once', async () => {
        const tx = await paidDeposit();
        const { history } = await read(tx.id);
        assertLegalHistory('DEPOSIT', history);
        assert.equal(history.filter((h) => h.status === 'SUCCESS').length, 1);
        assert.ok(['webhook', 'redirect'].includes(history.at(-1)!.cause), `settled by a callback, not ${history.at(-1)!.cause}`);
      });

      it('a declined deposit ends FAILED or REJECTED', async () => {
        const declined = driver.declinedDepositRequest();
        if (declined !== undefined) {
          const tx = await start('DEPOSIT', declined);
          const status = await settled(tx.id, (s) => finalStatuses.has(s), 'deposit with declining test data');
          assert.ok(['FAILED', 'REJECTED'].includes(status), status);
          assertLegalHistory('DEPOSIT', (await read(tx.id)).history);
        }
        const tx = await pendingDeposit();
        await driver.payer(tx, 'decline', sim.client);
        const status = await settled(tx.id, (s) => finalStatuses.has(s), 'deposit declined by the payer');
        assert.ok(['FAILED', 'REJECTED'].includes(status), status);
        assertLegalHistory('DEPOSIT', (await read(tx.id)).history);
      });

      it('a pending deposit waits, then the gateway\'s webhook settles it', async () => {
        const tx = await pendingDeposit();
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal((await read(tx.id)).status, 'PG_ACCEPTED', 'nothing moves it before the gateway says so');
        await driver.settleDeposit(await refreshed(tx), sim.client);
        await settled(tx.id, (s) => s === 'SUCCESS', 'deposit settled by the gateway');
        const { history } = await read(tx.id);
        assertLegalHistory('DEPOSIT', history);
        assert.equal(history.at(-1)!.cause, 'webhook');
      });

      it('a withdrawal waits for approval, then settles asynchronously', { skip: !driver.actions.includes('WITHDRAW') }, async () => {
        const request = driver.withdrawalRequest();
        const waiting = await start('WITHDRAW', request);
        assert.equal(waiting.status, 'PENDING_FOR_APPROVAL', JSON.stringify(waiting.createResponse));
        // Only this payout's route is counted: a late webhook of an earlier test may still make the
        // engine look a deposit up on the gateway meanwhile.
        const payoutsBefore = await callsTo(driver.withdrawalCreateRoute);
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(await callsTo(driver.withdrawalCreateRoute), payoutsBefore, 'the gateway hears of no payout before approval');
        assert.deepEqual(await gatewayCallsOf(waiting.id), [], 'no script called the gateway for it before approval');
        const tx = known(await engineCall('POST', `/connxt/v2/transactions/${waiting.id}/approve`), request);
        assert.equal(tx.id, waiting.id);
        assert.ok(!finalStatuses.has(tx.status), `a payout is not final at once (got ${tx.status}: ${JSON.stringify(tx.createResponse)})`);
        assert.ok((await callsTo(driver.withdrawalCreateRoute)) > payoutsBefore, `approval sent the payout (${driver.withdrawalCreateRoute})`);
        await driver.settleWithdrawal(await refreshed(tx), sim.client);
        await settled(tx.id, (s) => s === 'SUCCESS', 'withdrawal settled by the gateway');
        assertLegalHistory('WITHDRAW', (await read(tx.id)).history);
      });

      it('refunds a successful deposit', { skip: !driver.actions.includes('REFUND') }, async () => {
        const deposit = await paidDeposit();
        const refundsBefore = await callsTo(refundRoute());
        const refund = await start('REFUND', driver.refundRequest(deposit));
        assert.notEqual(refund.status, 'REJECTED', JSON.stringify(refund.createResponse));
        assert.ok((await callsTo(refundRoute())) > refundsBefore, `the refund reached the gateway (${refundRoute()})`);
        await driver.settleRefund(await refreshed(refund), sim.client);
        await settled(refund.id, (s) => s === 'SUCCESS', 'refund');
        assertLegalHistory('REFUND', (await read(refund.id)).history);
        assert.equal((await read(deposit.id)).status, 'SUCCESS', 'the deposit itself stays SUCCESS');
      });

      it('makes a partial refund where the gateway allows it, and refuses one clearly where it does not', { skip: !driver.actions.includes('REFUND') }, async () => {
        const deposit = await paidDeposit();
        const paid = parseAmount(deposit.amount, deposit.currency);
        assert.ok(paid.ok);
        const half = formatMinor(BigInt(paid.money.minor) / 2n, deposit.currency);
        const rest = formatMinor(BigInt(paid.money.minor) - BigInt(paid.money.minor) / 2n, deposit.currency);
        const refundsBefore = await callsTo(refundRoute());
        const refund = await start('REFUND', { ...driver.refundRequest(deposit), txnAmount: half });
        const tracking = async () => (await engineCall('GET', `/connxt/v2/transactions/${deposit.id}`)).json.data.refunds;
        if (driver.partialRefunds) {
          assert.notEqual(refund.status, 'REJECTED', JSON.stringify(refund.createResponse));
          await driver.settleRefund(await refreshed(refund), sim.client);
          await settled(refund.id, (s) => s === 'SUCCESS', 'partial refund');
          const now = await tracking();
          assert.deepEqual([now.refundedAmount, now.pendingAmount, now.refundableAmount], [half, formatMinor(0n, deposit.currency), rest]);
          // What is left can be refunded too.
          const second = await start('REFUND', { ...driver.refundRequest(deposit), txnAmount: rest });
          await driver.settleRefund(await refreshed(second), sim.client);
          await settled(second.id, (s) => s === 'SUCCESS', 'refund of the rest');
          assert.equal((await tracking()).refundableAmount, formatMinor(0n, deposit.currency));
        } else {
          assert.equal(refund.status, 'REJECTED', JSON.stringify(refund.createResponse));
          assert.match((refund.createResponse.error as { message: string }).message, /full amount/);
          // The refund route only: the deposit's own webhook may still be making the engine look it up.
          assert.equal(await callsTo(refundRoute()), refundsBefore, 'no refund reached the gateway');
          assert.deepEqual(await gatewayCallsOf(refund.id), [], 'no script called the gateway for the refund');
          const now = await tracking();
          const none = formatMinor(0n, deposit.currency);
          assert.deepEqual([now.refundedAmount, now.pendingAmount, now.refundableAmount], [none, none, paid.money.decimal], 'its reservation was given back');
        }
        assertLegalHistory('REFUND', (await read(refund.id)).history);
      });

      it('refuses to refund a deposit that is not successful', { skip: !driver.actions.includes('REFUND') }, async () => {
        const deposit = await pendingDeposit();
        const res = await create('REFUND', driver.refundRequest(deposit));
        assert.equal(res.status, 400, res.text);
        assert.equal(res.json.code, '4001');
        assert.deepEqual(res.json.errors, [{ field: 'parentTxnId', message: 'is PG_ACCEPTED; only a SUCCESS deposit can be refunded' }]);
      });

      it('a webhook with a bad signature changes nothing', async () => {
        const tx = await pendingDeposit();
        const before = (await read(tx.id)).history;
        const forged = driver.forgedSuccessWebhook(await refreshed(tx));
        const response = await fetch(t.engine.services.executor.callbackUrls(tx.id).webhook, {
          method: 'POST',
          headers: forged.headers,
          body: forged.body,
        });
        assert.ok(response.status >= 400 && response.status < 500, `forged webhook answered ${response.status}`);
        assert.deepEqual((await read(tx.id)).history, before);
      });

      it('duplicated and re-sent (out-of-order) webhooks cause one transition and never move a final status', async () => {
        await sim.client.call('PUT', '/_sim/faults', { webhooks: [{ fault: 'duplicate', times: 10 }] });
        try {
          const tx = await pendingDeposit();
          await driver.settleDeposit(await refreshed(tx), sim.client);
          await settled(tx.id, (s) => s === 'SUCCESS', 'deposit settled with duplicated webhooks');
          const sent = (await sim.client.call<{ id: string; url: string }[]>('GET', '/_sim/webhooks')).filter((w) => w.url.includes(tx.id));
          assert.ok(sent.length > 0, 'the gateway sent webhooks to this transaction');
          // Every one again, newest first: the oldest events now arrive last.
          for (const webhook of [...sent].reverse()) await sim.client.call('POST', `/_sim/webhooks/${webhook.id}/resend`);
          await new Promise((resolve) => setTimeout(resolve, 300));
          const { history, status } = await read(tx.id);
          assert.equal(status, 'SUCCESS');
          assert.equal(history.filter((h) => h.status === 'SUCCESS').length, 1);
          assertLegalHistory('DEPOSIT', history);
        } finally {
          await sim.client.call('DELETE', '/_sim/faults');
        }
      });

      for (const fault of ['error', 'timeout'] as const) {
        it(`a gateway ${fault === 'error' ? '5xx' : 'timeout'} on initiate ends in a defined status and is safe to retry with the same Idempotency-Key`, async () => {
          const before = (await sim.client.call<Record<string, number>>('GET', '/_sim/requests'))[driver.depositCreateRoute] ?? 0;
          await sim.client.call('PUT', '/_sim/faults', { api: [{ fault, status: 503, route: driver.depositCreateRoute }] });
          try {
            const key = randomUUID();
            const request = driver.depositRequest();
            const first = await create('DEPOSIT', request, { 'idempotency-key': key });
            assert.equal(first.status, 200, first.text);
            const status = first.json.data.status as string;
            // Nothing paid: REJECTED when the gateway said no, PG_ACCEPTED ("outcome unknown") when it may have acted.
            assert.ok(['REJECTED', 'PG_ACCEPTED'].includes(status), `${fault} led to ${status}`);
            const again = await create('DEPOSIT', request, { 'idempotency-key': key });
            assert.equal(again.status, 200);
            assert.equal(again.text, first.text, 'the retry replays the first answer byte for byte');
            assert.equal(again.headers.get('idempotent-replayed'), 'true');
            const after = (await sim.client.call<Record<string, number>>('GET', '/_sim/requests'))[driver.depositCreateRoute] ?? 0;
            assert.equal(after - before, 1, 'the gateway was called once');
            assertLegalHistory('DEPOSIT', (await read(first.json.data.txnId)).history);
          } finally {
            await sim.client.call('DELETE', '/_sim/faults');
          }
        });
      }
    });
  }
}
