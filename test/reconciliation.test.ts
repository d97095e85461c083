/**
 * Reconciliation through the real engine and the Paymaxis simulator over real HTTP: the janitor
 * asks the gateway about transactions that have not settled (a webhook that never came), backs
 * off, abandons them after their time to live, and never checks one twice at once. The engine's
 * clock is a fake one the tests move forward; the gateway runs on real time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Clock } from '../src/clock.js';
import { ReconciliationJanitor } from '../src/jobs/reconciliation-janitor.js';
import type { Db } from '../src/store/db.js';
import { driver } from './conformance/drivers/paymaxis.js';
import { startSimulator, type HistoryEntry, type RunningSimulator } from './conformance/harness.js';
import { adminToken, startTestEngine, type TestEngine } from './helpers/engine.js';
import { call as callEngine } from './helpers/engine-process.js';
import { spec } from './helpers/spec-examples.js';
import { storeCases, type TestStore } from './helpers/stores.js';

const minute = 60_000;
const day = 24 * 60 * minute;

/** The engine's clock: real time plus an offset the tests move forward. */
class FakeClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

interface Transaction {
  status: string;
  pspTxnId: string | null;
  history: HistoryEntry[];
}

for (const storeCase of storeCases()) {
  describe(`reconciliation [${storeCase.kind}]`, () => {
    const clock = new FakeClock();
    let store: TestStore;
    let t: TestEngine;
    let sim: RunningSimulator;
    let pspId: string;

    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const { status, body: answer } = await callEngine(t.baseUrl, method, path, { token: t.demoToken!, body, headers });
      assert.ok(status >= 200 && status < 300, `${method} ${path} → ${status}: ${JSON.stringify(answer)}`);
      return answer.data;
    };
    const read = async (txnId: string) => (await call('GET', `/connxt/v2/transactions/${txnId}`)) as unknown as Transaction;
    /** A Paymaxis deposit waiting on its checkout page (PG_ACCEPTED). */
    const pendingDeposit = async () => {
      const data = await call('POST', '/connxt/v2/transactions', {
        pspId,
        flowActionId: spec.actions.DEPOSIT,
        flowTargetId: driver.targetId,
        ...driver.depositRequest(),
      });
      assert.equal(data.status, 'PG_ACCEPTED', JSON.stringify(data));
      const tx = await read(data.txnId as string);
      assert.ok(tx.pspTxnId, 'the gateway payment id is stored');
      return { id: data.txnId as string, pspTxnId: tx.pspTxnId };
    };
    /** The gateway's back office completes the payment; its webhook is dropped by the fault plan. */
    const paidAtGateway = (pspTxnId: string) => sim.client.call('POST', `/_sim/payments/${encodeURIComponent(pspTxnId)}/complete`);
    const statusRuns = async (txnId: string) =>
      Number((await t.db.query<{ n: string }>("SELECT count(*) AS n FROM transaction_step_runs WHERE transaction_id = $1 AND step = 'status'", [txnId])).rows[0]!.n);
    const schedule = async (txnId: string) =>
      (await t.db.query<{ next_check_at: Date | null; check_count: number }>('SELECT next_check_at, check_count FROM transactions WHERE id = $1', [txnId])).rows[0]!;
    /** Passes until nothing is due: other tests' transactions may be due as well. */
    const drain = async (janitor = t.engine.services.janitor) => {
      while ((await janitor.runOnce()) > 0);
    };

    before(async () => {
      store = await storeCase.create();
      t = await startTestEngine(store, { clock, listen: true, sandbox: { timeoutMs: 8_000, httpTimeoutMs: 1_500 } });
      sim = await startSimulator(driver.name);
      // No webhook reaches the engine in this suite: every settlement is reconciliation's.
      await sim.client.call('PUT', '/_sim/faults', { webhooks: [{ fault: 'drop', times: 1_000 }] });
      const admin = { authorization: `Bearer ${adminToken}` };
      const hostMap = Object.fromEntries(sim.origins.map((origin) => [origin, sim.baseUrl]));
      await call('PATCH', `/admin/v1/environments/${t.engine.demo!.environmentId}`, { hostMap }, admin);
      const target = (await t.engine.services.catalog.snapshot()).targets.get(driver.targetId)!;
      const created = await call('POST', '/connxt/v2/psps/external', {
        name: 'Paymaxis reconciliation',
        credential: JSON.stringify(await driver.credential(sim.client)),
        flowTargetId: driver.targetId,
        operations: [{ flowActionId: spec.actions.DEPOSIT, flowDefinitionId: target.definitions.get(spec.actions.DEPOSIT)!.id, status: 'ENABLED' }],
      });
      pspId = created.id as string;
    });
    after(async () => {
      await sim?.app.close();
      await t?.close();
      await store?.destroy();
    });

    it('settles a deposit whose webhook never came, once its check is due, with cause reconciliation', async () => {
      const tx = await pendingDeposit();
      await paidAtGateway(tx.pspTxnId);
      await drain();
      assert.equal(await statusRuns(tx.id), 0, 'not due yet: the first check comes a minute after creation');
      assert.equal((await read(tx.id)).status, 'PG_ACCEPTED');

      clock.advance(61_000);
      await drain();
      const settled = await read(tx.id);
      assert.equal(settled.status, 'SUCCESS');
      assert.deepEqual(settled.history.slice(-2).map((h) => [h.fromStatus, h.status, h.cause]), [
        ['PG_ACCEPTED', 'PG_SUCCESS', 'reconciliation'],
        ['PG_SUCCESS', 'SUCCESS', 'reconciliation'],
      ]);
      assert.equal(await statusRuns(tx.id), 1);
      assert.equal((await schedule(tx.id)).next_check_at, null, 'a final transaction is never checked again');
      clock.advance(day);
      await drain();
      assert.equal(await statusRuns(tx.id), 1);
    });

    it('records a check that learns nothing without history, and backs off: 5 min, then 30 min', async () => {
      const tx = await pendingDeposit();
      const before = await read(tx.id);
      clock.advance(61_000);
      await drain();
      assert.equal(await statusRuns(tx.id), 1);
      assert.deepEqual((await read(tx.id)).history, before.history, 'no history for a check that changed nothing');
      let { next_check_at: next, check_count: count } = await schedule(tx.id);
      assert.equal(count, 1);
      assert.ok(Math.abs(next!.getTime() - (clock.now().getTime() + 5 * minute)) < 5_000, `next check in 5 min, not at ${next?.toISOString()}`);

      clock.advance(4 * minute);
      await drain();
      assert.equal(await statusRuns(tx.id), 1, 'not due before its 5 minutes');
      clock.advance(minute + 1_000);
      await drain();
      assert.equal(await statusRuns(tx.id), 2);
      ({ next_check_at: next, check_count: count } = await schedule(tx.id));
      assert.equal(count, 2);
      assert.ok(Math.abs(next!.getTime() - (clock.now().getTime() + 30 * minute)) < 5_000, `next check in 30 min, not at ${next?.toISOString()}`);
      assert.equal((await read(tx.id)).status, 'PG_ACCEPTED');
    });

    it('asks once more when the time to live has passed, then abandons a deposit still unpaid, and settles one paid at the last minute', async () => {
      const unpaid = await pendingDeposit();
      const lastMinute = await pendingDeposit();
      clock.advance(day - minute);
      await paidAtGateway(lastMinute.pspTxnId);
      clock.advance(2 * minute);
      await drain();

      const abandoned = await read(unpaid.id);
      assert.equal(abandoned.status, 'ABANDONED');
      const last = abandoned.history.at(-1)!;
      assert.deepEqual([last.fromStatus, last.status, last.cause], ['PG_ACCEPTED', 'ABANDONED', 'reconciliation']);
      assert.match(last.detail!, /^not settled within its time to live of 1 day; the last answer: still pending/);
      assert.equal(await statusRuns(unpaid.id), 1, 'the gateway was asked before giving up');
      assert.equal((await schedule(unpaid.id)).next_check_at, null);

      const paid = await read(lastMinute.id);
      assert.equal(paid.status, 'SUCCESS');
      assert.equal(paid.history.at(-1)!.cause, 'reconciliation');
    });

    it('reconciles one transaction on request, whether due or not, and leaves a final one alone', async () => {
      const tx = await pendingDeposit();
      await paidAtGateway(tx.pspTxnId);
      await t.engine.services.janitor.reconcile(tx.id);
      const settled = await read(tx.id);
      assert.equal(settled.status, 'SUCCESS');
      assert.equal(settled.history.at(-1)!.cause, 'reconciliation');
      await t.engine.services.janitor.reconcile(tx.id);
      assert.equal(await statusRuns(tx.id), 1);
    });

    it('never checks a transaction twice when two janitors (two processes) run at the same time', async () => {
      // A second pool on PostgreSQL, as a second process has; PGlite is single-process.
      let otherDb: Db | undefined;
      if (store.kind === 'postgres') otherDb = await store.open();
      try {
        const services = t.engine.services;
        // Four per pool, so that claims really overlap: each process runs its loop, and a restart
        // or a slow pass can make them meet.
        const janitors = [0, 1, 2, 3].flatMap(() => [
          new ReconciliationJanitor({ ...services, db: services.db }),
          new ReconciliationJanitor({ ...services, db: otherDb ?? services.db }),
        ]);
        const ids: string[] = [];
        for (let i = 0; i < 30; i += 1) ids.push((await pendingDeposit()).id);
        clock.advance(61_000);
        let claimed = 0;
        for (let pass = 0; pass < 10; pass += 1) {
          const counts = await Promise.all(janitors.map((janitor) => janitor.runOnce()));
          claimed += counts.reduce((a, b) => a + b, 0);
          if (counts.every((n) => n === 0)) break;
        }
        assert.ok(claimed >= ids.length, `all were claimed (${claimed})`);
        for (const id of ids) {
          assert.equal(await statusRuns(id), 1, `${id} was checked once`);
          assert.equal((await schedule(id)).check_count, 1);
        }
      } finally {
        await otherDb?.close();
      }
    });
  });
}
