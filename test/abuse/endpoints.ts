import type { Template } from '../helpers/abuse-bodies.js';
import { spec } from '../helpers/spec-examples.js';
import { abuseCredentialSchema, abuseGatewayScript } from './abuse-gateway.js';
import type { AbuseWorld } from './abuse-world.js';

/**
 * Every public endpoint, as src/http/routes/** declares it (endpoints.test.ts checks the list
 * against the running app), with what the abuse suite needs to aim at it: real ids for its path
 * parameters, the query parameters it reads, and a valid body to start mutating from.
 */
export type Auth = 'tenant' | 'admin' | 'public';

export interface Endpoint {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** As Fastify has it: `/connxt/v2/psps/:id`. */
  route: string;
  auth: Auth;
  /** Real values per path parameter (requests also get hostile ones). */
  params?: (w: AbuseWorld) => Record<string, string[]>;
  query?: readonly string[];
  /** Valid bodies to mutate; absent when the endpoint takes no body. */
  bodies?: (w: AbuseWorld) => Template[];
  /** Honours Idempotency-Key. */
  creates?: boolean;
}

export function endpointName(endpoint: Pick<Endpoint, 'method' | 'route'>): string {
  return `${endpoint.method} ${endpoint.route}`;
}

const pspBody = (w: AbuseWorld): Template => ({
  name: 'Abuse PSP created',
  description: 'made by the abuse suite',
  logo: 'https://example.com/logo.png',
  credential: JSON.stringify({ apiKey: w.apiKey }),
  flowTargetId: w.gateway.targetId,
  status: 'ENABLED',
  operations: [{ flowActionId: spec.actions.DEPOSIT, flowDefinitionId: w.gateway.definitionIds.DEPOSIT, status: 'ENABLED' }],
});

/** Bodies carry a card on purpose: the engine must mask it wherever it keeps or shows the payload. */
const transactionBodies = (w: AbuseWorld): Template[] => {
  const common = { flowTargetId: w.gateway.targetId, pspId: w.psps.a, txnCurrency: 'USD', txnAmount: '12.34' };
  const payload = (orderId: string) => ({
    body: { order: { id: orderId }, customer: { id: 'cust-9', email: 'payer@example.com' }, card: { number: '4111111111111111', cvc: '737' }, note: 'hello', outcome: 'PENDING' },
  });
  return [
    { ...common, flowActionId: spec.actions.DEPOSIT, transactionType: 'deposit', executePayload: payload('abuse-fuzz-1') },
    { ...common, flowActionId: spec.actions.WITHDRAW, transactionType: 'withdrawal', executePayload: payload('abuse-fuzz-2') },
    { ...common, flowActionId: spec.actions.REFUND, transactionType: 'refund', txnAmount: '1.00', parentTxnId: w.transactions.settled, executePayload: payload('abuse-fuzz-3') },
  ];
};

const environmentSettings: Template = {
  successRedirectUrl: 'https://shop.abuse.example/ok',
  failureRedirectUrl: 'https://shop.abuse.example/ko',
  webhookUrl: 'https://shop.abuse.example/hooks',
  withdrawalAutoApproveLimits: { USD: '100.00', JPY: '500' },
};

const targetBody: Template = {
  name: 'Abuse Target created',
  logo: 'https://example.com/target.png',
  credentialSchema: abuseCredentialSchema,
  allowedHosts: ['psp.test', 'api.psp.test:8443'],
  actions: { DEPOSIT: { script: abuseGatewayScript, description: 'ABUSE-DEPOSIT', inputSchema: { type: 'object' } } },
};

const webhookEndpointBody: Template = { url: 'https://hooks.abuse.example/new', events: ['transaction.succeeded', 'transaction.failed'], description: 'abuse', enabled: true };

