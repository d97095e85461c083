import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock.js';
import type { DeliveryJob } from '../jobs/job-queue.js';
import type { Logger } from '../logger.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import { webhookFailureReason } from '../metrics/webhook-metrics.js';
import type { CredentialCipher } from '../psps/credential-cipher.js';
import type { Db } from '../store/db.js';
import { readExcerpt } from './response-excerpt.js';
import { webhookSecretContext } from './webhook-secret.js';
import { sign, signatureHeaderName } from './webhook-signature.js';

export interface WebhookDelivererDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  cipher: CredentialCipher;
  /** Delivery lag and failed attempts are recorded here. */
  metrics: Pick<EngineMetrics, 'webhooks'>;
  /** How long one attempt may take, answer body excerpt included (default 10 s). */
  timeoutMs?: number;
}

export const defaultDeliveryTimeoutMs = 10_000;

interface DeliveryRow {
  body: string;
  type: string;
  event_created_at: Date;
  environment_id: string;
  url: string;
  enabled: boolean;
  deleted: boolean;
  secret: Buffer;
  previous_secret: Buffer | null;
  previous_secret_expires_at: Date | null;
}

interface Outcome {
  delivered: boolean;
  statusCode: number | null;
  /** No answer within the timeout (rather than a network failure). */
  timedOut: boolean;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
}

/**
 * Delivers one merchant event to one endpoint, signed, and logs the attempt.
 *
 * Skipped without sending (the job completes): an endpoint deleted or disabled by the time the
 * attempt runs — including deliveries queued before it was disabled, which are dropped, not
 * held — since a job cannot tell fan-out from redelivery. The admin API therefore refuses to
 * redeliver to a disabled endpoint instead of queuing a job that would be dropped here.
 */
export class WebhookDeliverer {
  readonly #deps: WebhookDelivererDeps;

  constructor(deps: WebhookDelivererDeps) {
    this.#deps = deps;
  }

  /** Resolves when delivered (or nothing is left to deliver); throws so that the queue retries. */
  async deliver(job: DeliveryJob): Promise<void> {
    const { metrics } = this.#deps;
    const logger = this.#deps.logger.child({ txnId: job.transactionId });
    const target = await this.#load(job);
    const context = { eventId: job.eventId, endpointId: job.endpointId, attempt: job.attempt };
    if (target === undefined) {
      logger.warn(context, 'webhook delivery dropped: its event or endpoint does not exist');
      return;
    }
    if (target.deleted || !target.enabled) {
      logger.info({ ...context, reason: target.deleted ? 'deleted' : 'disabled' }, 'webhook delivery skipped');
      return;
    }
    const outcome = await this.#post(job, target, await this.#secrets(job.endpointId, target));
    await this.#record(job, outcome);
    if (outcome.delivered) metrics.webhooks.delivered(target.event_created_at, this.#deps.clock.now());
    else metrics.webhooks.failed(webhookFailureReason(outcome.statusCode, outcome.timedOut));
    // The URL may name the merchant's internals and the headers carry the signature: neither is logged.
    logger.info(
      { ...context, delivered: outcome.delivered, statusCode: outcome.statusCode, latencyMs: outcome.latencyMs, error: outcome.error },
      'webhook delivery attempt',
    );
    if (outcome.delivered) return;
    if (job.lastAttempt) logger.warn(context, 'webhook delivery failed on its last attempt; no more retries');
    throw new Error(outcome.error ?? `webhook endpoint answered ${outcome.statusCode}`);
  }

  async #load(job: DeliveryJob): Promise<DeliveryRow | undefined> {
    const { rows } = await this.#deps.db.query<DeliveryRow>(
      `SELECT ev.payload::text AS body, ev.type, ev.created_at AS event_created_at, ev.environment_id, e.url, e.enabled, e.deleted_at IS NOT NULL AS deleted,
              e.secret, e.previous_secret, e.previous_secret_expires_at
         FROM merchant_events ev
         JOIN webhook_endpoints e ON e.id = $2 AND e.environment_id = ev.environment_id
        WHERE ev.id = $1`,
      [job.eventId, job.endpointId],
    );
    return rows[0];
  }

  /** The current secret, then the previous one while its rotation grace lasts. */
  async #secrets(endpointId: string, row: DeliveryRow): Promise<string[]> {
    const open = async (sealed: Buffer) =>
      String(await this.#deps.cipher.openJson(row.environment_id, webhookSecretContext(endpointId), sealed));
    const secrets = [await open(row.secret)];
    const now = this.#deps.clock.now();
    if (row.previous_secret !== null && row.previous_secret_expires_at !== null && row.previous_secret_expires_at > now) {
      secrets.push(await open(row.previous_secret));
    }
    return secrets;
  }

  /** One POST; redirects are not followed (a 3xx is an answer, and not a 2xx), nothing is thrown. */
  async #post(job: DeliveryJob, target: DeliveryRow, secrets: string[]): Promise<Outcome> {
    const timeoutMs = this.#deps.timeoutMs ?? defaultDeliveryTimeoutMs;
    const timestamp = Math.floor(this.#deps.clock.now().getTime() / 1000);
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        redirect: 'manual',
        signal: abort.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Connxt-Webhooks/1',
          [signatureHeaderName]: sign(target.body, secrets, timestamp),
          'connxt-event-id': job.eventId,
          'connxt-event-type': target.type,
          'connxt-delivery-attempt': String(job.attempt),
        },
        body: target.body,
      });
      // The status decides; an answer body that stalls past the timeout only loses its excerpt.
      const responseExcerpt = await readExcerpt(response.body).catch(() => null);
      const delivered = response.status >= 200 && response.status < 300;
      return { delivered, statusCode: response.status, timedOut: false, latencyMs: elapsed(), responseExcerpt, error: null };
    } catch (err) {
      const timedOut = abort.signal.aborted;
      const error = timedOut ? `timed out after ${timeoutMs} ms` : networkError(err);
      return { delivered: false, statusCode: null, timedOut, latencyMs: elapsed(), responseExcerpt: null, error };
    } finally {
      clearTimeout(timer);
    }
  }

  async #record(job: DeliveryJob, outcome: Outcome): Promise<void> {
    await this.#deps.db.query(
      `INSERT INTO webhook_delivery_attempts
         (event_id, endpoint_id, attempt, delivered, status_code, latency_ms, response_excerpt, error, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        job.eventId,
        job.endpointId,
        job.attempt,
        outcome.delivered,
        outcome.statusCode,
        outcome.latencyMs,
        outcome.responseExcerpt,
        outcome.error,
        this.#deps.clock.now(),
      ],
    );
  }
}

/** fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a DNS failure, a TLS error). */
function networkError(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  const text = code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
  return text.slice(0, 500) || 'network error';
}
