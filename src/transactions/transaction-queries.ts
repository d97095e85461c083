import { AppError, type FieldError } from '../errors.js';
import { isTenantId, isTransactionId } from '../ids.js';
import type { Db } from '../store/db.js';
import type { TenantContext } from '../tenants/token-authenticator.js';
import { isTransactionStatus, type TransactionStatus } from './status.js';
import {
  historyView,
  refundsView,
  stepRunView,
  transactionColumns,
  transactionView,
  type HistoryRow,
  type RefundItemRow,
  type RefundTotalsRow,
  type StepRunRow,
  type TransactionRow,
} from './transaction-view.js';

export interface TransactionListQuery {
  limit: number;
  cursor?: string;
  status?: string;
  pspId?: string;
  action?: string;
  orderId?: string;
  createdFrom?: string;
  createdTo?: string;
}

const actions = ['DEPOSIT', 'WITHDRAW', 'REFUND'];

/** Reads of one environment's transactions; another environment's ids are simply not found. */
export class TransactionQueries {
  constructor(private readonly db: Db) {}

  /** The transaction with its whole status history and, for a deposit, its refunds, in one statement. */
  async get(tenant: TenantContext, id: string) {
    if (!isTransactionId(id)) throw AppError.notFound('Transaction not found');
    const { rows } = await this.db.query<TransactionRow & RefundTotalsRow & { history: HistoryRow[]; refunds: RefundItemRow[] | null }>(
      `SELECT ${transactionColumns}, amount_minor::text AS amount_minor,
              refund_pending_minor::text AS refund_pending_minor, refunded_minor::text AS refunded_minor,
              (SELECT coalesce(json_agg(json_build_object('seq', h.seq, 'from_status', h.from_status,
                        'to_status', h.to_status, 'cause', h.cause, 'detail', h.detail, 'created_at', h.created_at)
                        ORDER BY h.seq), '[]')
                 FROM transaction_status_history h WHERE h.transaction_id = t.id) AS history,
              CASE WHEN t.action = 'DEPOSIT' THEN
                (SELECT coalesce(json_agg(json_build_object('id', r.id, 'status', r.status, 'amount', r.amount::text,
                          'created_at', r.created_at) ORDER BY r.created_at, r.id), '[]')
                   FROM transactions r WHERE r.parent_transaction_id = t.id)
              END AS refunds
         FROM transactions t
        WHERE t.id = $1 AND t.environment_id = $2`,
      [id, tenant.environmentId],
    );
    const row = rows[0];
    if (row === undefined) throw AppError.notFound('Transaction not found');
    return {
      ...transactionView(row),
      ...(row.refunds === null ? {} : { refunds: refundsView(row, row.refunds) }),
      history: historyView(row.history),
    };
  }

  /**
   * Every script step run against the transaction, oldest first, with its redacted logs and HTTP
   * calls as they were stored: what an operator reads to see why a payment went the way it did.
   * `afterHistorySeq` places each run in the status history: the seq of the last status change
   * before it, stored with the run (migration 006).
   */
  async steps(tenant: TenantContext, id: string) {
    if (!isTransactionId(id)) throw AppError.notFound('Transaction not found');
    const { rows } = await this.db.query<{ steps: StepRunRow[] }>(
      `SELECT (SELECT coalesce(json_agg(json_build_object('step', s.step, 'definition_version', s.definition_version, 'ok', s.ok,
                        'failure_kind', s.failure_kind, 'failure_message', s.failure_message, 'result', s.result, 'meta', s.meta,
                        'duration_ms', s.duration_ms, 'created_at', s.created_at, 'after_seq', s.after_history_seq) ORDER BY s.id), '[]')
                 FROM transaction_step_runs s WHERE s.transaction_id = t.id) AS steps
         FROM transactions t
        WHERE t.id = $1 AND t.environment_id = $2`,
      [id, tenant.environmentId],
    );
    if (rows[0] === undefined) throw AppError.notFound('Transaction not found');
    return { txnId: id, steps: rows[0].steps.map(stepRunView) };
  }

  /** Newest first; the cursor is the id of the last transaction of the previous page. */
  async list(tenant: TenantContext, query: TransactionListQuery) {
    const errors: FieldError[] = [];
    if (query.cursor !== undefined && !isTransactionId(query.cursor)) errors.push({ field: 'cursor', message: 'is not a transaction id' });
    if (query.status !== undefined && !isTransactionStatus(query.status)) errors.push({ field: 'status', message: 'is not a transaction status' });
    if (query.pspId !== undefined && !isTenantId('psp', query.pspId)) errors.push({ field: 'pspId', message: 'is not a PSP id' });
    if (query.action !== undefined && !actions.includes(query.action)) {
      errors.push({ field: 'action', message: `must be one of: ${actions.join(', ')}` });
    }
    const createdFrom = dateParam(query.createdFrom, 'createdFrom', errors);
    const createdTo = dateParam(query.createdTo, 'createdTo', errors);
    if (errors.length > 0) throw AppError.validation(errors);
    const { rows } = await this.db.query<TransactionRow>(
      `WITH after AS (SELECT created_at, id FROM transactions WHERE id = $2 AND environment_id = $1)
       SELECT ${transactionColumns}
         FROM transactions
        WHERE environment_id = $1
          AND ($2::text IS NULL OR (created_at, id) < (SELECT created_at, id FROM after))
          AND ($3::text IS NULL OR status = $3)
          AND ($4::text IS NULL OR psp_id = $4)
          AND ($5::text IS NULL OR action = $5)
          AND ($6::text IS NULL OR order_id = $6)
          AND ($7::timestamptz IS NULL OR created_at >= $7)
          AND ($8::timestamptz IS NULL OR created_at < $8)
        ORDER BY created_at DESC, id DESC
        LIMIT $9`,
      [
        tenant.environmentId,
        query.cursor ?? null,
        (query.status as TransactionStatus | undefined) ?? null,
        query.pspId ?? null,
        query.action ?? null,
        query.orderId ?? null,
        createdFrom,
        createdTo,
        query.limit + 1,
      ],
    );
    if (query.cursor !== undefined && rows.length === 0) await this.#assertCursor(tenant, query.cursor);
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(transactionView),
      nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
    };
  }

  /** An empty page after a cursor is either the end or someone else's id: only then ask which. */
  async #assertCursor(tenant: TenantContext, cursor: string): Promise<void> {
    const { rows } = await this.db.query('SELECT 1 FROM transactions WHERE id = $1 AND environment_id = $2', [
      cursor,
      tenant.environmentId,
    ]);
    if (rows.length === 0) throw AppError.validation([{ field: 'cursor', message: 'does not name a transaction of this environment' }]);
  }
}

/** ISO 8601 date or date-time; a bare date or a time without zone is UTC, like every time here. */
function dateParam(value: string | undefined, field: string, errors: FieldError[]): Date | null {
  if (value === undefined) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(value);
  const zoned = match?.[7] !== undefined;
  const date = match === null ? new Date(NaN) : new Date(zoned ? value : `${value}${match[4] === undefined ? 'T00:00:00' : ''}Z`);
  // Date rolls 2026-02-30 over into March; a day that does not exist is an error, not a guess.
  const exists = match !== null && validCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]));
  if (!exists || Number.isNaN(date.getTime())) {
    errors.push({ field, message: 'must be an ISO 8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z' });
    return null;
  }
  return date;
}

function validCalendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
