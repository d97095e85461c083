import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LightMyRequestResponse } from 'fastify';
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
  /**
   * The share of ABUSE_RUNS it gets (default 1): the operator scope's copies of /connxt/v2 routes
   * run the very same handlers, so a quarter of the requests checks that the scope is wired right.
   */
  runShare?: number;
  /** What a 2xx answer must be when it is not the success envelope: the first thing wrong, or undefined. */
  successAnswer?: (res: LightMyRequestResponse) => string | undefined;
}

/** GET /metrics answers the Prometheus text format, not JSON. */
function prometheusTextProblem(res: LightMyRequestResponse): string | undefined {
  if (!String(res.headers['content-type']).startsWith('text/plain; version=0.0.4')) return `/metrics answered ${String(res.headers['content-type'])}`;
  if (!res.body.includes('# TYPE connxt_transactions_created_total counter')) return '/metrics without the transaction series';
  return undefined;
}

/** /openapi.json and /docs/json: the OpenAPI 3.1 document. */
function openApiDocumentProblem(res: LightMyRequestResponse): string | undefined {
  if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('application/json')) return `the document answered ${res.statusCode} ${String(res.headers['content-type'])}`;
  return res.body.startsWith('{"openapi":"3.1.0",') ? undefined : 'not the OpenAPI 3.1 document';
}

/** What the reference UI's own routes (@fastify/swagger-ui) answer, by what they must contain. */
function referenceAnswer(contentType: RegExp, contains: string) {
  return (res: LightMyRequestResponse): string | undefined => {
    if (res.statusCode !== 200 || !contentType.test(String(res.headers['content-type']))) return `answered ${res.statusCode} ${String(res.headers['content-type'])}`;
    return res.body.includes(contains) ? undefined : `an answer without ${contains}`;
  };
}