const ids = {
  pspsReadable: (w: AbuseWorld) => ({ id: [w.psps.a, w.psps.patchable, w.psps.b] }),
  transactions: (w: AbuseWorld) => ({ id: [...w.transactions.deposits, w.transactions.settled, ...w.transactions.withdrawals, w.transactions.b] }),
  waiting: (w: AbuseWorld) => ({ id: [...w.transactions.withdrawals, w.transactions.deposits[0]!, w.transactions.b] }),
  brands: (w: AbuseWorld) => ({ brandId: [w.brands.a, w.brands.b, w.brands.v] }),
  environments: (w: AbuseWorld) => ({ environmentId: [w.environments.a, w.environments.b, w.environments.v] }),
  // Requests that change an environment aim at V only: A's token must keep working all run long.
  victim: (w: AbuseWorld) => ({ environmentId: [w.environments.v] }),
  victimEndpoint: (w: AbuseWorld) => ({ environmentId: [w.environments.v], endpointId: [w.endpointIds.v, w.endpointIds.a] }),
  endpoints: (w: AbuseWorld) => ({ environmentId: [w.environments.a, w.environments.v], endpointId: [w.endpointIds.a, w.endpointIds.v] }),
  events: (w: AbuseWorld) => ({ environmentId: [w.environments.a, w.environments.v], eventId: w.eventIds }),
  targets: (w: AbuseWorld) => ({ id: [w.gateway.targetId, w.spareTargetId] }),
};

