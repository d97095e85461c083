import type { Account } from './accounts.js';
import { brCode } from './br-code.js';
import { walletBank, type Gateway } from './gateway.js';
import { newEndToEndId, newInternalCode, newPageToken, newPixTxid, newTransactionId } from './ids.js';
import { wireAmount } from './money.js';
import { Problem, type ProblemCode } from './problems.js';
import { qrPlaceholderPng } from './qr-image.js';

export type CashInStatus = 'AWAITING_PAYMENT' | 'PAID' | 'EXPIRED' | 'REFUNDED' | 'CANCELLED';
export const refundReasons = ['FRAUD', 'DUPLICATED_PAYMENT', 'CUSTOMER_REQUEST', 'MERCHANT_ERROR'] as const;
export type RefundReason = (typeof refundReasons)[number];

export interface BankData {
  ispb: string;
  bank: string;
  branch: string;
  account: string;
}

export interface CashInRequest {
  cents: number;
  externalReference: string;
  expirationInMinutes: number;
  webhookUrl: string | undefined;
  payer: { name: string; document: string };
  /** Present when the merchant asked for the OpenFinance flow; its fields are not public (modeled: redirectUrl). */
  openFinance: { redirectUrl: string | undefined } | undefined;
}

export interface CashIn extends Omit<CashInRequest, 'openFinance'> {
  account: Account;
  transactionId: string;
  internalCode: string;
  status: CashInStatus;
  pixTxid: string;
  copyAndPaste: string;
  qrCodeImageBase64: string;
  openFinance: { redirectUrl: string | undefined; pageToken: string; paymentUrl: string } | undefined;
  expiresAt: number;
  payerBank: BankData | undefined;
  endToEndId: string | undefined;
  originalEndToEndId: string | undefined;
  refund: { reason: RefundReason; description: string | undefined } | undefined;
  requestedAt: string;
  paidAt: string | undefined;
  refundedAt: string | undefined;
  expiredAt: string | undefined;
  cancelledAt: string | undefined;
}

/** Where a payer's bank fetches the charge, as it sits in the BR Code (tag 26, sub-tag 25, at most 77 characters). */
function payloadLocation(g: Gateway, txid: string): string {
  const own = `${g.publicBaseUrl.replace(/^https?:\/\//, '')}/pix/${txid}`;
  // A long public URL does not fit the BR Code; the code is still found by its exact text.
  return own.length <= 77 ? own : `pix.connectpsp.com/qr/v2/${txid}`;
}

/** The hosted consent page the payer is sent to; in production it would be the payer's bank. */
function openFinancePage(g: Gateway, redirectUrl: string | undefined) {
  const pageToken = newPageToken();
  return { redirectUrl, pageToken, paymentUrl: `${g.publicBaseUrl}/open-finance/${pageToken}` };
}

export function createCashIn(g: Gateway, account: Account, request: CashInRequest): CashIn {
  const transactionId = newTransactionId();
  const pixTxid = newPixTxid();
  const copyAndPaste = brCode({ location: payloadLocation(g, pixTxid), cents: request.cents, merchantName: account.merchantName, merchantCity: 'Sao Paulo' });
  const now = g.clock.now();
  const cashIn: CashIn = {
    ...request,
    account,
    transactionId,
    internalCode: newInternalCode(),
    status: 'AWAITING_PAYMENT',
    pixTxid,
    copyAndPaste,
    qrCodeImageBase64: qrPlaceholderPng(copyAndPaste),
    openFinance: request.openFinance && openFinancePage(g, request.openFinance.redirectUrl),
    expiresAt: now + request.expirationInMinutes * 60_000,
    payerBank: undefined,
    endToEndId: undefined,
    originalEndToEndId: undefined,
    refund: undefined,
    requestedAt: new Date(now).toISOString(),
    paidAt: undefined,
    refundedAt: undefined,
    expiredAt: undefined,
    cancelledAt: undefined,
  };
  g.ledger.addCashIn(cashIn);
  for (const name of [cashIn.internalCode, pixTxid, copyAndPaste, cashIn.openFinance?.pageToken]) {
    if (name !== undefined) g.ledger.alias(name, transactionId);
  }
  account.externalReferences.cashIn.add(request.externalReference);
  return cashIn;
}

/** Expiry is lazy: a charge past its time is EXPIRED whenever anyone looks at it. No event is sent (none is documented). */
export function refreshCashIn(g: Gateway, cashIn: CashIn): CashIn {
  if (cashIn.status === 'AWAITING_PAYMENT' && g.clock.now() >= cashIn.expiresAt) {
    cashIn.status = 'EXPIRED';
    cashIn.expiredAt = new Date(cashIn.expiresAt).toISOString();
  }
  return cashIn;
}

export type Change = { ok: true } | { ok: false; status: CashInStatus };

/** The payer's bank settled the charge: PAID, credited to the transactional balance, CASHIN_PAID sent. */
export function payCashIn(g: Gateway, cashIn: CashIn, payerBank: BankData): Change {
  refreshCashIn(g, cashIn);
  if (cashIn.status !== 'AWAITING_PAYMENT') return { ok: false, status: cashIn.status };
  cashIn.status = 'PAID';
  cashIn.paidAt = g.clock.iso();
  cashIn.payerBank = payerBank;
  cashIn.endToEndId = newEndToEndId('E', payerBank.ispb, g.clock.now());
  g.ledger.alias(cashIn.endToEndId, cashIn.transactionId);
  cashIn.account.balances.transactional += cashIn.cents;
  g.notifier.notify(cashIn.account, cashIn.webhookUrl, 'CASHIN_PAID', cashIn.transactionId, cashInView(cashIn));
  return { ok: true };
}

