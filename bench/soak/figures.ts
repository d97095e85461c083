import { deliveryQueue } from '../../src/jobs/job-queue.js';
import type { Db } from '../../src/store/db.js';

/** What the store says happened, read once the engine has stopped. */
export interface StoreFigures {
  transactions: number;
  /** Per action, per status: {"DEPOSIT": {"SUCCESS": 120, ...}, ...}. */
  byActionAndStatus: Record<string, Record<string, number>>;
  statusChanges: number;
  merchantEvents: number;
  /** Delivery attempts the engine logged (one per POST to an endpoint). */
  deliveryAttempts: number;
  /** Gateway webhooks and payer redirects the engine received, by what became of them. */
  inboundCallbacks: Record<string, number>;
  /** Left behind: outbox rows not relayed, and delivery jobs not finished. */
  outboxLeft: number;
  deliveriesLeft: number;
}

export async function readStoreFigures(db: Db, jobsSchema: string): Promise<StoreFigures> {
  const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);
  const byActionAndStatus: Record<string, Record<string, number>> = {};
  let transactions = 0;
  for (const row of (await db.query<{ action: string; status: string; n: string }>('SELECT action, status, count(*) AS n FROM transactions GROUP BY action, status ORDER BY action, status')).rows) {
    byActionAndStatus[row.action] = { ...byActionAndStatus[row.action], [row.status]: Number(row.n) };
    transactions += Number(row.n);
  }
  const inboundCallbacks: Record<string, number> = {};
  for (const row of (await db.query<{ kind: string; state: string; n: string }>('SELECT kind, state, count(*) AS n FROM inbound_callbacks GROUP BY kind, state ORDER BY kind, state')).rows) {
    inboundCallbacks[`${row.kind} ${row.state}`] = Number(row.n);
  }
  return {
    transactions,
    byActionAndStatus,
    statusChanges: await count('SELECT count(*) AS n FROM transaction_status_history'),
    merchantEvents: await count('SELECT count(*) AS n FROM merchant_events'),
    deliveryAttempts: await count('SELECT count(*) AS n FROM webhook_delivery_attempts'),
    inboundCallbacks,
    outboxLeft: await count('SELECT count(*) AS n FROM event_outbox'),
    deliveriesLeft: await count(`SELECT count(*) AS n FROM ${jobsSchema}.job WHERE name = $1 AND state < 'completed'`, [deliveryQueue]),
  };
}
