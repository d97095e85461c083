import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { simulators } from '../../simulators/index.js';
import { defaultSimulatorOptions } from '../../simulators/kit/simulator.js';
import { defaultTransitions } from '../../src/transactions/status.js';
import { freePort } from '../helpers/engine.js';
import type { SimulatorClient } from './driver.js';

/** Gateway delays run this much faster than the gateway's own schedule. */
export const testTimeScale = 0.001;

export interface RunningSimulator {
  app: FastifyInstance;
  client: SimulatorClient;
  /** The simulator's mount, which a host map points the gateway's origins at. */
  baseUrl: string;
  origins: readonly string[];
}

/** One gateway's simulator alone on a loopback port, as a separate server from the engine. */
export async function startSimulator(name: string): Promise<RunningSimulator> {
  const definition = simulators.find((s) => s.name === name);
  if (definition === undefined) throw new Error(`no simulator named ${name}`);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}/${name}`;
  const app = Fastify();
  await app.register(definition.create(defaultSimulatorOptions(baseUrl, { timeScale: testTimeScale })), { prefix: `/${name}` });
  await app.listen({ host: '127.0.0.1', port });
  return { app, baseUrl, origins: definition.origins, client: simulatorClient(baseUrl) };
}

export function simulatorClient(baseUrl: string): SimulatorClient {
  return {
    baseUrl,
    async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path} → HTTP ${response.status}: ${text.slice(0, 500)}`);
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
  };
}

/** Polls the transaction until `done` holds for its status (webhooks arrive asynchronously). */
export async function waitForStatus(
  read: () => Promise<{ status: string }>,
  done: (status: string) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let status = '';
  while (Date.now() < deadline) {
    status = (await read()).status;
    if (done(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  assert.fail(`${what}: still ${status} after ${timeoutMs} ms`);
}

export interface HistoryEntry {
  fromStatus: string | null;
  status: string;
  cause: string;
  detail: string | null;
}

/** Every hop of a history is allowed by the action's default map, and a final status is never left. */
export function assertLegalHistory(action: 'DEPOSIT' | 'WITHDRAW' | 'REFUND', history: HistoryEntry[]): void {
  const map = defaultTransitions[action] as Record<string, readonly string[] | undefined>;
  for (const [index, entry] of history.entries()) {
    if (entry.fromStatus === null) {
      assert.equal(index, 0, 'only the first entry has no previous status');
      continue;
    }
    assert.equal(entry.fromStatus, history[index - 1]!.status, `history is a chain at entry ${index}`);
    assert.ok(map[entry.fromStatus]?.includes(entry.status), `${action} may not go ${entry.fromStatus} → ${entry.status}`);
  }
}
