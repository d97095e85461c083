import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Faults a test or a demo asks a simulator to inject, through `PUT /_sim/faults`. API faults apply
 * to the gateway's API routes only (never to hosted pages or the control API); webhook faults to
 * the next outgoing webhooks.
 */
export interface FaultPlan {
  /** Added to every API response. */
  latencyMs?: number;
  /** Consumed in order by matching API requests. */
  api?: ApiFault[];
  /** Consumed in order by outgoing webhook deliveries (first attempt of each). */
  webhooks?: WebhookFault[];
}

export interface ApiFault {
  /** `error`: answer `status` (default 500) with the gateway's error body; `timeout`: never answer. */
  fault: 'error' | 'timeout';
  status?: number;
  /** Only requests whose method and path (without the mount prefix) match, e.g. "POST /cash-in". */
  route?: string;
  /** How many matching requests it affects (default 1). */
  times?: number;
}

export interface WebhookFault {
  /** `drop`: never delivered (no attempts); `duplicate`: delivered twice; `delay`: held back by delayMs. */
  fault: 'drop' | 'duplicate' | 'delay';
  delayMs?: number;
  times?: number;
}

export type WebhookFaultKind = { kind: 'none' } | { kind: 'drop' } | { kind: 'duplicate' } | { kind: 'delay'; delayMs: number };

const maxFaults = 100;

export class Faults {
  #latencyMs = 0;
  #api: (ApiFault & { times: number })[] = [];
  #webhooks: (WebhookFault & { times: number })[] = [];
  /** API requests received per "METHOD /route", faulted or not: how tests see that a retry did not call again. */
  readonly #counts = new Map<string, number>();
  /** Sockets held open by `timeout` faults, destroyed on close so a server can stop. */
  readonly #held = new Set<FastifyReply>();

  set(plan: FaultPlan): void {
    this.#latencyMs = Math.max(0, Math.min(plan.latencyMs ?? 0, 60_000));
    this.#api = (plan.api ?? []).slice(0, maxFaults).map((f) => ({ ...f, times: f.times ?? 1 }));
    this.#webhooks = (plan.webhooks ?? []).slice(0, maxFaults).map((f) => ({ ...f, times: f.times ?? 1 }));
  }

  clear(): void {
    this.set({});
  }

  describe(): FaultPlan {
    return { latencyMs: this.#latencyMs, api: [...this.#api], webhooks: [...this.#webhooks] };
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
      const list = this.#api;
      const index = list.findIndex((f) => f.route === undefined || f.route === route);
      if (index < 0) return;
      const fault = list[index]!;
      fault.times -= 1;
      if (fault.times <= 0) list.splice(index, 1);
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

  /** The fault for the next outgoing webhook, consuming it. */
  nextWebhookFault(): WebhookFaultKind {
    const fault = this.#webhooks[0];
    if (fault === undefined) return { kind: 'none' };
    fault.times -= 1;
    if (fault.times <= 0) this.#webhooks.shift();
    if (fault.fault === 'delay') return { kind: 'delay', delayMs: Math.max(0, fault.delayMs ?? 1000) };
    return { kind: fault.fault };
  }

  /** Ends requests held by `timeout` faults. */
  releaseHeld(): void {
    for (const reply of this.#held) reply.raw.destroy();
    this.#held.clear();
  }
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