/** The payer refused the OpenFinance consent (modeled): the charge can no longer be paid. No event is documented for it. */
export function cancelCashIn(g: Gateway, cashIn: CashIn): Change {
  refreshCashIn(g, cashIn);
  if (cashIn.status !== 'AWAITING_PAYMENT') return { ok: false, status: cashIn.status };
  cashIn.status = 'CANCELLED';
  cashIn.cancelledAt = g.clock.iso();
  return { ok: true };
}

/** Back office: the charge expires now, as if its expirationInMinutes had passed. */
export function expireCashIn(g: Gateway, cashIn: CashIn): Change {
  refreshCashIn(g, cashIn);
  if (cashIn.status !== 'AWAITING_PAYMENT') return { ok: false, status: cashIn.status };
  cashIn.expiresAt = g.clock.now();
  refreshCashIn(g, cashIn);
  return { ok: true };
}

const notRefundable: Partial<Record<CashInStatus, [ProblemCode, string]>> = {
  AWAITING_PAYMENT: ['CASH_IN_NOT_PAID', 'Only PAID cash-ins can be refunded; this one is still awaiting payment.'],
  REFUNDED: ['CASH_IN_ALREADY_REFUNDED', 'This cash-in has already been refunded.'],
  EXPIRED: ['CASH_IN_EXPIRED', 'This cash-in expired unpaid and cannot be refunded.'],
  CANCELLED: ['CASH_IN_CANCELLED', 'This cash-in was cancelled and cannot be refunded.'],
};

/**
 * A full PIX devolution, sent to the network synchronously (spec/003): REFUNDED at once, a new
 * `D…` endToEndId, the amount debited from the transactional balance, CASHIN_REFUNDED sent.
 */
export function refundCashIn(g: Gateway, cashIn: CashIn, reason: RefundReason, description: string | undefined): CashIn {
  refreshCashIn(g, cashIn);
  const refusal = notRefundable[cashIn.status];
  if (refusal !== undefined) throw new Problem(422, ...refusal);
  if (cashIn.endToEndId === undefined) throw new Problem(422, 'MISSING_END_TO_END_ID', 'The payment has no endToEndId to return.');
  if (cashIn.account.balances.transactional < cashIn.cents) {
    throw new Problem(422, 'INSUFFICIENT_FUNDS', 'The transactional balance does not cover this refund.');
  }
  cashIn.account.balances.transactional -= cashIn.cents;
  cashIn.status = 'REFUNDED';
  cashIn.refundedAt = g.clock.iso();
  cashIn.refund = { reason, description };
  cashIn.originalEndToEndId = cashIn.endToEndId;
  cashIn.endToEndId = newEndToEndId('D', walletBank.ispb, g.clock.now());
  g.ledger.alias(cashIn.endToEndId, cashIn.transactionId);
  g.notifier.notify(cashIn.account, cashIn.webhookUrl, 'CASHIN_REFUNDED', cashIn.transactionId, cashInView(cashIn));
  return cashIn;
}

/** What `POST /cash-in` answers (201). */
export function createdCashInView(cashIn: CashIn) {
  return {
    transactionId: cashIn.transactionId,
    internalCode: cashIn.internalCode,
    externalReference: cashIn.externalReference,
    status: cashIn.status,
    amount: wireAmount(cashIn.cents),
    payer: { name: cashIn.payer.name, document: cashIn.payer.document },
    pixData: { copyAndPaste: cashIn.copyAndPaste, qrCodeImageBase64: cashIn.qrCodeImageBase64 },
    ...(cashIn.openFinance ? { paymentUrl: cashIn.openFinance.paymentUrl } : {}),
    requestedAt: cashIn.requestedAt,
  };
}

/** What `GET /cash-in/{id}` answers, and the `data` of CASHIN_* events. */
export function cashInView(cashIn: CashIn) {
  return {
    transactionId: cashIn.transactionId,
    internalCode: cashIn.internalCode,
    externalReference: cashIn.externalReference,
    status: cashIn.status,
    amount: wireAmount(cashIn.cents),
    expirationInMinutes: cashIn.expirationInMinutes,
    payer: { name: cashIn.payer.name, document: cashIn.payer.document, bankData: cashIn.payerBank ?? null },
    pixData: { copyAndPaste: cashIn.copyAndPaste, qrCodeImageBase64: cashIn.qrCodeImageBase64 },
    ...(cashIn.openFinance ? { paymentUrl: cashIn.openFinance.paymentUrl } : {}),
    endToEndId: cashIn.endToEndId ?? null,
    originalEndToEndId: cashIn.originalEndToEndId ?? null,
    refundReason: cashIn.refund?.reason ?? null,
    requestedAt: cashIn.requestedAt,
    paidAt: cashIn.paidAt ?? null,
    refundedAt: cashIn.refundedAt ?? null,
    expiredAt: cashIn.expiredAt ?? null,
    cancelledAt: cashIn.cancelledAt ?? null,
  };
}
