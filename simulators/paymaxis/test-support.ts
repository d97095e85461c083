// Shared by the Paymaxis simulator's unit tests: the simulator and a webhook receiver on real ports.
import { type AddressInfo, createServer } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { type SimulatorOptions, defaultSimulatorOptions } from '../kit/simulator.js';
import { demoShop } from './accounts.js';
import { simulator } from './index.js';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RunningSimulator {
  baseUrl: string;
  apiKey: string;
  /** A call with the demo shop's key unless `headers.authorization` says otherwise. */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>>;
  close(): Promise<void>;
}

export async function startSimulator(overrides: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  // Hosted-page links are built on the public URL, so the port is chosen before the plugin is made.
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}/paymaxis`;
  const app = Fastify();
  await app.register(simulator.create(defaultSimulatorOptions(baseUrl, { timeScale: 0.0001, ...overrides })), { prefix: '/paymaxis' });
  await app.listen({ host: '127.0.0.1', port });
  return {
    baseUrl,
    apiKey: demoShop.apiKey,
    api: (method, path, body, headers = {}) => call(`${baseUrl}${path}`, method, body, { authorization: `Bearer ${demoShop.apiKey}`, ...headers }),
    close: () => app.close(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function call<T>(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const response = await fetch(url, {
    method,
    redirect: 'manual',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

export interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Resolves once `count` webhooks arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A merchant endpoint that keeps the raw bytes; `answer` picks the HTTP status per delivery (1-based). */
export async function startReceiver(answer: (delivery: number) => number = () => 200): Promise<WebhookReceiver> {
  const app: FastifyInstance = Fastify();
  const received: ReceivedWebhook[] = [];
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.post('/hook', async (request, reply) => {
    received.push({ headers: request.headers, rawBody: request.body as string });
    return reply.code(answer(received.length)).send('ok');
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: `${address}/hook`,
    received,
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhooks, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received;
    },
    close: () => app.close(),
  };
}

/** Polls until `check` returns a value other than undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const depositBody = {
  paymentType: 'DEPOSIT',
  paymentMethod: 'BASIC_CARD',
  amount: 25,
  currency: 'EUR',
  returnUrl: 'https://merchant.example/return',
  customer: { referenceId: 'cust-1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
};
