import type { SimulatorOptions } from '../kit/simulator.js';
import { balanceOf, type Accounts } from './accounts.js';
import type { CallbackNotifier } from './callbacks.js';
import { errorCodes, SticpayError } from './errors.js';
import { payerOutcome, payoutOutcome } from './test-data.js';
import { newTransactionCode, type SticpayTransaction, type TransactionBook, type TransactionStatus } from './transactions.js';

/** A pay link is valid 5 minutes (public); scaled, but never under 10 s so a test payer can still reach it. */
export const payLinkValidityMs = 5 * 60_000;
const minimumPayLinkMs = 10_000;
/** Modeled: a payout settles 30 s after Sticpay accepts it (times timeScale). */
export const payoutSettleDelayMs = 30_000;

export type ControlResult = { changed: boolean } | { conflict: string };

export interface SettlementDeps {
  accounts: Accounts;
  book: TransactionBook;
  notifier: CallbackNotifier;
  options: SimulatorOptions;
}

/**
 * Every status change and the money that moves with it, in one place: a payment credits the
 * merchant's wallet when approved; a payout is debited when accepted and given back if rejected;
 * a refund is debited at once. Final outcomes of payments and payouts send the callback.
 */
export class Settlement {
  readonly #deps: SettlementDeps;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(deps: SettlementDeps) {
    this.#deps = deps;
  }

  /** When a pay link created now stops working; a timer ends the payment then if nobody paid. */
  startPayLink(payment: SticpayTransaction): void {
    const validity = Math.max(payLinkValidityMs * this.#deps.options.timeScale, minimumPayLinkMs);
    payment.expiresAt = this.#deps.options.now() + validity;
    this.#later(validity, () => this.expireIfDue(payment));
  }

  /** Checked lazily too (a test's clock may move without timers): true if the link has expired. */
  expireIfDue(payment: SticpayTransaction): boolean {
    if (payment.status !== 'pending' || payment.stage !== 'awaiting_payer') return false;
    if (payment.expiresAt === undefined || this.#deps.options.now() < payment.expiresAt) return false;
    this.#finish(payment, 'rejected', 'pay link expired');
    return true;
  }

  /** The payer pressed Pay on the pay page: the test data decides how the wallet answers. */
  payerPays(payment: SticpayTransaction, payerEmail: string): void {
    payment.counterparty = payerEmail;
    switch (payerOutcome(payment.amountMinor)) {
      case 'wallet_declined':
        this.#finish(payment, 'rejected', "insufficient funds in the payer's wallet");
        return;
      case 'in_review':
        payment.stage = 'in_review';
        payment.updatedAt = this.#deps.options.now();
        return;
      default:
        this.#finish(payment, 'approved', undefined);
    }
  }

  payerDeclines(payment: SticpayTransaction): void {
    this.#finish(payment, 'rejected', 'cancelled by the payer');
  }

  /** A payout was accepted (and debited): it settles after the modeled delay unless held by test data. */
  startPayout(payout: SticpayTransaction): void {
    const outcome = payoutOutcome(payout.amountMinor);
    if (outcome === 'held') return;
    this.#later(payoutSettleDelayMs * this.#deps.options.timeScale, () => {
      if (payout.status !== 'pending') return;
      if (outcome === 'rejected') this.#finish(payout, 'rejected', 'the payee account cannot receive funds');
      else this.#finish(payout, 'approved', undefined);
    });
  }

  /** Back office: approve a pending payment or payout. Approving an approved one changes nothing. */
  approve(transaction: SticpayTransaction): ControlResult {
    if (transaction.status === 'approved') return { changed: false };
    if (transaction.status === 'rejected' || transaction.type === 'refund') return { conflict: `the ${transaction.type} is ${transaction.status}` };
    this.#finish(transaction, 'approved', undefined);
    return { changed: true };
  }

  /** Back office: reject a pending payment or payout. */
  reject(transaction: SticpayTransaction, reason = 'rejected by Sticpay'): ControlResult {
    if (transaction.status === 'rejected') return { changed: false };
    if (transaction.status === 'approved' || transaction.type === 'refund') return { conflict: `the ${transaction.type} is ${transaction.status}` };
    this.#finish(transaction, 'rejected', reason);
    return { changed: true };
  }

  /** Back office: end a payment's pay link now, as if its 5 minutes were up. */
  expire(payment: SticpayTransaction): ControlResult {
    if (payment.type !== 'pay' || payment.status !== 'pending' || payment.stage !== 'awaiting_payer') {
      return { conflict: 'only a payment still waiting for its payer can expire' };
    }
    this.#finish(payment, 'rejected', 'pay link expired');
    return { changed: true };
  }

  /**
   * A full refund of an approved payment, settled at once (modeled: Sticpay's refund answer is not
   * public; its facts say only "full only"). Draws on the merchant's wallet.
   */
  refund(payment: SticpayTransaction): SticpayTransaction {
    if (payment.type !== 'pay' || payment.status !== 'approved' || payment.refundedBy !== undefined) {
      throw new SticpayError(errorCodes.notRefundable, 'Transaction is not refundable', [
        { field: 'transaction_code', defaultMessage: refusalReason(payment) },
      ]);
    }
    const account = this.#account(payment);
    if (balanceOf(account, payment.currency) < payment.amountMinor) {
      throw new SticpayError(errorCodes.insufficientBalanceForRefund, 'Insufficient balance');
    }
    account.balances.set(payment.currency, balanceOf(account, payment.currency) - payment.amountMinor);
    const now = this.#deps.options.now();
    const refund: SticpayTransaction = {
      transactionCode: newTransactionCode(),
      type: 'refund',
      merchantEmail: payment.merchantEmail,
      orderId: payment.orderId,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      status: 'approved',
      stage: undefined,
      reason: undefined,
      interfaceVersion: payment.interfaceVersion,
      signedFields: [],
      notifyUrl: undefined,
      returnUrl: undefined,
      payToken: undefined,
      expiresAt: undefined,
      counterparty: payment.counterparty,
      refundOf: payment.transactionCode,
      refundedBy: undefined,
      createdAt: now,
      updatedAt: now,
    };
    payment.refundedBy = refund.transactionCode;
    payment.updatedAt = now;
    this.#deps.book.add(refund);
    return refund;
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #finish(transaction: SticpayTransaction, status: Exclude<TransactionStatus, 'pending'>, reason: string | undefined): void {
    transaction.status = status;
    transaction.stage = undefined;
    transaction.reason = reason;
    transaction.updatedAt = this.#deps.options.now();
    const account = this.#account(transaction);
    const balance = balanceOf(account, transaction.currency);
    if (transaction.type === 'pay' && status === 'approved') account.balances.set(transaction.currency, balance + transaction.amountMinor);
    if (transaction.type === 'withdraw' && status === 'rejected') account.balances.set(transaction.currency, balance + transaction.amountMinor);
    this.#deps.notifier.notify(transaction, account);
  }

  #account(transaction: SticpayTransaction) {
    const account = this.#deps.accounts.get(transaction.merchantEmail);
    if (account === undefined) throw new Error(`no account ${transaction.merchantEmail}`);
    return account;
  }

  #later(delayMs: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, delayMs);
    this.#timers.add(timer);
  }
}

function refusalReason(transaction: SticpayTransaction): string {
  if (transaction.type !== 'pay') return `a ${transaction.type} cannot be refunded`;
  if (transaction.refundedBy !== undefined) return 'the payment is already refunded';
  return `the payment is ${transaction.status}`;
}
