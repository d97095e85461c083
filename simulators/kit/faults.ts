import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomSeed, seededRandom } from './random.js';

/**
 * Faults a test or a demo asks a simulator to inject, through `PUT /_sim/faults`. API faults apply
 * to the gateway's API routes only (never to hosted pages or the control API); webhook faults to
 * the outgoing webhooks.
 *
 * A fault without `rate` is consumed in order: it affects the next `times` matching requests (or
 * webhooks). A fault with `rate` (0 to 1) is standing: it is never used up, and each matching
 * request (or webhook) that no in-order fault took is affected with that probability. The draws
 * come from a generator seeded with `seed`, so the same plan and the same traffic inject the same
 * faults (a soak test repeats a run this way).
 */
export interface FaultPlan {
  /** Added to every API response. */
  latencyMs?: number;
  /** API faults: in-order ones first, then standing ones (with `rate`). */
  api?: ApiFault[];
  /** Webhook faults, applied to the first attempt of each outgoing webhook. */
  webhooks?: WebhookFault[];
  /** Seeds the random draws (standing faults, delay ranges); a random seed when omitted. */
  seed?: number;
}

export interface ApiFault {
  /** `error`: answer `status` (default 500) with the gateway's error body; `timeout`: never answer. */
  fault: 'error' | 'timeout';
  status?: number;
  /** Only requests whose method and path (without the mount prefix) match, e.g. "POST /cash-in". */
  route?: string;
  /** How many matching requests it affects (default 1); ignored when `rate` is set. */
  times?: number;
  /** Standing fault: the probability (0 to 1) that each matching request is affected. */
  rate?: number;
}

export interface WebhookFault {
  /**
   * `drop`: never delivered (no attempts); `duplicate`: delivered twice at once; `delay`: held back
   * by delayMs, so that a later webhook about the same payment may arrive first; `replay`: delivered,
   * then sent once more delayMs later, as a gateway re-sending an old event does.
   */
  fault: 'drop' | 'duplicate' | 'delay' | 'replay';
  /** For `delay` and `replay` (default 1000). */
  delayMs?: number;
  /** When set, each delay is drawn between delayMs and maxDelayMs. */
  maxDelayMs?: number;
  /** How many webhooks it affects (default 1); ignored when `rate` is set. */
  times?: number;
  /** Standing fault: the probability (0 to 1) that each webhook is affected. */
  rate?: number;
}

export type WebhookFaultKind =
  | { kind: 'none' }
  | { kind: 'drop' }
  | { kind: 'duplicate' }
  | { kind: 'delay'; delayMs: number }
  | { kind: 'replay'; delayMs: number };

/** How many faults of each kind were injected since the simulator started. */
export type InjectedCounts = Record<ApiFault['fault'] | WebhookFault['fault'], number>;

const maxFaults = 100;
const maxDelayMs = 10 * 60_000;

type Planned<F> = F & { times: number };

export class Faults {
  #latencyMs = 0;
  #api: Planned<ApiFault>[] = [];
  #webhooks: Planned<WebhookFault>[] = [];
  #seed = randomSeed();
  #random = seededRandom(this.#seed);
  readonly #injected: InjectedCounts = { error: 0, timeout: 0, drop: 0, duplicate: 0, delay: 0, replay: 0 };
  /** API requests received per "METHOD /route", faulted or not: how tests see that a retry did not call again. */
  readonly #counts = new Map<string, number>();
  /** Sockets held open by `timeout` faults, destroyed on close so a server can stop. */
  readonly #held = new Set<FastifyReply>();

  set(plan: FaultPlan): void {
    this.#latencyMs = Math.max(0, Math.min(plan.latencyMs ?? 0, 60_000));
    this.#api = planned(plan.api);
    this.#webhooks = planned(plan.webhooks);
    this.#seed = typeof plan.seed === 'number' && Number.isFinite(plan.seed) ? plan.seed : randomSeed();
    this.#random = seededRandom(this.#seed);
  }

