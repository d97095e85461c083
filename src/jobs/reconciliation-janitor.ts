import type { CatalogService, CatalogSnapshot } from '../catalog/catalog-service.js';
import type { Clock } from '../clock.js';
import type { FlowExecutor } from '../flows/flow-executor.js';
import type { Logger } from '../logger.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import type { CredentialCipher } from '../psps/credential-cipher.js';
import type { Db } from '../store/db.js';
import { runLaterStep, type LaterStepFallback } from '../transactions/later-step.js';
import { loadForStep, type LoadedTransaction } from '../transactions/step-context.js';
import { checkConcurrency, claimBatchSize, claimLeaseMs, delaysAfterCheckMs, uncheckedStatuses } from './check-schedule.js';
import { claimDueTransactions, type ClaimedTransaction } from './reconciliation-claim.js';
import { describeSeconds, timeToLiveSeconds } from './reconciliation-ttl.js';

export interface ReconciliationJanitorDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  catalog: CatalogService;
  cipher: CredentialCipher;
  executor: FlowExecutor;
  metrics: Pick<EngineMetrics, 'transactions'>;
}

/** Why a status step ran, as the script sees it in `ctx.data.reason`. */
type CheckReason = 'schedule' | 'time-to-live' | 'requested';

/**
 * Asks the PSP about transactions that have not settled, on a backoff schedule (check-schedule.ts),
 * and abandons them after their time to live. Every process may run it: the claim statement hands
 * each due transaction to exactly one of them. Decisions go through runLaterStep, so they are
 * conditional moves along the definition's map with history cause `reconciliation`, and a check
 * that learns nothing new records its step run and no history.
 */
export class ReconciliationJanitor {
  readonly #deps: ReconciliationJanitorDeps;
  /** Transactions one runOnce() claims at most. */
  readonly batchSize = claimBatchSize;

  constructor(deps: ReconciliationJanitorDeps) {
    this.#deps = deps;
  }

  /** One pass over the transactions that are due; answers how many it looked at. */
  async runOnce(): Promise<number> {
    const { db, clock, catalog } = this.#deps;
    const now = clock.now();
    const claimed = await claimDueTransactions(db, {
      now,
      limit: claimBatchSize,
      leaseMs: claimLeaseMs,
      delaysAfterCheckMs,
      unchecked: uncheckedStatuses,
    });
    if (claimed.length === 0) return 0;
    const snapshot = await catalog.snapshot();
    await forEachLimited(claimed, checkConcurrency, (transaction) => this.#check(transaction, snapshot, now));
    return claimed.length;
  }

  /** Asks the PSP about one transaction now (a refund of a deposit that has not settled does this first). */
  async reconcile(transactionId: string): Promise<void> {
    const loaded = await loadForStep(this.#deps, transactionId);
    if (loaded === undefined || uncheckedStatuses.includes(loaded.status)) return;
    await this.#runStatus(loaded, 'requested', undefined, this.#deps.logger.child({ txnId: transactionId }));
  }

  /** Never throws: one transaction that cannot be checked must not stop the others; it is due again later. */
  async #check(claimed: ClaimedTransaction, snapshot: CatalogSnapshot, now: Date): Promise<void> {
    const log = this.#deps.logger.child({ txnId: claimed.id });
    try {
      const loaded = await loadForStep(this.#deps, claimed.id);
      // Settled or handed to a person between the claim and now.
      if (loaded === undefined || uncheckedStatuses.includes(loaded.status)) return;
      const ttl = timeToLiveSeconds(snapshot, claimed);
      const expired = now.getTime() - claimed.createdAt.getTime() >= ttl * 1000;
      // Past its time to live it is still asked once more: a payment that went through at the
      // last minute is worth one PSP call, and abandoning it would hide money that moved.
      const fallback: LaterStepFallback | undefined = expired
        ? { status: 'ABANDONED', detail: `not settled within its time to live of ${describeSeconds(ttl)}` }
        : undefined;
      const result = await this.#runStatus(loaded, expired ? 'time-to-live' : 'schedule', fallback, log);
      if (expired && !result.moved && !uncheckedStatuses.includes(result.status)) {
        // Its map has no way to ABANDONED from here (e.g. PG_SUCCESS): keep asking, and tell someone.
        log.warn({ status: result.status }, 'transaction past its time to live cannot be abandoned from its status');
      }
    } catch (err) {
      log.error({ err }, 'reconciliation check failed; it is due again at its next step');
    }
  }

  async #runStatus(loaded: LoadedTransaction, reason: CheckReason, fallback: LaterStepFallback | undefined, log: Logger) {
    const data = { step: 'status', tnxId: loaded.transaction.id, reason };
    const result = await runLaterStep({ ...this.#deps, logger: log }, loaded, 'status', data, 'reconciliation', fallback);
    log[result.moved ? 'info' : 'debug'](
      { reason, outcome: result.outcome.kind, from: loaded.status, status: result.status, moved: result.moved, scriptMs: result.report.durationMs },
      'reconciliation check',
    );
    return result;
  }
}

/** Runs `fn` over `items` with at most `limit` running at once. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
