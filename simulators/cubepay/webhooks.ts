import { createHash } from 'node:crypto';
import type { Faults } from '../kit/faults.js';
import { WebhookSender } from '../kit/webhooks.js';
import type { Account } from './accounts.js';
import { formatAmount } from './money.js';
import type { Transaction } from './transactions.js';

/** 004: "retry every five minutes, up to a maximum of 15 attempts". */
export const retryEveryMs = 5 * 60 * 1000;
export const maxAttempts = 15;
/** Not documented: how long Cube Pay waits for the merchant's answer. Modeled as 10 s. */
export const attemptTimeoutMs = 10_000;

/** 004's webhook body, keys in its order. */
export interface WebhookPayload {
  transaction_id: string;
  user_id: string;
  tracking_id: string;
  status: string;
  currency: string;
  /** Decimal string, "200.00". */
  amount: string;
  transaction_type: 'deposit' | 'withdrawal';
  provider: string | null;
  rejected_reason: string | null;
}

/**
 * x-signature: upper-case hex SHA-1 of `JSON.stringify(payload) + signaturePassword` (004's
 * Node sample). The simulator sends exactly `JSON.stringify(payload)` as the body, so the raw body
 * and the re-serialized payload are the same text.
 */
export function signWebhook(payload: unknown, signaturePassword: string): string {
  return signBody(JSON.stringify(payload), signaturePassword);
}

export function signBody(body: string, signaturePassword: string): string {
  return createHash('sha1').update(body + signaturePassword, 'utf8').digest('hex').toUpperCase();
}

export function webhookPayloadOf(transaction: Transaction): WebhookPayload {
  return {
    transaction_id: transaction.transactionId,
    user_id: transaction.userId,
    tracking_id: transaction.trackingId,
    status: transaction.status,
    currency: transaction.amount.currency,
    amount: formatAmount(transaction.amount),
    transaction_type: transaction.type,
    provider: transaction.provider?.name ?? null,
    rejected_reason: transaction.rejectedReason,
  };
}

export function createWebhookSender(faults: Faults, timeScale: number, now: () => number): WebhookSender {
  return new WebhookSender({
    retryScheduleMs: Array.from({ length: maxAttempts - 1 }, () => retryEveryMs),
    timeScale,
    attemptTimeoutMs,
    faults,
    now,
  });
}

/** Sends the signed status webhook of a transaction, to its own URL or the account's default. */
export function notifyStatus(sender: WebhookSender, account: Account, transaction: Transaction): void {
  const url = transaction.webhookUrl ?? account.defaultWebhookUrl;
  if (url === null) return;
  const payload = webhookPayloadOf(transaction);
  const body = JSON.stringify(payload);
  sender.send({
    reference: transaction.transactionId,
    event: transaction.status,
    url,
    headers: { 'content-type': 'application/json', 'x-signature': signBody(body, account.signaturePassword) },
    body,
  });
}
