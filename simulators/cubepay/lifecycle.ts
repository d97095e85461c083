import type { WebhookSender } from '../kit/webhooks.js';
import type { Account } from './accounts.js';
import { providerOutcomeFor } from './test-data.js';
import { isFinal, type Stage, type Transaction, type TransactionStatus } from './transactions.js';
import { notifyStatus } from './webhooks.js';

/** Modeled: how long an approved payout takes to reach the payee, in Cube Pay's own time. */
export const payoutProcessingMs = 60_000;

/** Per account; the oldest transactions go first when a long demo run reaches it. */
const maxTransactionsPerAccount = 50_000;

export interface LifecycleOptions {
  sender: WebhookSender;
  timeScale: number;
  now: () => number;
}

/**
 * Every status change of every transaction goes through here, so that each one is recorded in
 * the history and notified by webhook exactly once (004: "every time the status changes").
 */
export class Lifecycle {
  readonly #options: LifecycleOptions;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(options: LifecycleOptions) {
    this.#options = options;
  }

  /**
   * Stores a new transaction. One created in a final state (an S2S card approved or declined at
   * once) notifies, since it went through processing to its result; one still waiting does not,
   * the merchant has just been answered.
   */
  open(account: Account, transaction: Transaction): void {
    if (account.transactions.size >= maxTransactionsPerAccount) {
      const oldest = account.transactions.values().next().value;
      if (oldest !== undefined) {
        account.transactions.delete(oldest.transactionId);
        account.byTrackingId.delete(oldest.trackingId);
      }
    }
    transaction.history.push(this.#change(transaction.status, transaction.stage, transaction.rejectedReason));
    account.transactions.set(transaction.transactionId, transaction);
    account.byTrackingId.set(transaction.trackingId, transaction.transactionId);
    if (isFinal(transaction)) notifyStatus(this.#options.sender, account, transaction);
  }

  /** Moves a non-final transaction; a final one never moves (returns false). */
  move(account: Account, transaction: Transaction, status: TransactionStatus, stage: Stage, rejectedReason: string | null = null): boolean {
    if (isFinal(transaction)) return false;
    const changed = transaction.status !== status;
    transaction.status = status;
    transaction.stage = status === 'successful' || status === 'rejected' ? 'done' : stage;
    transaction.rejectedReason = status === 'rejected' ? rejectedReason : null;
    transaction.history.push(this.#change(transaction.status, transaction.stage, transaction.rejectedReason));
    if (changed) notifyStatus(this.#options.sender, account, transaction);
    return true;
  }

  /** The payer paid (checkout page, 3DS, or a card authorized): the amount's test rule decides. */
  paid(account: Account, transaction: Transaction): void {
    const outcome = providerOutcomeFor(transaction.amount);
    if (outcome.status === 'rejected') this.move(account, transaction, 'rejected', 'done', outcome.reason);
    else if (outcome.status === 'pending') this.move(account, transaction, 'pending', 'provider');
    else this.move(account, transaction, 'successful', 'done');
  }

  /** An approved payout stays pending while it is processed, then the amount's test rule decides. */
  approvePayout(account: Account, transaction: Transaction): void {
    this.move(account, transaction, 'pending', 'processing');
    this.#later(payoutProcessingMs, () => {
      if (transaction.stage !== 'processing') return;
      const outcome = providerOutcomeFor(transaction.amount);
      if (outcome.status === 'rejected') this.move(account, transaction, 'rejected', 'done', outcome.reason);
      else if (outcome.status === 'successful') this.move(account, transaction, 'successful', 'done');
      // `pending`: stays processing until the control API settles or fails it.
    });
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #later(gatewayMs: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, gatewayMs * this.#options.timeScale);
    this.#timers.add(timer);
  }

  #change(status: TransactionStatus, stage: Stage, rejectedReason: string | null) {
    return { status, stage, rejectedReason, at: new Date(this.#options.now()).toISOString() };
  }
}
