import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { randomBase62 } from '../../src/ids.js';
import { SecretScanner } from '../helpers/abuse-scan.js';
import type { TenantTokens } from '../helpers/abuse-tokens.js';
import { adminToken, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { spec } from '../helpers/spec-examples.js';
import type { TestStore } from '../helpers/stores.js';
import { abuseCredentialSchema, abuseGatewayScript } from './abuse-gateway.js';

/**
 * Everything the abuse suite aims at, set up once per store: the tenant whose token the requests
 * carry (A), another tenant (B), an environment the admin requests may change at will (V), a
 * gateway with PSPs and transactions in every state the endpoints care about, and every secret
 * that must never come back out.
 */
export interface AbuseWorld {
  t: TestEngine;
  app: FastifyInstance;
  tokens: TenantTokens;
  scanner: SecretScanner;
  /** The API key transactions are signed with (webhooks of the abuse gateway). */
  apiKey: string;
  brands: { a: string; b: string; v: string };
  environments: { a: string; b: string; v: string };
  /** Token ids of V (revocable at will) and one of A (another environment's: must be 404 under V). */
  tokenIds: { v: string[]; a: string };
  gateway: { targetId: string; definitionIds: Record<'DEPOSIT' | 'WITHDRAW' | 'REFUND', string> };
  /** A second custom target the admin requests may change at will. */
  spareTargetId: string;
  psps: { a: string; patchable: string; b: string };
  transactions: { deposits: string[]; settled: string; withdrawals: string[]; b: string };
  endpointIds: { a: string; v: string };
  eventIds: string[];
  /** Ids of A's own resources: another tenant's token must never see one. */
  privateIds: string[];
  callbackToken(kind: 'r' | 'w', transactionId: string): string;
  close(): Promise<void>;
}

export const abuseOrderPrefix = 'abuse-order-';

const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };

async function call(app: FastifyInstance, method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, body?: unknown) {
  const res = await app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
  assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json().data;
}

export function signAbuseWebhook(apiKey: string, body: string | Buffer): string {
  return createHmac('sha256', apiKey).update(body).digest('hex');
}

