// Shared by the Cube Pay simulator's unit tests (not a test itself): the simulator on a real
// port, a webhook receiver, and small request helpers.
import Fastify, { type FastifyInstance } from 'fastify';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { defaultSimulatorOptions } from '../kit/simulator.js';
import { simulator } from './index.js';

/** Parsed JSON answers, read field by field by the tests (as light-my-request's res.json() is). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonBody = any;

export interface Harness {
  /** http://127.0.0.1:<port>/cubepay */
  base: string;
  app: FastifyInstance;
  receiver: Receiver;
  /** A Cube Pay API call; `apiKey: null` sends no key. */
  api(method: string, path: string, body?: unknown, apiKey?: string | null): Promise<{ status: number; body: JsonBody }>;
  /** A control API call (no key). */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: JsonBody }>;
  /** A fresh merchant account whose default webhook URL is the receiver. */
  account(): Promise<{ api_key: string; signature_password: string; provider_id: number; routing_id: number }>;
  close(): Promise<void>;
}

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Answers this status to the next `count` webhooks (then 200 again). */
  failNext(count: number, status?: number): void;
  /** Resolves once `count` webhooks have arrived (any answer). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startHarness(timeScale = 0.0001): Promise<Harness> {
  const receiver = await startReceiver();
  // The hosted-page links need the port before the plugin is built: take a free one first.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/cubepay`;
  const app = Fastify();
  await app.register(simulator.create(defaultSimulatorOptions(base, { timeScale })), { prefix: '/cubepay' });
  await app.listen({ host: '127.0.0.1', port });

  const call = async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // an HTML page or an empty body
    }
    return { status: response.status, body: parsed as JsonBody };
  };

  return {
    base,
    app,
    receiver,
    api: (method, path, body, apiKey) => call(method, path, body, apiKey === null || apiKey === undefined ? {} : { 'x-api-key': apiKey }),
    control: (method, path, body) => call(method, path, body, {}),
    account: async () => {
      const created = await call('POST', '/_sim/accounts', { webhook_url: `${receiver.url}/hook` }, {});
      if (created.status !== 201) throw new Error(`account: ${created.status}`);
      return created.body;
    },
    close: async () => {
      await app.close();
      await receiver.close();
    },
  };
}

export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function startReceiver(): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST') {
        response.writeHead(200, { 'content-type': 'text/plain' }).end('merchant return page');
        return;
      }
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
      if (failures.count > 0) {
        failures.count -= 1;
        response.writeHead(failures.status).end();
      } else {
        response.writeHead(200).end('OK');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    failNext: (count, status = 500) => {
      failures = { count, status };
    },
    waitFor: (count, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        if (received.length >= count) return resolve(received);
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} webhooks arrived`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A valid 004-style request body for the cashier, checkout and S2S endpoints. */
export function paymentRequest(overrides: Record<string, unknown> = {}): { request: Record<string, unknown> & { tracking_id: string } } {
  return {
    request: {
      mode: 'test',
      settings: {},
      user_id: '128',
      tracking_id: `trk-${Math.random().toString(36).slice(2)}`,
      ip: '127.34.125.54',
      amount: 10.05,
      currency: 'EUR',
      customer: {
        first_name: 'John',
        last_name: 'Doe',
        email: 'user@example.com',
        country_code: 'GB',
        dob: '05/03/2000',
        phone: { country: 'GB', number: 783433252, prefix: 44 },
      },
      ...overrides,
    },
  };
}

export function cardDetails(cardNumber: string): Record<string, string> {
  return { holder_name: 'John Doe', card_number: cardNumber, cvc: '444', exp_month: '05', exp_year: String(new Date().getUTCFullYear() + 2) };
}
