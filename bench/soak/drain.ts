import { deliveryQueue } from '../../src/jobs/job-queue.js';
import { uncheckedStatuses } from '../../src/jobs/check-schedule.js';
import type { Db } from '../../src/store/db.js';
import { sleep } from './client-calls.js';
import type { EngineApi } from './engine-api.js';
import type { MerchantReceiver } from './receiver.js';
import type { Tenant } from './tenants.js';

/** Where the drain stands; `null` where the store cannot be read while the engine runs (PGlite). */
export interface DrainState {
  /** Events the engine has logged that a subscribed endpoint has not accepted yet (from the admin API). */
  undelivered: number;
  events: number;
  outbox: number | null;
  /** Delivery jobs not finished (queued, waiting to retry, or in a worker's hands). */
  pendingDeliveries: number | null;
  /**
   * Unsettled transactions not checked with their gateway yet: their first status check comes
   * CONNXT_RECONCILE_AFTER_SECONDS after creation. (Later checks follow the 5 min, 30 min, ...
   * schedule and are not waited for: a transaction with one scheduled passes check 3.)
   */
  firstChecksDue: number | null;
}

export interface DrainDeps {
  api: EngineApi;
  tenants: readonly Tenant[];
  receiver: MerchantReceiver;
  /** A live connection (PostgreSQL); undefined for PGlite, which only the engine may open. */
  db: Db | undefined;
  jobsSchema: string;
  /**
   * Without a store to read (PGlite), every first status check is taken to be done from this time
   * on (epoch ms): the last transaction's (CONNXT_RECONCILE_AFTER_SECONDS after its creation) has
   * had a janitor pass.
   */
  checksSettleAt: number;
}

/**
 * Waits, at most `limitMs`, until the engine has nothing left to do that the checks depend on: the
 * outbox is empty, every delivery is done, every event reached every endpoint that takes it, and
 * every unsettled transaction has had its first status check. Answers whether it got there, and
 * the last state seen.
 */
export async function drain(deps: DrainDeps, limitMs: number, onState: (state: DrainState) => void): Promise<{ drained: boolean; state: DrainState }> {
  const started = Date.now();
  let previousEvents = -1;
  for (;;) {
    const state = await probe(deps, Date.now() >= deps.checksSettleAt);
    onState(state);
    // Without the store, two probes that see the same events in the log stand in for "nothing moves".
    const quiet = deps.db !== undefined || state.events === previousEvents;
    previousEvents = state.events;
    const done = state.undelivered === 0 && quiet && (state.outbox ?? 0) === 0 && (state.pendingDeliveries ?? 0) === 0 && (state.firstChecksDue ?? 0) === 0;
    if (done) return { drained: true, state };
    if (Date.now() - started >= limitMs) return { drained: false, state };
    await sleep(2_000);
  }
}

async function probe(deps: DrainDeps, settled: boolean): Promise<DrainState> {
  const store = deps.db === undefined ? { outbox: null, pendingDeliveries: null, firstChecksDue: settled ? 0 : 1 } : await storeState(deps.db, deps.jobsSchema);
  // The event log is only worth reading once the store says the deliveries are done.
  const { events, undelivered } =
    (store.outbox ?? 0) === 0 && (store.pendingDeliveries ?? 0) === 0 ? await undeliveredEvents(deps) : { events: -1, undelivered: -1 };
  return { ...store, events, undelivered };
}

async function storeState(db: Db, jobsSchema: string): Promise<Pick<DrainState, 'outbox' | 'pendingDeliveries' | 'firstChecksDue'>> {
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);
  return {
    outbox: await count('SELECT count(*) AS n FROM event_outbox'),
    pendingDeliveries: await count(`SELECT count(*) AS n FROM ${jobsSchema}.job WHERE name = $1 AND state < 'completed'`, [deliveryQueue]),
    firstChecksDue: await count(
      'SELECT count(*) AS n FROM transactions WHERE check_count = 0 AND next_check_at IS NOT NULL AND status <> ALL ($1::text[])',
      [uncheckedStatuses],
    ),
  };
}

/** Every event of every tenant (admin API, newest first), against what its endpoints accepted. */
async function undeliveredEvents(deps: DrainDeps): Promise<{ events: number; undelivered: number }> {
  let events = 0;
  let undelivered = 0;
  for (const tenant of deps.tenants) {
    const accepted = tenant.endpoints.map((endpoint) => ({ ...endpoint, got: deps.receiver.acceptedBy(endpoint.id) }));
    let cursor: string | null = null;
    do {
      const page = await deps.api.call('GET', `/admin/v1/environments/${tenant.environmentId}/events?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { admin: true });
      if (page.status !== 200) throw new Error(`reading the event log failed: HTTP ${page.status}`);
      const items = page.body.data.items as { id: string; type: string }[];
      events += items.length;
      for (const event of items) {
        for (const endpoint of accepted) {
          if ((endpoint.events === null || endpoint.events.includes(event.type)) && !endpoint.got.has(event.id)) undelivered += 1;
        }
      }
      cursor = page.body.data.nextCursor as string | null;
    } while (cursor !== null);
  }
  return { events, undelivered };
}
