import { randomUUID } from 'node:crypto';
import type { Faults } from './faults.js';

/** One webhook a gateway sends, with every attempt to deliver it. */
export interface WebhookRecord {
  id: string;
  /** What it is about (the gateway's payment id), to find it from tests. */
  reference: string;
  /** The gateway's event name, when it has one (CASHIN_PAID, ...). */
  event: string | undefined;
  url: string;
  headers: Record<string, string>;
  body: string;
  createdAt: string;
  attempts: WebhookAttempt[];
  delivered: boolean;
  /** True once every attempt of the schedule failed, or a fault dropped it. */
  abandoned: boolean;
}

export interface WebhookAttempt {
  at: string;
  /** HTTP status of the receiver's answer; null when it did not answer (refused, timed out). */
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookSenderOptions {
  /** Delays before attempt 2, 3, ... in the gateway's own milliseconds (scaled by timeScale). */
  retryScheduleMs: readonly number[];
  timeScale: number;
  /** How long the receiver has to answer one attempt (ConnectPSP: 5 s). */
  attemptTimeoutMs: number;
  faults: Faults;
  now: () => number;
}

export interface WebhookToSend {
  reference: string;
  event?: string;
  url: string;
  /** Header names in lower case; content-type included. */
  headers: Record<string, string>;
  /** Exactly the bytes sent, so that signatures over the raw body can be checked. */
  body: string;
  /** Recomputes headers for each attempt (ConnectPSP: a new X-Event-Id per attempt). */
  perAttemptHeaders?: () => Record<string, string>;
}

const maxRecords = 5_000;

type SenderRecord = WebhookRecord & { perAttemptHeaders?: () => Record<string, string>; order: number };

/**
 * Delivers a gateway's webhooks on its retry schedule, applying injected faults, and keeps a log
 * that the control API shows and can resend from. A 2xx answer ends the schedule.
 */
export class WebhookSender {
  readonly #options: WebhookSenderOptions;
  readonly #records = new Map<string, SenderRecord>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;
  /** Webhooks created so far: each record's place in that order. */
  #created = 0;
  /** Per reference, the newest webhook (by creation order) whose first attempt has gone out. */
  readonly #newestSent = new Map<string, number>();
  #outOfOrder = 0;

  constructor(options: WebhookSenderOptions) {
    this.#options = options;
  }

  send(webhook: WebhookToSend): WebhookRecord {
    this.#created += 1;
    const record: SenderRecord = {
      id: randomUUID(),
      reference: webhook.reference,
      event: webhook.event,
      url: webhook.url,
      headers: webhook.headers,
      body: webhook.body,
      createdAt: new Date(this.#options.now()).toISOString(),
      attempts: [],
      delivered: false,
      abandoned: false,
      order: this.#created,
      ...(webhook.perAttemptHeaders ? { perAttemptHeaders: webhook.perAttemptHeaders } : {}),
    };
    this.#remember(record);
    const fault = this.#options.faults.nextWebhookFault();
    switch (fault.kind) {
      case 'drop':
        record.abandoned = true;
        break;
      case 'duplicate':
        this.#schedule(record, 0, 0);
        this.#schedule(record, 0, 0, true);
        break;
      case 'delay':
        this.#schedule(record, 0, fault.delayMs);
        break;
      case 'replay':
        this.#schedule(record, 0, 0);
        this.#schedule(record, 0, fault.delayMs, true);
        break;
      default:
        this.#schedule(record, 0, 0);
    }
    return record;
  }

  /** Sends a logged webhook again, once, as the gateway's back office "resend" does. */
  resend(id: string): WebhookRecord | undefined {
    const record = this.#records.get(id);
    if (record === undefined) return undefined;
    this.#schedule(record, 0, 0, true);
    return record;
  }

  list(reference?: string): WebhookRecord[] {
    const all = [...this.#records.values()];
    return (reference === undefined ? all : all.filter((r) => r.reference === reference)).map(publicRecord);
  }

  get(id: string): WebhookRecord | undefined {
    const record = this.#records.get(id);
    return record && publicRecord(record);
  }

  /**
   * Webhooks whose first attempt went out after that of a webhook created later about the same
   * reference: a later status reached the receiver before an earlier one.
   */
  get outOfOrder(): number {
    return this.#outOfOrder;
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #remember(record: SenderRecord): void {
    if (this.#records.size >= maxRecords) this.#records.delete(this.#records.keys().next().value!);
    this.#records.set(record.id, record);
  }

  #noteFirstAttempt(record: SenderRecord): void {
    const newest = this.#newestSent.get(record.reference);
    if (newest !== undefined && newest > record.order) {
      this.#outOfOrder += 1;
      return;
    }
    if (newest === undefined && this.#newestSent.size >= maxRecords) this.#newestSent.delete(this.#newestSent.keys().next().value!);
    this.#newestSent.set(record.reference, record.order);
  }

  /** `once`: a single extra delivery (duplicate, replay, resend) that does not retry on failure. */
  #schedule(record: SenderRecord, attempt: number, delayMs: number, once = false): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.#attempt(record, attempt, once);
    }, delayMs);
    this.#timers.add(timer);
  }

  async #attempt(record: SenderRecord, attempt: number, once: boolean): Promise<void> {
    if (this.#closed) return;
    if (attempt === 0 && !once) this.#noteFirstAttempt(record);
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(record.url, {
        method: 'POST',
        headers: { ...record.headers, ...(record.perAttemptHeaders?.() ?? {}) },
        body: record.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#options.attemptTimeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    record.attempts.push({
      at: new Date(this.#options.now()).toISOString(),
      status,
      error,
      durationMs: Math.round(performance.now() - started),
    });
    if (status !== null && status >= 200 && status < 300) {
      record.delivered = true;
      return;
    }
    if (once) return;
    const nextDelay = this.#options.retryScheduleMs[attempt];
    if (nextDelay === undefined) {
      record.abandoned = !record.delivered;
      return;
    }
    this.#schedule(record, attempt + 1, nextDelay * this.#options.timeScale);
  }
}

function publicRecord(record: SenderRecord): WebhookRecord {
  const { perAttemptHeaders: _ignored, order: _order, ...rest } = record;
  return { ...rest, attempts: [...rest.attempts] };
}
