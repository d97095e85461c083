import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookSender } from '../kit/webhooks.js';
import type { Account } from './accounts.js';
import type { SimClock } from './clock.js';

export type EventType = 'CASHIN_PAID' | 'CASHIN_REFUNDED' | 'CASHOUT_COMPLETED' | 'CASHOUT_FAILED' | 'CASHOUT_REFUNDED';

/**
 * "Failures are retried with exponential backoff" (PSP-FACTS.md); the exact schedule is not
 * public. Modeled: eight retries after 30 s, 1, 2, 4, 8, 16, 32 and 64 min (about 2 h in all),
 * each delay scaled by the simulator's timeScale.
 */
export const retryScheduleMs: readonly number[] = [30, 60, 120, 240, 480, 960, 1920, 3840].map((seconds) => seconds * 1000);

/** The receiver must answer 200 within 5 s. */
export const attemptTimeoutMs = 5_000;

/** X-Connect-Signature: HMAC-SHA256 of the raw body, key = the account's CryptoToken, lower-case hex. */
export function webhookSignature(cryptoToken: string, rawBody: string): string {
  return createHmac('sha256', cryptoToken).update(rawBody).digest('hex');
}

/** Sends ConnectPSP events: `{eventType, eventAt, data}` where data mirrors the GET resource. */
export class Notifier {
  readonly #sender: WebhookSender;
  readonly #clock: SimClock;

  constructor(sender: WebhookSender, clock: SimClock) {
    this.#sender = sender;
    this.#clock = clock;
  }

  /** No URL (none given on the resource) means no webhook, as with the real gateway. */
  notify(account: Account, url: string | undefined, eventType: EventType, reference: string, data: unknown): void {
    if (url === undefined) return;
    const body = JSON.stringify({ eventType, eventAt: this.#clock.iso(), data });
    this.#sender.send({
      reference,
      event: eventType,
      url,
      headers: { 'content-type': 'application/json', 'x-connect-signature': webhookSignature(account.cryptoToken, body) },
      body,
      // A new X-Event-Id for every attempt, as documented: receivers cannot dedupe on it.
      perAttemptHeaders: () => ({ 'x-event-id': randomUUID() }),
    });
  }
}
