// A brand, an environment and a Paymaxis PSP made through the engine's own admin and merchant APIs,
// with the environment's host map sending Paymaxis to the zero-latency stub.
import { benchAdminToken } from './engine-under-test.js';

export const paymaxisTargetId = 'ftg_01jwra8pvkfey9h1f71gsw1qsw';
export const depositActionId = 'fat_01jt2cetrheh48mkp2m8z680xz';
/** The shop API key the bench PSP is configured with; it also signs Paymaxis webhooks. */
export const benchApiKey = 'pmx_bench_shop_key_8c1f3a9e';

export interface BenchTenant {
  token: string;
  pspId: string;
}

async function json(url: string, init: { method?: string; headers: Record<string, string>; body?: unknown }): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const body = (await res.json()) as { data?: Record<string, unknown>; message?: string };
  if (!res.ok || body.data === undefined) throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${res.status} ${body.message ?? ''}`);
  return body.data;
}

export async function setUpBenchTenant(engineUrl: string, paymaxisBase: string): Promise<BenchTenant> {
  const admin = { authorization: `Bearer ${benchAdminToken}` };
  const brand = await json(`${engineUrl}/admin/v1/brands`, { method: 'POST', headers: admin, body: { name: 'Bench' } });
  const environment = await json(`${engineUrl}/admin/v1/brands/${String(brand.id)}/environments`, {
    method: 'POST',
    headers: admin,
    body: { name: 'bench' },
  });
  await json(`${engineUrl}/admin/v1/environments/${String(environment.id)}`, {
    method: 'PATCH',
    headers: admin,
    body: { hostMap: { 'https://app.paymaxis.com': paymaxisBase } },
  });
  const token = String(environment.secretToken);
  const merchant = { 'x-secret-token': token };
  const catalog = (await json(`${engineUrl}/connxt/v2/flow-types/definitions?type=PSP`, { headers: merchant })) as {
    targets: { id: string; actions: { id: string; definition: { id: string } | null }[] }[];
  };
  const definition = catalog.targets.find((t) => t.id === paymaxisTargetId)?.actions.find((a) => a.id === depositActionId)?.definition;
  if (definition == null) throw new Error('the catalog has no Paymaxis deposit definition');
  const psp = await json(`${engineUrl}/connxt/v2/psps/external`, {
    method: 'POST',
    headers: merchant,
    body: {
      name: 'Paymaxis (bench stub)',
      credential: JSON.stringify({ apiKey: benchApiKey }),
      flowTargetId: paymaxisTargetId,
      operations: [{ flowActionId: depositActionId, flowDefinitionId: definition.id, status: 'ENABLED' }],
    },
  });
  return { token, pspId: String(psp.id) };
}

let orderCounter = 0;

/** A Paymaxis card deposit with a fresh order id (a repeated order id would be a 409). */
export function depositBody(pspId: string, runTag: string): string {
  const order = `${runTag}-${(orderCounter++).toString(36)}`;
  return JSON.stringify({
    pspId,
    flowTargetId: paymaxisTargetId,
    flowActionId: depositActionId,
    transactionType: 'deposit',
    txnAmount: '25.00',
    txnCurrency: 'EUR',
    executePayload: {
      body: {
        order: { id: order },
        customer: {
          id: `cust-${order}`,
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@example.com',
          address: { line1: 'Unter den Linden 1', city: 'Berlin', zipCode: '10117', country: 'DE' },
        },
      },
    },
  });
}