export const endpoints: readonly Endpoint[] = [
  { method: 'GET', route: '/health', auth: 'public', query: [] },
  { method: 'GET', route: '/ready', auth: 'public', query: [] },

  { method: 'GET', route: '/connxt/v2/flow-types/definitions', auth: 'tenant', query: ['type'] },
  { method: 'POST', route: '/connxt/v2/psps/external', auth: 'tenant', bodies: (w) => [pspBody(w)], creates: true },
  { method: 'GET', route: '/connxt/v2/psps', auth: 'tenant', query: ['limit', 'cursor', 'flowTargetId', 'status'] },
  { method: 'GET', route: '/connxt/v2/psps/:id', auth: 'tenant', params: ids.pspsReadable },
  {
    method: 'PATCH',
    route: '/connxt/v2/psps/:id',
    auth: 'tenant',
    // Never A's main PSP: a changed credential would stop the webhook signatures verifying.
    params: (w) => ({ id: [w.psps.patchable, w.psps.b] }),
    bodies: (w) => [Object.fromEntries(Object.entries(pspBody(w)).filter(([key]) => key !== 'flowTargetId'))],
  },
  { method: 'POST', route: '/connxt/v2/transactions', auth: 'tenant', bodies: transactionBodies, creates: true },
  { method: 'GET', route: '/connxt/v2/transactions', auth: 'tenant', query: ['limit', 'cursor', 'status', 'pspId', 'action', 'orderId', 'createdFrom', 'createdTo'] },
  { method: 'GET', route: '/connxt/v2/transactions/:id', auth: 'tenant', params: ids.transactions },
  { method: 'POST', route: '/connxt/v2/transactions/:id/approve', auth: 'tenant', params: ids.waiting, creates: true },
  { method: 'POST', route: '/connxt/v2/transactions/:id/reject', auth: 'tenant', params: ids.waiting, bodies: () => [{ reason: 'too risky' }], creates: true },

  { method: 'POST', route: '/admin/v1/brands', auth: 'admin', bodies: () => [{ name: 'Abuse Brand' }] },
  { method: 'GET', route: '/admin/v1/brands', auth: 'admin' },
  { method: 'GET', route: '/admin/v1/brands/:brandId', auth: 'admin', params: ids.brands },
  { method: 'POST', route: '/admin/v1/brands/:brandId/environments', auth: 'admin', params: (w) => ({ brandId: [w.brands.v] }), bodies: () => [{ name: 'abuse', production: false, ...environmentSettings }] },
  { method: 'GET', route: '/admin/v1/brands/:brandId/environments', auth: 'admin', params: ids.brands },
  { method: 'GET', route: '/admin/v1/environments/:environmentId', auth: 'admin', params: ids.environments },
  { method: 'PATCH', route: '/admin/v1/environments/:environmentId', auth: 'admin', params: ids.victim, bodies: () => [{ name: 'victim', ...environmentSettings, hostMap: { 'https://psp.test': 'http://127.0.0.1:9' } }] },
  { method: 'GET', route: '/admin/v1/environments/:environmentId/tokens', auth: 'admin', params: ids.environments },
  { method: 'POST', route: '/admin/v1/environments/:environmentId/tokens', auth: 'admin', params: ids.victim },
  { method: 'POST', route: '/admin/v1/environments/:environmentId/tokens/rotate', auth: 'admin', params: ids.victim, bodies: () => [{ graceSeconds: 3600 }] },
  { method: 'POST', route: '/admin/v1/environments/:environmentId/tokens/:tokenId/revoke', auth: 'admin', params: (w) => ({ environmentId: [w.environments.v], tokenId: [...w.tokenIds.v, w.tokenIds.a] }) },
  { method: 'POST', route: '/admin/v1/flow-targets', auth: 'admin', bodies: () => [targetBody] },
  { method: 'GET', route: '/admin/v1/flow-targets', auth: 'admin' },
  { method: 'GET', route: '/admin/v1/flow-targets/:id', auth: 'admin', params: ids.targets },
  // Only the spare target changes: the abuse gateway keeps serving the transactions.
  { method: 'PATCH', route: '/admin/v1/flow-targets/:id', auth: 'admin', params: (w) => ({ id: [w.spareTargetId] }), bodies: () => [{ status: 'ENABLED', logo: 'https://example.com/l.png', allowedHosts: ['psp.test'] }] },
  {
    method: 'PUT',
    route: '/admin/v1/flow-targets/:id/actions/:action',
    auth: 'admin',
    params: (w) => ({ id: [w.spareTargetId], action: ['DEPOSIT', 'WITHDRAW', 'REFUND'] }),
    bodies: () => [{ script: abuseGatewayScript, description: 'ABUSE-PUT', inputSchema: { type: 'object' } }],
  },
  { method: 'POST', route: '/admin/v1/environments/:environmentId/webhook-endpoints', auth: 'admin', params: ids.victim, bodies: () => [webhookEndpointBody] },
  { method: 'GET', route: '/admin/v1/environments/:environmentId/webhook-endpoints', auth: 'admin', params: ids.environments },
  { method: 'GET', route: '/admin/v1/environments/:environmentId/webhook-endpoints/:endpointId', auth: 'admin', params: ids.endpoints },
  { method: 'PATCH', route: '/admin/v1/environments/:environmentId/webhook-endpoints/:endpointId', auth: 'admin', params: ids.victimEndpoint, bodies: () => [webhookEndpointBody] },
  { method: 'POST', route: '/admin/v1/environments/:environmentId/webhook-endpoints/:endpointId/rotate-secret', auth: 'admin', params: ids.victimEndpoint, bodies: () => [{ expiresInSeconds: 60 }] },
  { method: 'GET', route: '/admin/v1/environments/:environmentId/webhook-endpoints/:endpointId/deliveries', auth: 'admin', params: ids.endpoints, query: ['limit', 'cursor'] },
  // Last of the endpoint routes: once it succeeds, V's endpoint is gone for the others.
  { method: 'DELETE', route: '/admin/v1/environments/:environmentId/webhook-endpoints/:endpointId', auth: 'admin', params: ids.victimEndpoint },
  { method: 'GET', route: '/admin/v1/environments/:environmentId/events', auth: 'admin', params: ids.environments, query: ['limit', 'cursor', 'transactionId', 'type'] },
  { method: 'GET', route: '/admin/v1/environments/:environmentId/events/:eventId', auth: 'admin', params: ids.events },
  { method: 'POST', route: '/admin/v1/environments/:environmentId/events/:eventId/redeliver', auth: 'admin', params: (w) => ({ environmentId: [w.environments.a], eventId: w.eventIds }), bodies: (w) => [{ endpointId: w.endpointIds.a }] },
];

/** The callback routes: one entry per URL kind and method, since each runs different code. */
export const callbackEndpoints = [
  { kind: 'r', method: 'GET' },
  { kind: 'r', method: 'POST' },
  { kind: 'w', method: 'GET' },
  { kind: 'w', method: 'POST' },
] as const;

export const callbackRoute = '/connxt/v2/callbacks/:kind/:transactionId/:token';
