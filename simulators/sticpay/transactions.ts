import { randomBytes, randomInt } from 'node:crypto';
import { formatAmount } from './money.js';
import type { InterfaceVersion } from './request-fields.js';

export type TransactionType = 'pay' | 'withdraw' | 'refund';
/** Sticpay's own status words, the ones the detail call answers. */
export type TransactionStatus = 'pending' | 'approved' | 'rejected';

/**
 * Where a pending payment stands, which Sticpay's status does not tell: waiting for the payer on
 * the pay page, or paid and held for review (test data). Payouts are `processing` until settled.
 */
export type PendingStage = 'awaiting_payer' | 'in_review' | 'processing';

export interface SticpayTransaction {
  /** Sticpay's id for it, unique across the gateway. */
  transactionCode: string;
  type: TransactionType;
  merchantEmail: string;
  /** The merchant's order number (pay: order_no, withdraw: order_id); a refund carries its payment's. */
  orderId: string;
  amountMinor: bigint;
  currency: string;
  status: TransactionStatus;
  stage: PendingStage | undefined;
  /** Why it ended as it did, shown in detail and on the control API. */
  reason: string | undefined;
  interfaceVersion: InterfaceVersion;
  /** The creating request's signed fields as received, in order: the callback is signed over them. */
  signedFields: [string, string][];
  notifyUrl: string | undefined;
  returnUrl: string | undefined;
  /** pay: the pay page token and when the link stops working. */
  payToken: string | undefined;
  expiresAt: number | undefined;
  /** pay: the Sticpay account that paid; withdraw: the account paid out to. */
  counterparty: string | undefined;
  /** refund: the payment it refunds; pay: the refund that refunded it. */
  refundOf: string | undefined;
  refundedBy: string | undefined;
  createdAt: number;
  updatedAt: number;
}

/** The whole gateway's transactions, found by code, by merchant order number, by pay-page token. */
export class TransactionBook {
  readonly #byCode = new Map<string, SticpayTransaction>();
  readonly #byOrder = new Map<string, SticpayTransaction>();
  readonly #byToken = new Map<string, SticpayTransaction>();

  add(transaction: SticpayTransaction): void {
    this.#byCode.set(transaction.transactionCode, transaction);
    // A refund shares its payment's order number: the order stays the payment.
    if (transaction.type !== 'refund') this.#byOrder.set(orderKey(transaction.merchantEmail, transaction.orderId), transaction);
    if (transaction.payToken !== undefined) this.#byToken.set(transaction.payToken, transaction);
  }

  byCode(code: string): SticpayTransaction | undefined {
    return this.#byCode.get(code);
  }

  byOrder(merchantEmail: string, orderId: string): SticpayTransaction | undefined {
    return this.#byOrder.get(orderKey(merchantEmail, orderId));
  }

  byToken(token: string): SticpayTransaction | undefined {
    return this.#byToken.get(token);
  }

  /** For the control API: a transaction code, or an order number (of any merchant, or of `merchantEmail`). */
  find(reference: string, merchantEmail?: string): SticpayTransaction[] {
    const byCode = this.#byCode.get(reference);
    if (byCode !== undefined) return [byCode];
    return [...this.#byOrder.values()].filter(
      (t) => t.orderId === reference && (merchantEmail === undefined || t.merchantEmail === merchantEmail.toLowerCase()),
    );
  }

  list(merchantEmail?: string): SticpayTransaction[] {
    const all = [...this.#byCode.values()];
    return merchantEmail === undefined ? all : all.filter((t) => t.merchantEmail === merchantEmail.toLowerCase());
  }
}

function orderKey(merchantEmail: string, orderId: string): string {
  return `${merchantEmail.toLowerCase()}\n${orderId}`;
}

/** Modeled: Sticpay's transaction codes are not public in form; here "ST" and 16 digits. */
export function newTransactionCode(): string {
  let digits = '';
  for (let i = 0; i < 16; i += 1) digits += String(randomInt(10));
  return `ST${digits}`;
}

export function newPayToken(): string {
  return randomBytes(30).toString('hex');
}

/** Modeled timestamp format, the same as the requests': UTC "YYYY-MM-DD HH:mm:ss". */
export function sticpayTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** What `POST /rest_transaction/detail` answers for a transaction (after `success: true`). */
export function detailView(transaction: SticpayTransaction): Record<string, unknown> {
  return {
    type: transaction.type,
    status: transaction.status,
    transaction_code: transaction.transactionCode,
    order_id: transaction.orderId,
    amount: formatAmount(transaction.amountMinor, transaction.currency),
    currency: transaction.currency,
    interface_version: transaction.interfaceVersion,
    ...(transaction.reason === undefined ? {} : { message: transaction.reason }),
    ...(transaction.type === 'pay' && transaction.counterparty !== undefined ? { payer: transaction.counterparty } : {}),
    ...(transaction.type === 'withdraw' ? { customer: transaction.counterparty } : {}),
    ...(transaction.refundOf === undefined ? {} : { original_transaction_code: transaction.refundOf }),
    ...(transaction.type === 'pay' ? { refunded: transaction.refundedBy !== undefined } : {}),
    created_at: sticpayTime(transaction.createdAt),
    updated_at: sticpayTime(transaction.updatedAt),
  };
}

/** The control API's view: detail plus what only the simulator knows. */
export function controlView(transaction: SticpayTransaction): Record<string, unknown> {
  return {
    ...detailView(transaction),
    merchant: transaction.merchantEmail,
    stage: transaction.stage ?? null,
    expires_at: transaction.expiresAt === undefined ? null : new Date(transaction.expiresAt).toISOString(),
    refunded_by: transaction.refundedBy ?? null,
  };
}