/** The UI's static files, by hash: whatever path the wildcard is given, a 200 must be one of them, byte for byte. */
const referenceAssetsDir = join(dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui/package.json')), 'static');
const referenceAssetHashes = new Set(readdirSync(referenceAssetsDir).map((file) => sha256(readFileSync(join(referenceAssetsDir, file)))));
function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
const referencePage = referenceAnswer(/^text\/html/, '<div id="swagger-ui"></div>');
function referenceAssetProblem(res: LightMyRequestResponse): string | undefined {
  if (res.statusCode !== 200) return `the static route answered ${res.statusCode}`;
  if (referenceAssetHashes.has(sha256(res.rawPayload))) return undefined;
  // `/docs/static/..` is resolved by the client (URL dot segments) to /docs/, the reference's page.
  return referencePage(res) === undefined ? undefined : 'a file that is not one of the reference UI\'s assets';
}

const dashboardDir = fileURLToPath(new URL('../../dashboard/', import.meta.url));
const dashboardHashes = new Set(
  readdirSync(dashboardDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => sha256(readFileSync(join(entry.parentPath, entry.name)))),
);
function dashboardFileProblem(res: LightMyRequestResponse): string | undefined {
  if (res.statusCode !== 200) return `the dashboard answered ${res.statusCode}`;
  if (!String(res.headers['content-security-policy']).includes("script-src 'self'")) return 'a dashboard file without its Content-Security-Policy';
  return dashboardHashes.has(sha256(res.rawPayload)) ? undefined : 'a file that is not one of the dashboard\'s';
}
function dashboardRedirectProblem(res: LightMyRequestResponse): string | undefined {
  return res.statusCode === 302 && res.headers.location === '/dashboard/' ? undefined : `answered ${res.statusCode} to ${String(res.headers.location)}`;
}

/**
 * The reference serves fixed content, so a few requests each show hostile input changes nothing
 * (the document is 380 kB, costly to scan for secrets); its file route, which reads its path, gets more.
 */
const referenceRuns = 0.02;

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
  { method: 'GET', route: '/metrics', auth: 'public', query: [], successAnswer: prometheusTextProblem },

  // The OpenAPI document and its interactive reference (src/http/openapi/).
  { method: 'GET', route: '/openapi.json', auth: 'public', query: [], successAnswer: openApiDocumentProblem, runShare: referenceRuns },
  { method: 'GET', route: '/docs', auth: 'public', query: [], successAnswer: referenceAnswer(/^text\/html/, 'id="swagger-ui"'), runShare: referenceRuns },
  { method: 'GET', route: '/docs/', auth: 'public', query: [], successAnswer: referenceAnswer(/^text\/html/, 'id="swagger-ui"'), runShare: referenceRuns },
  { method: 'GET', route: '/docs/json', auth: 'public', query: [], successAnswer: openApiDocumentProblem, runShare: referenceRuns },
  { method: 'GET', route: '/docs/yaml', auth: 'public', query: [], successAnswer: referenceAnswer(/^application\/x-yaml/, 'openapi: 3.1.0'), runShare: referenceRuns },
  {
    method: 'GET',
    route: '/docs/static/index.html',
    auth: 'public',
    query: [],
    // The UI's redirect to its page; it keeps a query string, so a request with one is sent back to itself.
    successAnswer: (res) => (res.statusCode === 302 && /^\/docs\//.test(String(res.headers.location)) ? undefined : `answered ${res.statusCode} to ${String(res.headers.location)}`),
    runShare: referenceRuns,
  },
  { method: 'GET', route: '/docs/static/swagger-initializer.js', auth: 'public', query: [], successAnswer: referenceAnswer(/javascript/, 'SwaggerUIBundle('), runShare: referenceRuns },
  // The files route reads its path: real file names, and the hostile segments (traversal and all) requests mix in.
  { method: 'GET', route: '/docs/static/*', auth: 'public', params: () => ({ '*': ['index.css', 'favicon-32x32.png', 'logo.svg', 'oauth2-redirect.html'] }), query: [], successAnswer: referenceAssetProblem, runShare: 0.25 },

  // The operator dashboard's files (dashboard/): a 200 is one of them, byte for byte, under the page's policy.
  { method: 'GET', route: '/dashboard', auth: 'public', query: [], successAnswer: dashboardRedirectProblem, runShare: referenceRuns },
  { method: 'GET', route: '/dashboard/*', auth: 'public', params: () => ({ '*': ['', 'index.html', 'styles.css', 'js/app.js', 'js/views/psps.js'] }), query: [], successAnswer: dashboardFileProblem, runShare: 0.25 },

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

  // The merchant API of one environment for an operator: A's resources, seen from A (found) and V (404).
  scoped({ method: 'GET', route: '/flow-types/definitions', query: ['type'] }),
  scoped({ method: 'POST', route: '/psps/external', bodies: (w) => [pspBody(w)], creates: true }),
  scoped({ method: 'GET', route: '/psps', query: ['limit', 'cursor', 'flowTargetId', 'status'] }),
  scoped({ method: 'GET', route: '/psps/:id', params: ids.pspsReadable }),
  scoped({ method: 'PATCH', route: '/psps/:id', params: (w) => ({ id: [w.psps.patchable, w.psps.b] }), bodies: (w) => [Object.fromEntries(Object.entries(pspBody(w)).filter(([key]) => key !== 'flowTargetId'))] }),
  scoped({ method: 'POST', route: '/transactions', bodies: transactionBodies, creates: true }),
  scoped({ method: 'GET', route: '/transactions', query: ['limit', 'cursor', 'status', 'pspId', 'action', 'orderId', 'createdFrom', 'createdTo'] }),
  scoped({ method: 'GET', route: '/transactions/:id', params: ids.transactions }),
  scoped({ method: 'GET', route: '/transactions/:id/steps', params: ids.transactions }),
  scoped({ method: 'POST', route: '/transactions/:id/approve', params: ids.waiting, creates: true }),
  scoped({ method: 'POST', route: '/transactions/:id/reject', params: ids.waiting, bodies: () => [{ reason: 'too risky' }], creates: true }),
];

/** A /connxt/v2 route under /admin/v1/environments/:environmentId, aimed at environment A (and V, where A's ids are not found). */
function scoped(endpoint: Omit<Endpoint, 'auth' | 'runShare'>): Endpoint {
  const params = endpoint.params;
  return {
    ...endpoint,
    route: `/admin/v1/environments/:environmentId${endpoint.route}`,
    auth: 'admin',
    params: (w) => ({ environmentId: [w.environments.a, w.environments.v], ...params?.(w) }),
    runShare: 0.25,
  };
}

/** The callback routes: one entry per URL kind and method, since each runs different code. */
export const callbackEndpoints = [
  { kind: 'r', method: 'GET' },
  { kind: 'r', method: 'POST' },
  { kind: 'w', method: 'GET' },
  { kind: 'w', method: 'POST' },
] as const;

export const callbackRoute = '/connxt/v2/callbacks/:kind/:transactionId/:token';