  clear(): void {
    this.set({});
  }

  describe(): FaultPlan {
    return { latencyMs: this.#latencyMs, api: [...this.#api], webhooks: [...this.#webhooks], seed: this.#seed };
  }

  /** Every fault injected so far, by kind; a new plan does not reset them. */
  injected(): InjectedCounts {
    return { ...this.#injected };
  }

  /**
   * An onRequest hook for a gateway's API routes. `routeOf` gives "METHOD /path" without the mount
   * prefix; `errorBody` shapes the gateway's own error body for an injected status.
   */
  apiHook(routeOf: (request: FastifyRequest) => string, errorBody: (status: number) => unknown) {
    return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      if (this.#latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#latencyMs));
      const route = routeOf(request);
      this.#counts.set(route, (this.#counts.get(route) ?? 0) + 1);
      const fault = this.#take(this.#api, (f) => f.route === undefined || f.route === route);
      if (fault === undefined) return;
      this.#injected[fault.fault] += 1;
      if (fault.fault === 'timeout') {
        // Never answered: the caller's own timeout decides. Held until the server closes.
        this.#held.add(reply);
        reply.raw.on('close', () => this.#held.delete(reply));
        await reply.hijack();
        return;
      }
      const status = fault.status ?? 500;
      await reply.code(status).send(errorBody(status));
    };
  }

  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** The fault for the next outgoing webhook, consuming it if it is an in-order one. */
  nextWebhookFault(): WebhookFaultKind {
    const fault = this.#take(this.#webhooks, () => true);
    if (fault === undefined) return { kind: 'none' };
    this.#injected[fault.fault] += 1;
    if (fault.fault === 'delay' || fault.fault === 'replay') return { kind: fault.fault, delayMs: this.#delayOf(fault) };
    return { kind: fault.fault };
  }

  /** Ends requests held by `timeout` faults. */
  releaseHeld(): void {
    for (const reply of this.#held) reply.raw.destroy();
    this.#held.clear();
  }

  /** The first matching in-order fault (used up by one), else a standing one whose draw hits. */
  #take<F extends { rate?: number }>(list: Planned<F>[], matches: (fault: F) => boolean): F | undefined {
    const index = list.findIndex((f) => f.rate === undefined && matches(f));
    if (index >= 0) {
      const fault = list[index]!;
      fault.times -= 1;
      if (fault.times <= 0) list.splice(index, 1);
      return fault;
    }
    // Every standing fault draws, hit or not, so one fault's draws do not depend on another's.
    let hit: F | undefined;
    for (const fault of list) {
      if (fault.rate === undefined || !matches(fault)) continue;
      if (this.#random() < fault.rate && hit === undefined) hit = fault;
    }
    return hit;
  }

  #delayOf(fault: WebhookFault): number {
    const low = clamp(fault.delayMs ?? 1000, 0, maxDelayMs);
    const high = clamp(fault.maxDelayMs ?? low, low, maxDelayMs);
    return Math.round(low + (high - low) * this.#random());
  }
}

function planned<F extends { times?: number; rate?: number }>(faults: F[] | undefined): Planned<F>[] {
  return (faults ?? []).slice(0, maxFaults).map((f) => {
    const { rate, ...rest } = f;
    const standing = typeof rate === 'number' && Number.isFinite(rate) ? { rate: clamp(rate, 0, 1) } : {};
    return { ...rest, ...standing, times: f.times ?? 1 } as Planned<F>;
  });
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * "METHOD /route/:param" of a request without the plugin's mount prefix, the name fault plans
 * and request counts use ("POST /cash-in", "GET /cash-in/:id").
 */
export function routeKeyFor(mountPrefix: string) {
  return (request: FastifyRequest): string => {
    const template = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
    const path = template.startsWith(mountPrefix) ? template.slice(mountPrefix.length) : template;
    return `${request.method} ${path === '' ? '/' : path}`;
  };
}
