import type { Clock } from '../clock.js';
import type { FlowExecutor } from '../flows/flow-executor.js';
import type { StepName, StepReport } from '../flows/sandbox.js';
import type { Logger } from '../logger.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import type { Queryable } from '../store/db.js';
import type { LoadedTransaction } from './step-context.js';
import { interpretStep, type StepOutcome } from './step-outcome.js';
import { pathBetween, type TransactionStatus } from './status.js';
import { moveStatus, stepRunRecord, type HistoryCause } from './transaction-repo.js';
import { boundedMeta } from './transaction-response.js';

export interface LaterStepDeps {
  db: Queryable;
  clock: Clock;
  /** A child logger carrying the transaction's id (`txnId`), as callers hand it. */
  logger: Logger;
  executor: FlowExecutor;
  metrics: Pick<EngineMetrics, 'transactions'>;
}

export interface LaterStepResult {
  report: StepReport;
  outcome: StepOutcome;
  /** The transaction's status once the outcome is applied (or not). */
  status: TransactionStatus;
  moved: boolean;
}

/**
 * Where to move the transaction when the step's answer names no final status (still pending,
 * refused, broken): reconciliation gives up on a transaction past its time to live this way, with
 * the last answer recorded in the same statement as the move.
 */
export interface LaterStepFallback {
  status: TransactionStatus;
  detail: string;
}

/** Racing writers are few (a webhook and a redirect at once); a handful of rereads settles them. */
const maxAttempts = 4;

/**
 * Runs a step after `initiate` (redirect, webhook, status) and applies what it says. Only an
 * explicit SUCCESS or FAILED moves the transaction, along the definition's map and conditional on
 * the status it was read with, so a late, repeated or out-of-order event never moves it backwards
 * and a final status never moves at all (the fallback is applied the same way). The step run is
 * recorded either way.
 */
export async function runLaterStep(
  deps: LaterStepDeps,
  loaded: LoadedTransaction,
  step: Exclude<StepName, 'initiate'>,
  data: unknown,
  cause: HistoryCause,
  fallback?: LaterStepFallback,
): Promise<LaterStepResult> {
  const report = await deps.executor.run(step, loaded.transaction, loaded.psp, data);
  const outcome = interpretStep(step, loaded.transaction.action, report);
  const explicit = laterTarget(outcome);
  const target = explicit ?? fallback?.status;
  const detail = explicit === undefined && fallback !== undefined ? `${fallback.detail}; the last answer: ${answerOf(outcome)}` : detailOf(outcome);
  const pspTxnId = outcome.kind === 'accepted' || outcome.kind === 'succeeded' || outcome.kind === 'failed' ? outcome.pspTxnId : undefined;
  const stepRun = stepRunRecord(step, loaded.transaction.definitionVersion, report, boundedMeta(report.meta));
  let status = loaded.status;
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    const path = target === undefined ? [] : (pathBetween(loaded.transitions, status, target) ?? []);
    const result = await moveStatus(deps.db, {
      transactionId: loaded.transaction.id,
      expectedStatus: status,
      path,
      cause,
      detail,
      pspTxnId,
      // Recorded once, with the first attempt: a reread is the same run.
      stepRun: attempt === 0 ? stepRun : undefined,
      now: deps.clock.now(),
    });
    if (result.moved) deps.metrics.transactions.entered({ action: loaded.transaction.action, target: loaded.transaction.flowTargetId }, path);
    if (result.moved || path.length === 0) return { report, outcome, status: result.status, moved: result.moved };
    if (result.status === status) break;
    status = result.status; // another writer moved it meanwhile: decide again from where it is now
  }
  deps.logger.warn({ step, target, status }, 'step outcome not applied after rereads');
  return { report, outcome, status, moved: false };
}

/** Only an explicit final answer from the PSP moves a transaction after initiate. */
function laterTarget(outcome: StepOutcome): TransactionStatus | undefined {
  switch (outcome.kind) {
    case 'succeeded':
      return 'SUCCESS';
    case 'failed':
      return 'FAILED';
    default:
      return undefined;
  }
}

function detailOf(outcome: StepOutcome): string | null {
  switch (outcome.kind) {
    case 'refused':
    case 'broken':
      return outcome.message;
    default:
      return outcome.message ?? null;
  }
}

/** A step's answer in a few words, for the history row of a fallback move. */
function answerOf(outcome: StepOutcome): string {
  const message = detailOf(outcome);
  switch (outcome.kind) {
    case 'refused':
    case 'broken':
      return `${outcome.kind}: ${message ?? ''}`;
    default:
      return message === null ? 'still pending' : `still pending (${message})`;
  }
}
