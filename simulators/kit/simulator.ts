import type { FastifyPluginAsync } from 'fastify';

/** What every simulator is built from; the same plugin runs inside the engine or on its own. */
export interface SimulatorOptions {
  /** Absolute URL where this simulator's routes are served, no trailing slash; hosted-page links are built on it. */
  publicBaseUrl: string;
  /**
   * Multiplies every gateway-side delay (webhook retry schedule, automatic settlement). 1 keeps
   * the gateway's documented schedule; tests use a small factor such as 0.001.
   */
  timeScale: number;
  /** Wall clock in milliseconds; tests may pass their own. */
  now: () => number;
}

/** One gateway's simulator: its mount name (`/connectpsp`, ...) and its Fastify plugin. */
export interface SimulatorDefinition {
  /** Path segment it is mounted under, also its name in logs and docs. */
  name: string;
  /** The production origins a connector calls, which a host map points at this simulator. */
  origins: readonly string[];
  create(options: SimulatorOptions): FastifyPluginAsync;
}

export function defaultSimulatorOptions(publicBaseUrl: string, overrides: Partial<SimulatorOptions> = {}): SimulatorOptions {
  return { publicBaseUrl: publicBaseUrl.replace(/\/+$/, ''), timeScale: 1, now: Date.now, ...overrides };
}
