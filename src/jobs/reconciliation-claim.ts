import type { Queryable } from '../store/db.js';
import type { TransactionStatus } from '../transactions/status.js';

/** A transaction this process now owns the next check of. */
export interface ClaimedTransaction {
  id: string;
  action: string;
  flowTargetId: string;
  flowDefinitionId: string;
  createdAt: Date;
  /** Checks made so far, this one included. */
  checkCount: number;
}

export interface ClaimOptions {
  now: Date;
  limit: number;
  /** At least this far ahead goes each claimed transaction's next check (see claimLeaseMs). */
  leaseMs: number;
  /** The wait after check 1, 2, ...; the last one repeats. */
  delaysAfterCheckMs: readonly number[];
  unchecked: readonly TransactionStatus[];
}

/**
 * Takes up to `limit` transactions whose check is due, in one statement: rows another process is
 * claiming right now are skipped (SKIP LOCKED), and each claimed row's next check moves to its next
 * backoff step (never less than the lease) with its check counted, so no other process sees it due
 * while this one asks the PSP. Nothing else needs writing after a check that changes nothing, and
 * a process that dies mid-check leaves the transaction due again at its next step.
 */
export async function claimDueTransactions(db: Queryable, options: ClaimOptions): Promise<ClaimedTransaction[]> {
  const { rows } = await db.query<{
    id: string;
    action: string;
    flow_target_id: string;
    flow_definition_id: string;
    created_at: Date;
    check_count: number;
  }>(
    `WITH due AS (
       SELECT id FROM transactions
        WHERE next_check_at <= $1 AND status <> ALL ($2::text[])
        ORDER BY next_check_at
        LIMIT $3
        FOR UPDATE SKIP LOCKED
     )
     UPDATE transactions t
        SET check_count = t.check_count + 1,
            next_check_at = $1::timestamptz + interval '1 millisecond' *
              greatest($4::double precision, ($5::double precision[])[least(t.check_count + 1, cardinality($5::double precision[]))])
       FROM due
      WHERE t.id = due.id
     RETURNING t.id, t.action, t.flow_target_id, t.flow_definition_id, t.created_at, t.check_count`,
    [options.now, options.unchecked, options.limit, options.leaseMs, options.delaysAfterCheckMs],
  );
  return rows.map((row) => ({
    id: row.id,
    action: row.action,
    flowTargetId: row.flow_target_id,
    flowDefinitionId: row.flow_definition_id,
    createdAt: new Date(row.created_at),
    checkCount: row.check_count,
  }));
}
