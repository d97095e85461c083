// Shared by this simulator's *.test.ts: a real server on port 0, and requests signed like a merchant's.
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { defaultSimulatorOptions, type SimulatorOptions } from '../kit/simulator.js';
import { simulator } from './index.js';
import { sign, signedPairs, type SignedOperation, type SignType } from './signing.js';

export interface Merchant {
  merchantEmail: string;
  apiKey: string;
  signType: SignType;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:41234/sticpay */
  base: string;
  close(): Promise<void>;
  /** A JSON (default) or form POST to the gateway API; answers status and parsed body. */
  post(path: string, fields: Record<string, string>, as?: 'json' | 'form'): Promise<{ status: number; body: Record<string, unknown> }>;
  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  newMerchant(options?: { signType?: SignType; balances?: Record<string, string> }): Promise<Merchant>;
}

export async function startSimulator(overrides: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  const app = Fastify();
  // The mount URL is only known once listening; hosted-page links are built on it lazily.
  const options = defaultSimulatorOptions('http://placeholder', { timeScale: 0.001, ...overrides });
  await app.register(simulator.create(options), { prefix: '/sticpay' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/sticpay`;
  options.publicBaseUrl = base;

  const control = async <T,>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  return {
    base,
    close: () => app.close(),
    async post(path, fields, as = 'json') {
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': as === 'json' ? 'application/json' : 'application/x-www-form-urlencoded' },
        body: as === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    control,
    async newMerchant(options = {}) {
      const { body } = await control<Merchant>('POST', '/_sim/accounts', options);
      return body;
    },
  };
}

/** `fields` plus the `sign` a merchant computes for `operation`. */
export function signed(operation: SignedOperation, fields: Record<string, string>, merchant: Merchant): Record<string, string> {
  return { ...fields, sign: sign(signedPairs(operation, fields), merchant.apiKey, merchant.signType) };
}

export const requestTime = (): string => new Date().toISOString().slice(0, 19).replace('T', ' ');

export function payFields(merchant: Merchant, orderNo: string, amount: string, urls: { notify: string; return: string }): Record<string, string> {
  return signed(
    'pay',
    {
      merchant_email: merchant.merchantEmail,
      order_no: orderNo,
      order_time: requestTime(),
      order_amount: amount,
      order_currency: 'USD',
      interface_version: 'live',
      notify_url: urls.notify,
      return_url: urls.return,
    },
    merchant,
  );
}

export function detailFields(merchant: Merchant, reference: Record<string, string>, interfaceVersion = 'live'): Record<string, string> {
  return signed('detail', { merchant: merchant.merchantEmail, ...reference, request_datetime: requestTime(), interface_version: interfaceVersion }, merchant);
}

export function withdrawFields(merchant: Merchant, orderId: string, amount: string, notify?: string): Record<string, string> {
  return signed(
    'withdraw',
    {
      merchant: merchant.merchantEmail,
      customer: 'payee@sticpay.example',
      amount,
      currency_code: 'USD',
      order_id: orderId,
      interface_version: 'live',
      ...(notify === undefined ? {} : { notify_url: notify }),
    },
    merchant,
  );
}

export function refundFields(merchant: Merchant, reference: Record<string, string>): Record<string, string> {
  return signed('refund', { merchant: merchant.merchantEmail, ...reference, request_datetime: requestTime() }, merchant);
}

/** Waits until `check` holds (webhooks arrive on their own time). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface Receiver {
  url: string;
  received: { headers: Record<string, string | string[] | undefined>; body: string }[];
  /** Answers with these statuses in turn, then 200. */
  answers: number[];
  close(): Promise<void>;
}

/** A merchant's notify_url: a plain HTTP server that keeps every body it gets. */
export async function startReceiver(answers: number[] = []): Promise<Receiver> {
  const { createServer } = await import('node:http');
  const received: Receiver['received'] = [];
  const state = { answers };
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = state.answers.shift() ?? 200;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`,
    received,
    get answers() {
      return state.answers;
    },
    set answers(value) {
      state.answers = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The callback's envelope and its parsed parameters, as a merchant reads them. */
export function readCallback(body: string): { envelope: Record<string, unknown>; parameters: Record<string, string> } {
  const envelope = JSON.parse(new URLSearchParams(body).get('callback') ?? 'null') as Record<string, unknown>;
  return { envelope, parameters: JSON.parse(String(envelope.parameters)) as Record<string, string> };
}
