import type { StepReport } from '../flows/sandbox.js';
import type { Queryable } from '../store/db.js';
import { tenantId } from '../ids.js';
import { eventTypeFor } from '../notifications/event-types.js';
import { eventCtesSql, eventSnapshotColumns } from './merchant-event-sql.js';
import { terminalStatuses, type TransactionStatus } from './status.js';

/**
 * Every write here is one statement, so each is its own database transaction and one round
 * trip: throughput is set by round trips (DESIGN.md). Status changes are conditional on the
 * status the caller saw, so a stale or repeated writer changes nothing, and each writes its
 * merchant events (the outbox) in the same statement.
 */

export type HistoryCause = 'api' | 'webhook' | 'redirect' | 'reconciliation' | 'operator';

export interface NewTransaction {
  id: string;
  brandId: string;
  environmentId: string;
  pspId: string;
  flowTargetId: string;
  flowActionId: string;
  action: string;
  flowDefinitionId: string;
  definitionVersion: number;
  transactionType: string | null;
  currency: string;
  amount: string;
  amountMinor: string;
  orderId: string | null;
  customerId: string | null;
  executePayload: unknown;
  /** REFUND only: the deposit whose refundable amount this refund reserves. */
  parentTransactionId: string | null;
  /** The statuses it is created through, in order; the last is the one stored. */
  statuses: TransactionStatus[];
  /** When reconciliation first asks the PSP about it; null: never (it waits for approval). */
  nextCheckAt: Date | null;
  /** A withdrawal waiting for approval: its executePayload, sealed (see migration 005). */
  pendingPayload: Buffer | null;
  /** Who created it: the merchant with a secret token (`api`) or an operator acting as the environment. */
  cause: 'api' | 'operator';
  now: Date;
}

/** Built once: the statement text is also the prepared statement's cache key. */
const insertTransactionSql = `WITH reserved AS (
       UPDATE transactions SET refund_pending_minor = refund_pending_minor + $13::bigint
        WHERE $21::text IS NOT NULL AND id = $21 AND environment_id = $3 AND action = 'DEPOSIT' AND status = 'SUCCESS'
          AND amount_minor - refund_pending_minor - refunded_minor >= $13::bigint
       RETURNING id
     ), created AS (
       INSERT INTO transactions (id, brand_id, environment_id, psp_id, flow_target_id, flow_action_id, action,
                                 flow_definition_id, definition_version, transaction_type, currency, amount,
                                 amount_minor, order_id, customer_id, status, version, execute_payload,
                                 created_at, updated_at, parent_transaction_id, next_check_at, pending_payload)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, $21, $22, $23
        WHERE $21::text IS NULL OR EXISTS (SELECT 1 FROM reserved)
       RETURNING ${eventSnapshotColumns}
     ), hops AS (
       SELECT * FROM jsonb_to_recordset($20::jsonb) AS h(seq integer, from_status text, to_status text, event_id text, type text)
     ), history AS (
       INSERT INTO transaction_status_history (transaction_id, seq, from_status, to_status, cause, detail, created_at)
       SELECT created.id, h.seq, h.from_status, h.to_status, $24, NULL, $19
       FROM created, hops h
     ), ${eventCtesSql('created', '$19::timestamptz')}
     SELECT EXISTS (SELECT 1 FROM created) AS created`;

/**
 * Inserts a transaction with its history and merchant events, in one statement. A refund first
 * reserves its amount on the deposit, conditional on the deposit being a SUCCESS with that much
 * left, so concurrent refunds cannot overdraw it: answers false when the reservation failed and
 * nothing was written.
 */
export async function insertTransaction(db: Queryable, tx: NewTransaction): Promise<{ created: boolean }> {
  const hops = tx.statuses.map((to, index) => ({
    seq: index + 1,
    from_status: tx.statuses[index - 1] ?? null,
    to_status: to,
    event_id: tenantId('evt'),
    type: eventTypeFor(to),
  }));
  const { rows } = await db.query<{ created: boolean }>(
    insertTransactionSql,
    [
      tx.id,
      tx.brandId,
      tx.environmentId,
      tx.pspId,
      tx.flowTargetId,
      tx.flowActionId,
      tx.action,
      tx.flowDefinitionId,
      tx.definitionVersion,
      tx.transactionType,
      tx.currency,
      tx.amount,
      tx.amountMinor,
      tx.orderId,
      tx.customerId,
      tx.statuses[tx.statuses.length - 1],
      tx.statuses.length,
      JSON.stringify(tx.executePayload),
      tx.now,
      JSON.stringify(hops),
      tx.parentTransactionId,
      tx.nextCheckAt,
      tx.pendingPayload,
      tx.cause,
    ],
  );
  return { created: rows[0]?.created === true };
}

export interface StepRunRecord {
  step: string;
  definitionVersion: number;
  ok: boolean;
  failureKind: string | null;
  failureMessage: string | null;
  result: unknown;
  meta: unknown;
  durationMs: number;
}

/** A step run as stored: what ran, how it went, and its (already bounded) logs and HTTP calls. */
export function stepRunRecord(step: string, definitionVersion: number, report: StepReport, meta: unknown): StepRunRecord {
  return {
    step,
    definitionVersion,
    ok: report.ok,
    failureKind: report.failure?.kind ?? null,
    failureMessage: report.failure?.message ?? null,
    result: report.value,
    meta,
    durationMs: report.durationMs,
  };
}

