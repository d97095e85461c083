import { createHmac } from 'node:crypto';
import type { Faults } from '../kit/faults.js';
import { WebhookSender } from '../kit/webhooks.js';
import { paymentResult } from './payment-view.js';
import type { Payment } from './payments.js';

/**
 * Paymaxis posts the payment (the same object as `result`) to its `webhookUrl` when it reaches a
 * final state, with a `Signature` header: HMAC-SHA256 of the raw body. Two parts of that are not
 * public and are modeled: the encoding (lower-case hex) and the key (the shop API key, the only
 * secret a shop's credential holds here).
 */
export function webhookSignature(body: string, apiKey: string): string {
  return createHmac('sha256', apiKey).update(body, 'utf8').digest('hex');
}

/**
 * Paymaxis's retry schedule is not public. Modeled: a non-2xx answer or no answer within 10 s is
 * retried after 1 min, 5 min, 15 min, 1 h, 6 h and 24 h (7 attempts over about 31 hours).
 */
export const retryScheduleMs = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000, 6 * 60 * 60_000, 24 * 60 * 60_000] as const;
export const attemptTimeoutMs = 10_000;

export interface PaymentWebhooksOptions {
  faults: Faults;
  timeScale: number;
  now: () => number;
  publicBaseUrl: string;
}

/** Builds, signs and sends the webhook of a payment that reached a final state. */
export class PaymentWebhooks {
  readonly sender: WebhookSender;
  readonly #publicBaseUrl: string;

  constructor(options: PaymentWebhooksOptions) {
    this.#publicBaseUrl = options.publicBaseUrl;
    this.sender = new WebhookSender({
      retryScheduleMs,
      timeScale: options.timeScale,
      attemptTimeoutMs,
      faults: options.faults,
      now: options.now,
    });
  }

  paymentReachedFinalState(payment: Payment): void {
    if (payment.webhookUrl === undefined) return;
    const body = JSON.stringify(paymentResult(payment, this.#publicBaseUrl));
    this.sender.send({
      reference: payment.id,
      // Paymaxis names no events; the log labels each webhook with the state it reports.
      event: payment.state,
      url: payment.webhookUrl,
      headers: { 'content-type': 'application/json', signature: webhookSignature(body, payment.shop.apiKey) },
      body,
    });
  }

  close(): void {
    this.sender.close();
  }
}
