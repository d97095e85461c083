import type { WebhookSender } from '../kit/webhooks.js';
import type { Account } from './accounts.js';
import { callbackFieldOrder, sign, type SignType } from './signing.js';
import type { SticpayTransaction } from './transactions.js';

/**
 * Sticpay's retry schedule for callbacks is not public. Modeled: after a failed attempt, again
 * 1 min, 5 min, 15 min, 1 h and 6 h later (times timeScale), then given up; any 2xx ends it.
 */
export const callbackRetryScheduleMs: readonly number[] = [60_000, 300_000, 900_000, 3_600_000, 21_600_000];
/** How long the merchant's notify_url has to answer one attempt (modeled). */
export const callbackAttemptTimeoutMs = 10_000;

export type CallbackType = keyof typeof callbackFieldOrder;

/**
 * A callback body as Sticpay posts it: a form with one field `callback`, a JSON string
 * `{type, code, message, parameters}` whose `parameters` is itself a JSON string of the signed
 * order fields plus `sign`. Pure, so tests and drivers build (and forge) the same bytes.
 */
export function callbackBody(
  type: CallbackType,
  values: Readonly<Record<string, string>>,
  key: { apiKey: string; signType: SignType },
  message: string,
): string {
  const pairs = callbackFieldOrder[type].map((name): [string, string] => [name, values[name] ?? '']);
  const parameters = { ...Object.fromEntries(pairs), sign: sign(pairs, key.apiKey, key.signType) };
  // Modeled: `code` 200 on every notification; the outcome is `parameters.status`.
  const envelope = { type, code: 200, message, parameters: JSON.stringify(parameters) };
  return new URLSearchParams({ callback: JSON.stringify(envelope) }).toString();
}

/** Sends a transaction's callback to its notify_url, when it gave one. Refunds have none. */
export class CallbackNotifier {
  readonly #webhooks: WebhookSender;

  constructor(webhooks: WebhookSender) {
    this.#webhooks = webhooks;
  }

  notify(transaction: SticpayTransaction, account: Account): void {
    if (transaction.notifyUrl === undefined || transaction.type === 'refund') return;
    const values = {
      ...Object.fromEntries(transaction.signedFields),
      transaction_code: transaction.transactionCode,
      status: transaction.status,
    };
    const what = transaction.type === 'pay' ? 'Payment' : 'Withdrawal';
    const message = transaction.reason === undefined ? `${what} ${transaction.status}` : `${what} ${transaction.status}: ${transaction.reason}`;
    this.#webhooks.send({
      reference: transaction.orderId,
      event: `${transaction.type}.${transaction.status}`,
      url: transaction.notifyUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: callbackBody(transaction.type, values, account, message),
    });
  }
}