export async function createAbuseWorld(store: TestStore): Promise<AbuseWorld> {
  const masterKey = randomBytes(32);
  const t = await startTestEngine(store, { masterKey, logLevel: 'info', sandbox: { timeoutMs: 5_000 } });
  const { app, services } = t.engine;
  const { tenants } = services;
  const scanner = new SecretScanner();
  const demo = t.engine.demo!;
  const tokenA = demo.secretToken;

  const brandB = await tenants.createBrand('Abuse Other');
  const envB = await tenants.createEnvironment(brandB.id, { name: 'other' });
  const envExpired = await tenants.createEnvironment(brandB.id, { name: 'expired' });
  const rotated = await tenants.rotateTokens(envExpired.id, 0);
  const revokable = await tenants.createToken(demo.environmentId);
  await tenants.revokeToken(demo.environmentId, revokable.id);
  const brandV = await tenants.createBrand('Abuse Victim');
  const envV = await tenants.createEnvironment(brandV.id, { name: 'victim' });
  const extraV = [await tenants.createToken(envV.id), await tenants.createToken(envV.id)];
  const [tokenRowA] = await tenants.listTokens(demo.environmentId);

  const apiKey = `Zq9abuseApiKey${randomBase62(20)}`;
  const secretWord = `Zq9abuseSecretWord${randomBase62(20)}`;
  const credential = JSON.stringify({ apiKey, secretWord });

  const target = await call(app, 'POST', '/admin/v1/flow-targets', admin, {
    name: 'Abuse Gateway',
    credentialSchema: abuseCredentialSchema,
    allowedHosts: [],
    actions: Object.fromEntries((['DEPOSIT', 'WITHDRAW', 'REFUND'] as const).map((action) => [action, { script: abuseGatewayScript, description: `ABUSE-${action}` }])),
  });
  const definitionIds = Object.fromEntries(
    (target.actions as { name: string; definition: { id: string } }[]).map((action) => [action.name, action.definition.id]),
  ) as AbuseWorld['gateway']['definitionIds'];
  const spare = await call(app, 'POST', '/admin/v1/flow-targets', admin, {
    name: 'Abuse Spare Gateway',
    credentialSchema: abuseCredentialSchema,
    allowedHosts: ['psp.test'],
    actions: { DEPOSIT: { script: abuseGatewayScript } },
  });

  const operations = (['DEPOSIT', 'WITHDRAW', 'REFUND'] as const).map((action) => ({
    flowActionId: spec.actions[action],
    flowDefinitionId: definitionIds[action],
    status: 'ENABLED',
  }));
  const createPsp = (token: string, name: string) =>
    call(app, 'POST', '/connxt/v2/psps/external', { 'x-secret-token': token, 'content-type': 'application/json' }, { name, credential, flowTargetId: target.id, operations });
  const pspA = await createPsp(tokenA, 'Abuse PSP');
  const pspPatchable = await createPsp(tokenA, 'Abuse PSP to patch');
  const pspB = await createPsp(envB.secretToken, 'Abuse PSP of B');

  const createTransaction = (token: string, psp: string, action: 'DEPOSIT' | 'WITHDRAW' | 'REFUND', extra: Record<string, unknown> = {}) =>
    call(app, 'POST', '/connxt/v2/transactions', { 'x-secret-token': token, 'content-type': 'application/json' }, {
      flowActionId: spec.actions[action],
      flowTargetId: target.id,
      pspId: psp,
      txnCurrency: 'USD',
      txnAmount: '20.00',
      executePayload: { body: { order: { id: `${abuseOrderPrefix}${randomBase62(12)}` }, customer: { id: 'cust-1' } } },
      ...extra,
    });
  const deposits = [];
  for (let i = 0; i < 4; i++) deposits.push((await createTransaction(tokenA, pspA.id, 'DEPOSIT')).txnId as string);
  const withdrawals = [];
  for (let i = 0; i < 3; i++) withdrawals.push((await createTransaction(tokenA, pspA.id, 'WITHDRAW')).txnId as string);
  const transactionB = (await createTransaction(envB.secretToken, pspB.id, 'DEPOSIT')).txnId as string;

  const callbackToken = (kind: 'r' | 'w', transactionId: string) => services.executor.callbackUrls(transactionId)[kind === 'r' ? 'redirect' : 'webhook'].split('/').pop()!;
  // The last deposit settles, so that refunds have a parent.
  const settled = deposits.pop()!;
  const settle = JSON.stringify({ state: 'SUCCESS', id: `psp-${settled}` });
  const settledRes = await app.inject({
    method: 'POST',
    url: `/connxt/v2/callbacks/w/${settled}/${callbackToken('w', settled)}`,
    headers: { 'content-type': 'application/json', 'x-abuse-signature': signAbuseWebhook(apiKey, settle) },
    payload: settle,
  });
  assert.equal(settledRes.statusCode, 200, settledRes.body);

  const endpointA = await services.webhookEndpoints.create(demo.environmentId, { url: 'https://hooks.abuse.example/a' });
  const endpointV = await services.webhookEndpoints.create(envV.id, { url: 'https://hooks.abuse.example/v' });
  const events = await services.merchantEvents.listEvents(demo.environmentId, { limit: 5 });
  const eventIds = (events.items as { id: string }[]).map((event) => event.id);
  assert.ok(eventIds.length > 0, 'the transactions above wrote merchant events');

  const tokens: TenantTokens = { valid: tokenA, otherTenant: envB.secretToken, revoked: revokable.secretToken, expired: envExpired.secretToken, admin: adminToken };
  for (const [name, value] of Object.entries(tokens)) scanner.add(`${name} token`, value);
  scanner.add('rotated-in token', rotated.token.secretToken);
  scanner.add('victim token', envV.secretToken);
  for (const extra of extraV) scanner.add('victim token', extra.secretToken);
  scanner.add('PSP credential apiKey', apiKey);
  scanner.add('PSP credential secretWord', secretWord);
  scanner.add('webhook endpoint secret', endpointA.secret);
  scanner.add('webhook endpoint secret', endpointV.secret);
  for (const encoding of ['base64', 'base64url', 'hex'] as const) scanner.add(`master key (${encoding})`, masterKey.toString(encoding));
  for (const id of [...deposits, settled, ...withdrawals, transactionB]) {
    scanner.add('callback URL token', callbackToken('r', id));
    scanner.add('callback URL token', callbackToken('w', id));
  }

  return {
    t,
    app,
    tokens,
    scanner,
    apiKey,
    brands: { a: demo.brandId, b: brandB.id, v: brandV.id },
    environments: { a: demo.environmentId, b: envB.id, v: envV.id },
    tokenIds: { v: extraV.map((token) => token.id), a: tokenRowA!.id },
    gateway: { targetId: target.id, definitionIds },
    spareTargetId: spare.id,
    psps: { a: pspA.id, patchable: pspPatchable.id, b: pspB.id },
    transactions: { deposits, settled, withdrawals, b: transactionB },
    endpointIds: { a: endpointA.id, v: endpointV.id },
    eventIds,
    privateIds: [pspA.id, pspPatchable.id, ...deposits, settled, ...withdrawals, demo.environmentId, endpointA.id, ...eventIds],
    callbackToken,
    close: () => t.close(),
  };
}
