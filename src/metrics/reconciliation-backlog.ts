import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import { uncheckedStatuses } from '../jobs/check-schedule.js';
import type { Logger } from '../logger.js';
import type { Queryable } from '../store/db.js';

export interface ReconciliationBacklogDeps {
  db: Queryable;
  clock: Clock;
  logger: Logger;
  /** How long a scrape waits for the count before it answers the last one (default 1 s). */
  timeoutMs?: number;
}

export const defaultBacklogTimeoutMs = 1_000;

/**
 * What the janitor would claim now (reconciliation-claim.ts): a check is due and the transaction
 * is neither final nor waiting for a person. The partial index on next_check_at keeps it cheap.
 */
const dueCountSql = 'SELECT count(*) AS due FROM transactions WHERE next_check_at <= $1 AND status <> ALL ($2::text[])';

/**
 * `connxt_reconciliation_backlog`: transactions not settled whose status check is due, counted
 * when Prometheus scrapes. A scrape must answer even when the store is slow or down, so the count
 * gets `timeoutMs`; past that (or on an error) the gauge keeps its last value and a warning is
 * logged. At most one count runs at a time: scrapes against a stalled store do not pile up queries.
 */
export function registerReconciliationBacklog(registry: Registry, deps: ReconciliationBacklogDeps): void {
  const timeoutMs = deps.timeoutMs ?? defaultBacklogTimeoutMs;
  let inFlight: Promise<number> | undefined;
  const count = (): Promise<number> => {
    inFlight ??= deps.db
      .query<{ due: string }>(dueCountSql, [deps.clock.now(), uncheckedStatuses])
      .then(({ rows }) => Number(rows[0]?.due ?? 0))
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  new Gauge({
    name: 'connxt_reconciliation_backlog',
    help: 'Transactions not settled whose reconciliation check is due now (counted at scrape time; the last count when the store is slow).',
    registers: [registry],
    async collect() {
      try {
        this.set(await withTimeout(count(), timeoutMs));
      } catch (err) {
        deps.logger.warn({ err, timeoutMs }, 'reconciliation backlog not counted; /metrics shows the last count');
      }
    },
  });
}

class CountTimeout extends Error {
  constructor(ms: number) {
    super(`the count took longer than ${ms} ms`);
    this.name = 'CountTimeout';
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CountTimeout(ms)), ms);
  });
  return Promise.race([work, expiry]).finally(() => clearTimeout(timer));
}
