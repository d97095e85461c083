// Shared by this simulator's *.test.ts: a real server on port 0, a merchant's calls, a webhook receiver.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { defaultSimulatorOptions, type SimulatorOptions } from '../kit/simulator.js';
import { simulator } from './index.js';
import { validCpf } from './test-data.js';

export interface Credentials {
  clientId: string;
  clientSecret: string;
  applicationToken: string;
  cryptoToken: string;
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  contentType: string;
  body: T;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:41234/connectpsp */
  base: string;
  close(): Promise<void>;
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>>;
  newAccount(options?: Record<string, unknown>): Promise<Credentials>;
}

export async function startSimulator(overrides: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  const app = Fastify();
  const options = defaultSimulatorOptions('http://placeholder', { timeScale: 0.001, ...overrides });
  await app.register(simulator.create(options), { prefix: '/connectpsp' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/connectpsp`;
  options.publicBaseUrl = base;

  const call = async <T,>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return { status: response.status, contentType, body: (contentType.includes('json') ? JSON.parse(text) : text) as T };
  };
  return {
    base,
    close: () => app.close(),
    call,
    async newAccount(accountOptions = {}) {
      return (await call<Credentials>('POST', '/_sim/accounts', accountOptions)).body;
    },
  };
}

/** A merchant's session: token, ApplicationToken and (for financial calls) the DigitalSignature. */
export class Merchant {
  constructor(
    readonly sim: RunningSimulator,
    readonly credentials: Credentials,
  ) {}

  async token(): Promise<string> {
    const { clientId, clientSecret } = this.credentials;
    const answer = await this.sim.call<{ accessToken: string }>('POST', '/auth/token', { clientId, clientSecret });
    if (answer.status !== 200) throw new Error(`token: HTTP ${answer.status}`);
    return answer.body.accessToken;
  }

  async headers(signed = false): Promise<Record<string, string>> {
    const token = await this.token();
    return {
      authorization: `Bearer ${token}`,
      applicationtoken: this.credentials.applicationToken,
      ...(signed ? { digitalsignature: createHmac('sha256', this.credentials.cryptoToken).update(token).digest('hex') } : {}),
    };
  }

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}, signed = false) {
    return this.sim.call<T>(method, path, body, { ...(await this.headers(signed)), ...extra });
  }
}

export { invalidCpf, validCnpj as testCnpj, validCpf as testCpf } from './test-data.js';

export function cashInBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: 150.5,
    externalReference: `order-${Math.random().toString(36).slice(2)}`,
    payer: { name: 'Maria da Silva', document: validCpf },
    ...overrides,
  };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver; `answer` picks the status for each delivery (default 200). */
export async function webhookReceiver(answer: (index: number) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer(received.length - 1)).end();
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    async waitFor(count: number, timeoutMs = 5000): Promise<ReceivedWebhook[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhooks, got ${received.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Submits a hosted-page form the way a browser does. */
export async function submitForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}
