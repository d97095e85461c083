import { toApiDateTime } from '../api-time.js';
import { formatMinor } from '../money/amount.js';
import type { TransactionStatus } from './status.js';

export interface TransactionRow {
  id: string;
  brand_id: string;
  environment_id: string;
  psp_id: string;
  flow_target_id: string;
  flow_action_id: string;
  action: string;
  flow_definition_id: string;
  definition_version: number;
  transaction_type: string | null;
  currency: string;
  amount: string;
  order_id: string | null;
  customer_id: string | null;
  psp_txn_id: string | null;
  status: TransactionStatus;
  /** A REFUND's deposit. */
  parent_transaction_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface HistoryRow {
  seq: number;
  from_status: TransactionStatus | null;
  to_status: TransactionStatus;
  cause: string;
  detail: string | null;
  /** From json_agg: an ISO string, not a Date. */
  created_at: string;
}

export const transactionColumns = `id, brand_id, environment_id, psp_id, flow_target_id, flow_action_id, action,
  flow_definition_id, definition_version, transaction_type, currency, amount, order_id, customer_id, psp_txn_id,
  status, parent_transaction_id, created_at, updated_at`;

/** A transaction as the API shows it; amounts are exact decimal strings, never floats. */
export function transactionView(row: TransactionRow) {
  return {
    txnId: row.id,
    status: row.status,
    action: row.action,
    transactionType: row.transaction_type,
    txnAmount: row.amount,
    txnCurrency: row.currency,
    orderId: row.order_id,
    customerId: row.customer_id,
    pspId: row.psp_id,
    pspTxnId: row.psp_txn_id,
    parentTxnId: row.parent_transaction_id,
    flowActionId: row.flow_action_id,
    flowTargetId: row.flow_target_id,
    flowDefinitionId: row.flow_definition_id,
    definitionVersion: row.definition_version,
    brandId: row.brand_id,
    environmentId: row.environment_id,
    createdAt: toApiDateTime(row.created_at),
    updatedAt: toApiDateTime(row.updated_at),
  };
}

export function historyView(rows: HistoryRow[]) {
  return rows.map((row) => ({
    seq: row.seq,
    fromStatus: row.from_status,
    status: row.to_status,
    cause: row.cause,
    detail: row.detail,
    createdAt: toApiDateTime(new Date(row.created_at)),
  }));
}

/** A deposit's refund bookkeeping as stored on its row (minor units, as text: bigint). */
export interface RefundTotalsRow {
  status: TransactionStatus;
  currency: string;
  amount_minor: string;
  refund_pending_minor: string;
  refunded_minor: string;
}

export interface RefundItemRow {
  id: string;
  status: TransactionStatus;
  amount: string;
  /** From json_agg: an ISO string, not a Date. */
  created_at: string;
}

/**
 * How much of a deposit has been given back (`refundedAmount`), is held by refunds under way
 * (`pendingAmount`), and could be refunded now (`refundableAmount`: none unless the deposit is a
 * SUCCESS), with its refunds oldest first. Amounts are decimal strings in the deposit's currency.
 */
export function refundsView(totals: RefundTotalsRow, items: RefundItemRow[]) {
  const money = (minor: bigint) => formatMinor(minor, totals.currency);
  const pending = BigInt(totals.refund_pending_minor);
  const refunded = BigInt(totals.refunded_minor);
  const left = totals.status === 'SUCCESS' ? BigInt(totals.amount_minor) - pending - refunded : 0n;
  return {
    refundedAmount: money(refunded),
    pendingAmount: money(pending),
    refundableAmount: money(left),
    items: items.map((item) => ({
      txnId: item.id,
      status: item.status,
      txnAmount: item.amount,
      createdAt: toApiDateTime(new Date(item.created_at)),
    })),
  };
}

/** A stored step run, from json_build_object: times are ISO strings, duration a JSON number. */
export interface StepRunRow {
  step: string;
  definition_version: number;
  ok: boolean;
  failure_kind: string | null;
  failure_message: string | null;
  result: unknown;
  meta: { logs?: unknown[]; http?: Record<string, unknown> };
  duration_ms: number;
  created_at: string;
  after_seq: number;
}

export function stepRunView(row: StepRunRow) {
  return {
    step: row.step,
    definitionVersion: row.definition_version,
    ok: row.ok,
    failure: row.failure_kind === null ? null : { kind: row.failure_kind, message: row.failure_message },
    result: row.result,
    logs: row.meta.logs ?? [],
    http: row.meta.http ?? {},
    durationMs: Number(row.duration_ms),
    createdAt: toApiDateTime(new Date(row.created_at)),
    afterHistorySeq: row.after_seq,
  };
}
