// The three loads of deposits.bench.ts: engine deposits, signed gateway webhooks, baseline deposits.
import { createHmac } from 'node:crypto';
import { benchApiKey, depositBody, type BenchTenant } from './bench-tenant.js';
import { runLoad, type LoadResult } from './load.js';
import { runOpenLoop } from './open-loop.js';
import type { PaymaxisStub } from './paymaxis-stub.js';

export interface LoadShape {
  /** Closed-loop connections (default 32); a `rate` load opens what it needs. */
  connections?: number;
  seconds?: number;
  amount?: number;
  rate?: number;
}

function shape(s: LoadShape) {
  return {
    connections: s.connections ?? 32,
    ...(s.amount === undefined ? { durationSeconds: s.seconds ?? 10 } : { amount: s.amount }),
    ...(s.rate === undefined ? {} : { overallRate: s.rate }),
  };
}

const pgAccepted = (status: number, body: string) =>
  status !== 200 ? body.slice(0, 200) : body.includes('"status":"PG_ACCEPTED"') ? undefined : `not PG_ACCEPTED: ${body.slice(0, 200)}`;

export function depositLoad(url: string, tenant: BenchTenant, tag: string, s: LoadShape): Promise<LoadResult> {
  const next = () => ({
    method: 'POST' as const,
    path: '/connxt/v2/transactions',
    headers: { 'content-type': 'application/json', 'x-secret-token': tenant.token },
    body: depositBody(tenant.pspId, tag),
  });
  // A fixed rate is an open loop (open-loop.ts); saturation is closed-loop connections.
  if (s.rate !== undefined) return runOpenLoop({ url, perSecond: s.rate, seconds: s.seconds ?? 10, next, check: pgAccepted });
  return runLoad({
    url,
    ...shape(s),
    next: () => ({
      method: 'POST',
      path: '/connxt/v2/transactions',
      headers: { 'content-type': 'application/json', 'x-secret-token': tenant.token },
      body: depositBody(tenant.pspId, tag),
    }),
    check: pgAccepted,
  });
}

/** The same body the engine gets, to the baseline's route. */
export function baselineLoad(url: string, tag: string, s: LoadShape): Promise<LoadResult> {
  return runLoad({
    url,
    ...shape(s),
    next: () => ({ method: 'POST', path: '/deposits', headers: { 'content-type': 'application/json' }, body: depositBody('psp_baseline', tag) }),
    check: pgAccepted,
  });
}

/**
 * A signed COMPLETED webhook (Paymaxis: hex HMAC-SHA256 of the raw body under the shop key) for
 * each payment the stub made, each once, to the webhook URL its deposit handed Paymaxis.
 */
export async function webhookLoad(url: string, stub: PaymaxisStub, connections: number): Promise<LoadResult> {
  const payments = await stub.payments();
  let index = 0;
  return runLoad({
    url,
    connections,
    amount: payments.length,
    next: () => {
      const p = payments[index++ % payments.length]!;
      const body = JSON.stringify({
        id: p.id,
        paymentType: 'DEPOSIT',
        paymentMethod: 'BASIC_CARD',
        state: 'COMPLETED',
        amount: p.amount,
        currency: p.currency,
        referenceId: p.referenceId,
      });
      return {
        method: 'POST',
        path: new URL(p.webhookUrl).pathname,
        headers: { 'content-type': 'application/json', signature: createHmac('sha256', benchApiKey).update(body).digest('hex') },
        body,
      };
    },
    check: (status, body) => (status === 200 ? undefined : body.slice(0, 200)),
  });
}