export interface StatusMove {
  transactionId: string;
  /** The status the caller based its decision on; nothing moves if the row has another. */
  expectedStatus: TransactionStatus;
  /** Statuses to pass through, the last one stored; empty = record the step run only. */
  path: TransactionStatus[];
  cause: HistoryCause;
  detail: string | null;
  /** Stored when the row has none yet. */
  pspTxnId: string | undefined;
  stepRun: StepRunRecord | undefined;
  /**
   * When reconciliation next asks the PSP, applied with a move (an empty path writes nothing but
   * the step run): a Date sets it, null clears it, undefined keeps it. A final status clears it.
   */
  nextCheckAt?: Date | null;
  now: Date;
}

const moveStatusSql = `WITH moved AS (
       UPDATE transactions
          SET status = $3, version = version + $4, updated_at = $5, psp_txn_id = coalesce(psp_txn_id, $6),
              next_check_at = CASE WHEN $18::boolean THEN NULL WHEN $19::boolean THEN $20::timestamptz ELSE next_check_at END,
              -- A withdrawal's sealed payload is kept only while it waits for approval.
              pending_payload = CASE WHEN $3 = 'PENDING_FOR_APPROVAL' THEN pending_payload END
        WHERE id = $1 AND status = $2 AND $4::integer > 0
       RETURNING version, status, amount_minor, ${eventSnapshotColumns}
     ), hops AS (
       SELECT moved.version - $4 + h.ord AS seq, h.from_status, h.to_status, h.event_id, h.type
       FROM moved, jsonb_to_recordset($9::jsonb) AS h(ord integer, from_status text, to_status text, event_id text, type text)
     ), history AS (
       INSERT INTO transaction_status_history (transaction_id, seq, from_status, to_status, cause, detail, created_at)
       SELECT $1, h.seq, h.from_status, h.to_status, $7, $8, $5
       FROM hops h
     ), ${eventCtesSql('moved', '$5::timestamptz')}, refund_settled AS (
       UPDATE transactions deposit
          SET refund_pending_minor = deposit.refund_pending_minor - moved.amount_minor,
              refunded_minor = deposit.refunded_minor + CASE WHEN moved.status IN ('SUCCESS', 'COMPLETED') THEN moved.amount_minor ELSE 0 END
         FROM moved
        WHERE $18::boolean AND moved.action = 'REFUND' AND deposit.id = moved.parent_transaction_id
     ), run AS (
       -- Every part of the statement sees the row as it was before the move: its version is the seq
       -- of the last status change before this run, the changes the run caused come after it.
       INSERT INTO transaction_step_runs (transaction_id, step, definition_version, ok, failure_kind, failure_message,
                                          result, meta, duration_ms, created_at, after_history_seq)
       SELECT $1, $10::text, $11::integer, $12::boolean, $13::text, $14::text, $15::jsonb, $16::jsonb, $17::numeric, $5, t.version
         FROM transactions t
        WHERE t.id = $1 AND $10::text IS NOT NULL
     )
     SELECT EXISTS (SELECT 1 FROM moved) AS moved, (SELECT status FROM moved) AS status,
            (SELECT psp_txn_id FROM moved) AS psp_txn_id`;

/**
 * Moves a transaction along `path`, appends one history row and one merchant event per status,
 * records the step run and, when a refund reaches a final status, settles its reservation on the
 * deposit, all in one statement. Answers whether it moved and the status the row has now.
 */
export async function moveStatus(db: Queryable, move: StatusMove): Promise<{ moved: boolean; status: TransactionStatus; pspTxnId: string | null }> {
  const hops = move.path.map((to, index) => ({
    ord: index + 1,
    from_status: move.path[index - 1] ?? move.expectedStatus,
    to_status: to,
    event_id: tenantId('evt'),
    type: eventTypeFor(to),
  }));
  const finalStatus = move.path[move.path.length - 1] ?? move.expectedStatus;
  const run = move.stepRun;
  const { rows } = await db.query<{ moved: boolean; status: TransactionStatus; psp_txn_id: string | null }>(
    moveStatusSql,
    [
      move.transactionId,
      move.expectedStatus,
      finalStatus,
      move.path.length,
      move.now,
      move.pspTxnId ?? null,
      move.cause,
      move.detail,
      JSON.stringify(hops),
      run?.step ?? null,
      run?.definitionVersion ?? null,
      run?.ok ?? null,
      run?.failureKind ?? null,
      run?.failureMessage ?? null,
      run === undefined ? null : JSON.stringify(run.result ?? null),
      run === undefined ? null : JSON.stringify(run.meta),
      run?.durationMs ?? null,
      terminalStatuses.has(finalStatus),
      move.nextCheckAt !== undefined,
      move.nextCheckAt ?? null,
    ],
  );
  const row = rows[0]!;
  if (row.moved) return { moved: true, status: row.status, pspTxnId: row.psp_txn_id };
  // Not moved: read the row now. The statement's own snapshot predates any writer it waited for,
  // so only a fresh read tells the loser of a race where the transaction really is.
  const { rows: current } = await db.query<{ status: TransactionStatus; psp_txn_id: string | null }>(
    'SELECT status, psp_txn_id FROM transactions WHERE id = $1',
    [move.transactionId],
  );
  if (current[0] === undefined) throw new Error(`transaction ${move.transactionId} does not exist`);
  return { moved: false, status: current[0].status, pspTxnId: current[0].psp_txn_id };
}

export async function transactionIdForOrder(db: Queryable, environmentId: string, orderId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM transactions WHERE environment_id = $1 AND order_id = $2', [
    environmentId,
    orderId,
  ]);
  return rows[0]?.id;
}
