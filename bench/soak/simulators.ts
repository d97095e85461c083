import Fastify, { type FastifyInstance } from 'fastify';
import { simulatorHostMap, simulators, simulatorsPlugin } from '../../simulators/index.js';
import type { FaultPlan, InjectedCounts } from '../../simulators/kit/faults.js';
import { defaultSimulatorOptions } from '../../simulators/kit/simulator.js';
import type { SimulatorClient } from '../../test/conformance/driver.js';
import { freePort } from '../../test/helpers/free-port.js';
import { simulatorClient } from '../../test/conformance/harness.js';

/** Fault rates of the soak: how often each gateway misbehaves, per API call or per webhook. */
export interface FaultRates {
  apiError: number;
  apiTimeout: number;
  webhookDrop: number;
  webhookDuplicate: number;
  /** Held back so that a later webhook about the same payment may arrive first. */
  webhookDelay: number;
  /** Delivered, then sent again much later. */
  webhookReplay: number;
  /** How late a replay comes: from replayAfterMs to twice that. */
  replayAfterMs: number;
}

export const defaultFaultRates: FaultRates = {
  apiError: 0.03,
  apiTimeout: 0.003,
  webhookDrop: 0.04,
  webhookDuplicate: 0.05,
  webhookDelay: 0.08,
  webhookReplay: 0.04,
  replayAfterMs: 10_000,
};

export interface FaultCounts extends InjectedCounts {
  /** Not a fault itself: webhooks that reached the engine after a later one about the same payment. */
  outOfOrder: number;
}

/**
 * The four gateway simulators, served by the soak driver itself on one loopback port. They hold
 * the gateways' state in memory, so they must outlive every engine kill: a webhook they could not
 * deliver while the engine was down is retried on the gateway's schedule, and a status check
 * after the restart finds the payment. Everything between them and the engine is real HTTP.
 */
export class SoakSimulators {
  readonly baseUrl: string;
  readonly hostMap: Record<string, string>;
  readonly #app: FastifyInstance;

  private constructor(app: FastifyInstance, baseUrl: string) {
    this.#app = app;
    this.baseUrl = baseUrl;
    this.hostMap = simulatorHostMap(baseUrl);
  }

  /** `timeScale` shortens every gateway delay (retry schedules, settlement, pay-link expiry). */
  static async start(timeScale: number): Promise<SoakSimulators> {
    const app = Fastify({ logger: false });
    // Hosted-page links are built on the URL, so it is known before the plugin registers.
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    await app.register(simulatorsPlugin(defaultSimulatorOptions(baseUrl, { timeScale })));
    await app.listen({ host: '127.0.0.1', port });
    return new SoakSimulators(app, baseUrl);
  }

  client(name: string): SimulatorClient {
    return simulatorClient(`${this.baseUrl}/${name}`);
  }

  /**
   * The same rates on every gateway, each with its own seed (derived from `seed`). So that even a
   * short run sees every kind, each gateway first fails its first API call (503) and mistreats its
   * first four webhooks (drop, duplicate, delay, replay), and the first gateway leaves its second
   * API call unanswered (once only: each costs a flow the engine's 10 s HTTP timeout); the rates
   * take over after that.
   */
  async injectFaults(rates: FaultRates, seed: number): Promise<void> {
    const replay = { delayMs: rates.replayAfterMs, maxDelayMs: 2 * rates.replayAfterMs };
    const delay = { delayMs: 500, maxDelayMs: 5_000 };
    await Promise.all(
      simulators.map((definition, index) => {
        const plan: FaultPlan = {
          seed: (seed + index + 1) >>> 0,
          api: [
            { fault: 'error', status: 503 },
            ...(index === 0 ? [{ fault: 'timeout' } as const] : []),
            { fault: 'error', status: 503, rate: rates.apiError },
            { fault: 'timeout', rate: rates.apiTimeout },
          ],
          webhooks: [
            { fault: 'drop' },
            { fault: 'duplicate' },
            { fault: 'delay', ...delay },
            { fault: 'replay', ...replay },
            { fault: 'drop', rate: rates.webhookDrop },
            { fault: 'duplicate', rate: rates.webhookDuplicate },
            { fault: 'delay', ...delay, rate: rates.webhookDelay },
            { fault: 'replay', ...replay, rate: rates.webhookReplay },
          ],
        };
        return this.client(definition.name).call('PUT', '/_sim/faults', plan);
      }),
    );
  }

  async clearFaults(): Promise<void> {
    await Promise.all(simulators.map((definition) => this.client(definition.name).call('DELETE', '/_sim/faults')));
  }

  /** Faults injected so far, summed over the gateways. */
  async faultCounts(): Promise<FaultCounts> {
    const total: FaultCounts = { error: 0, timeout: 0, drop: 0, duplicate: 0, delay: 0, replay: 0, outOfOrder: 0 };
    for (const definition of simulators) {
      const counts = await this.client(definition.name).call<{ injected: InjectedCounts; webhooksOutOfOrder: number }>('GET', '/_sim/faults/counts');
      for (const [kind, n] of Object.entries(counts.injected)) total[kind as keyof InjectedCounts] += n;
      total.outOfOrder += counts.webhooksOutOfOrder;
    }
    return total;
  }

  async close(): Promise<void> {
    await this.#app.close();
  }
}
