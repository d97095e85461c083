import { Counter, Histogram, type Registry } from 'prom-client';

/** Why an attempt to deliver a merchant webhook failed: the answer's status class, or no answer. */
export type WebhookFailureReason = 'http_1xx' | 'http_3xx' | 'http_4xx' | 'http_5xx' | 'http_other' | 'network' | 'timeout';

/** From the first try (sub-second) to the end of the retries (about three days). */
const lagBuckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 6 * 3600, 24 * 3600, 72 * 3600];

/** Merchant webhook deliveries: how long after its event each arrived, and why attempts failed. */
export class WebhookMetrics {
  readonly #lag: Histogram;
  readonly #failures: Counter<'reason'>;

  constructor(registry: Registry) {
    this.#lag = new Histogram({
      name: 'connxt_webhook_delivery_lag_seconds',
      help: 'Time from a merchant event being written to its webhook being delivered (answered 2xx), retries included.',
      buckets: lagBuckets,
      registers: [registry],
    });
    this.#failures = new Counter({
      name: 'connxt_webhook_delivery_failures_total',
      help: 'Failed merchant webhook delivery attempts, by reason (http_4xx, http_5xx, …: the status class answered; network; timeout).',
      labelNames: ['reason'],
      registers: [registry],
    });
  }

  delivered(eventCreatedAt: Date, deliveredAt: Date): void {
    // A clock stepped back between the two must not make a negative lag.
    this.#lag.observe(Math.max(0, deliveredAt.getTime() - eventCreatedAt.getTime()) / 1000);
  }

  failed(reason: WebhookFailureReason): void {
    this.#failures.inc({ reason });
  }
}

/** A status answered (not 2xx) names its class; no answer was either a timeout or a network failure. */
export function webhookFailureReason(statusCode: number | null, timedOut: boolean): WebhookFailureReason {
  if (statusCode === null) return timedOut ? 'timeout' : 'network';
  switch (Math.floor(statusCode / 100)) {
    case 1:
      return 'http_1xx';
    case 3:
      return 'http_3xx';
    case 4:
      return 'http_4xx';
    case 5:
      return 'http_5xx';
    default:
      return 'http_other';
  }
}
