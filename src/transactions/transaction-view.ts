import { toApiDateTime } from '../api-time.js';
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
  status, created_at, updated_at`;

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
