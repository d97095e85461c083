import type { RouteOptions } from 'fastify';
import { errorResponse, type JsonSchema } from './envelopes.js';

/**
 * What the document says about a route because of where it is mounted, decided from its URL in one
 * onRoute hook rather than route by route: the same route plugins (psps, transactions, flow types)
 * serve /connxt/v2 with an X-SECRET-TOKEN and, under /admin/v1/environments/{environmentId}, operators
 * with the admin token. The hook sets the security requirement, the error answers the layers in
 * front of every route give (authentication, body parsing, the error handler), path parameters a
 * prefix adds, and keeps the gateway simulators out of the document.
 */

export const securitySchemes = {
  secretToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-SECRET-TOKEN',
    description: 'An environment\'s secret token (`sec_…`): the brand and environment of every request come from it.',
  },
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The operator token, `CONNXT_ADMIN_TOKEN`. Without it configured, /admin/v1 is not served.',
  },
  metricsToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The scrape token, `CONNXT_METRICS_TOKEN`. Without it configured, /metrics is public.',
  },
} as const;

type Access = keyof typeof securitySchemes | 'public';

/** Callbacks sit under /connxt/v2 but are public: the token in their URL is the credential. */
export function accessOf(url: string): Access {
  if (url.startsWith('/connxt/v2/callbacks/')) return 'public';
  if (url.startsWith('/connxt/v2/')) return 'secretToken';
  if (url.startsWith('/admin/v1/')) return 'adminToken';
  if (url === '/metrics') return 'metricsToken';
  return 'public';
}

export const environmentScopePrefix = '/admin/v1/environments/:environmentId/';

/** Tags of the merchant routes; mounted for operators, they are grouped under their own tag instead. */
const merchantTags = new Set(['Flow types', 'PSPs', 'Transactions']);
export const environmentScopeTag = 'Operator: environment scope';

type RouteSchema = NonNullable<RouteOptions['schema']> & JsonSchema;

export function documentRoute(route: RouteOptions): void {
  const url = route.url;
  // The simulators stand in for real gateways; they are no part of the engine's API.
  if (url.startsWith('/simulators')) {
    if (route.schema !== undefined) route.schema = { ...route.schema, hide: true };
    return;
  }
  const schema = route.schema as RouteSchema | undefined;
  // Routes without tags are left out of the document (hideUntagged): the drift test then names them.
  if (schema === undefined || schema.hide === true || schema.tags === undefined) return;
  const access = accessOf(url);
  const scoped = url.startsWith(environmentScopePrefix);
  // A copy: the same schema object also documents the route under its other prefix.
  route.schema = {
    ...schema,
    ...(scoped && schema.tags.some((tag) => merchantTags.has(tag))
      ? { tags: [environmentScopeTag], description: operatorNote(schema.description as string | undefined) }
      : {}),
    security: securityOf(access),
    ...withUrlParams(url, schema.params as JsonSchema | undefined),
    response: withSharedErrors(route, access, scoped, schema.response as Record<string, JsonSchema> | undefined),
  };
}

/** /metrics asks for its token only when one is configured: either requirement is met then. */
function securityOf(access: Access): Record<string, never[]>[] {
  if (access === 'public') return [];
  if (access === 'metricsToken') return [{ metricsToken: [] }, {}];
  return [{ [access]: [] }];
}

function operatorNote(description: string | undefined): string {
  const note = 'The merchant API route, for an operator acting as the environment `environmentId` (admin token instead of its secret token).';
  return description === undefined ? note : `${note}\n\n${description}`;
}

const urlParamDescriptions: Record<string, string> = {
  environmentId: 'Environment id (`env_…`).',
};

/** Path parameters the prefix adds (`environmentId`) are declared too: OpenAPI requires every one. */
function withUrlParams(url: string, params: JsonSchema | undefined): { params?: JsonSchema } {
  const names = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
  if (names.length === 0) return {};
  const declared = (params?.properties ?? {}) as Record<string, JsonSchema>;
  const properties = Object.fromEntries(
    names.map((name) => [name, declared[name] ?? { type: 'string', description: urlParamDescriptions[name] ?? name }]),
  );
  return { params: { type: 'object', required: names, properties } };
}

const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);

function withSharedErrors(route: RouteOptions, access: Access, scoped: boolean, response: Record<string, JsonSchema> = {}) {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const shared: Record<string, JsonSchema> = {};
  // app.ts's JSON parser: malformed or too deep JSON is a 400, another type a 415, over 1 MiB a 413.
  // Callbacks take any type, as text, up to their own limit.
  if (methods.some((method) => bodyMethods.has(method))) {
    shared['400'] = errorResponse('validation');
    shared['413'] = errorResponse('payload_too_large');
    if (!route.url.startsWith('/connxt/v2/callbacks/')) shared['415'] = errorResponse('unsupported_media_type');
  }
  if (access === 'secretToken') shared['401'] = errorResponse('unauthenticated', 'Missing, unknown, expired or revoked X-SECRET-TOKEN (4002)');
  if (access === 'adminToken') shared['401'] = errorResponse('unauthenticated', 'Missing or wrong admin bearer token (4002)');
  if (access === 'metricsToken') shared['401'] = errorResponse('unauthenticated', 'CONNXT_METRICS_TOKEN is set, and the bearer token is missing or wrong (4002)');
  if (scoped) shared['404'] = errorResponse('not_found', 'Environment (or the resource) not found (4004)');
  shared['500'] = errorResponse('internal');
  // The route's own descriptions win: they say more than the generic ones.
  return { ...shared, ...response };
}
