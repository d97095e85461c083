import { terminalStatuses, type TransactionStatus } from '../transactions/status.js';

/**
 * When reconciliation asks a PSP about a transaction that has not settled. Most settle within
 * minutes (a payer on a pay page, a webhook a little late), so the first checks come quickly;
 * the rest back off so a stuck transaction costs the PSP a few calls a day, not thousands.
 */
const minute = 60_000;
const hour = 60 * minute;
/** The wait after the n-th check (index n; index 0: from creation to the first check), then daily. */
const delaysMs = [1 * minute, 5 * minute, 30 * minute, 2 * hour, 12 * hour] as const;
const dailyMs = 24 * hour;

/** How long after `checksDone` checks the next one is due: 1 min, 5 min, 30 min, 2 h, 12 h, then daily. */
export function checkDelayMs(checksDone: number): number {
  return delaysMs[checksDone] ?? dailyMs;
}

/**
 * The schedule as the claim statement applies it: the wait after check 1, 2, ... up to the daily
 * one, which repeats. Index i (0-based) is the wait after check i + 1.
 */
export const delaysAfterCheckMs: readonly number[] = [...delaysMs.slice(1), dailyMs];

/**
 * A claimed transaction's next check is pushed at least this far ahead before its status step runs,
 * so that no other process takes it meanwhile; if this one dies, the check is simply due again
 * then. Longer than any step may run (the sandbox stops a script after 15 s at most).
 */
export const claimLeaseMs = 2 * minute;

/** At most this many transactions per pass, and this many status steps at once. */
export const claimBatchSize = 20;
export const checkConcurrency = 4;

/**
 * An event we could not apply (a bad signature, a broken script) brings the next check this close:
 * long enough for a genuine copy of the event to arrive first, short enough to settle promptly.
 */
export const soonCheckDelayMs = 5_000;

/** Never checked by the janitor: final statuses, and a withdrawal that waits for a person. */
export const uncheckedStatuses: readonly TransactionStatus[] = [...terminalStatuses, 'PENDING_FOR_APPROVAL'];
