import type { StepTransaction } from '../flows/flow-executor.js';
import type { StepReport } from '../flows/sandbox.js';
import type { TransactionStatus } from './status.js';
import type { StepOutcome } from './step-outcome.js';

/**
 * spec/001 step 3 has two answers: the script's envelope when the payer must be sent somewhere
 * (`data.data.data.navigation`), and a direct `{txnId, status, pspTxnId}` otherwise. Both also
 * carry the transaction id and status, which the spec's redirect example leaves the client to
 * dig out of `orderId`.
 */
export type CreatedTransactionResponse = RedirectResponse | DirectResponse;

interface RedirectResponse {
  success: true;
  data: { __type: 'success'; data: Record<string, unknown> };
  error: null;
  meta: StepReport['meta'];
  txnId: string;
  status: TransactionStatus;
}

interface DirectResponse {
  txnId: string;
  status: TransactionStatus;
  pspTxnId: string | null;
  orderId: string | null;
  txnAmount: string;
  txnCurrency: string;
  message: string | null;
  error: { message: string } | null;
  meta: StepReport['meta'];
}

export function createdResponse(
  transaction: StepTransaction,
  status: TransactionStatus,
  pspTxnId: string | null,
  report: StepReport,
  outcome: StepOutcome,
): CreatedTransactionResponse {
  if (outcome.kind === 'accepted' && outcome.navigation !== undefined) {
    return {
      success: true,
      data: { __type: 'success', data: { ...scriptData(report.value), navigation: outcome.navigation } },
      error: null,
      meta: report.meta,
      txnId: transaction.id,
      status,
    };
  }
  const failed = outcome.kind === 'refused' || outcome.kind === 'broken';
  return {
    txnId: transaction.id,
    status,
    pspTxnId,
    orderId: transaction.orderId,
    txnAmount: transaction.amount,
    txnCurrency: transaction.currency,
    message: failed ? null : (outcome.message ?? null),
    error: failed ? { message: outcome.message } : null,
    meta: report.meta,
  };
}

/**
 * A withdrawal stored to wait for an operator: the direct shape, honestly empty where a script
 * would have reported (no PSP id, no logs, no HTTP calls), and a message saying what comes next.
 */
export function awaitingApprovalResponse(transaction: StepTransaction): CreatedTransactionResponse {
  return {
    txnId: transaction.id,
    status: 'PENDING_FOR_APPROVAL',
    pspTxnId: null,
    orderId: transaction.orderId,
    txnAmount: transaction.amount,
    txnCurrency: transaction.currency,
    message: `Waiting for approval: POST /connxt/v2/transactions/${transaction.id}/approve or /reject`,
    error: null,
    meta: { logs: {}, http: {} },
  };
}

/** The data a success or redirect result carried (a redirect's url becomes navigation). */
function scriptData(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return {};
  const data = (value as { data?: unknown }).data;
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}

/** Response bodies over this size are not kept in step-run rows: a PSP page dump is not an audit trail. */
const maxStoredBodyChars = 16_384;

/** meta as stored: the same shape, with oversized HTTP bodies replaced by a note of their size. */
export function boundedMeta(meta: StepReport['meta']): StepReport['meta'] {
  const http: StepReport['meta']['http'] = {};
  for (const [index, exchange] of Object.entries(meta.http)) {
    http[index] = {
      ...exchange,
      request: { ...exchange.request, data: bounded(exchange.request.data) },
      response: exchange.response && { ...exchange.response, data: bounded(exchange.response.data) },
    };
  }
  return { logs: meta.logs, http };
}

function bounded(data: unknown): unknown {
  const text = typeof data === 'string' ? data : JSON.stringify(data ?? null);
  return text.length > maxStoredBodyChars ? `[${text.length} characters not stored]` : data;
}
