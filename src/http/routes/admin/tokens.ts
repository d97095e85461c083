import type { FastifyPluginAsync } from 'fastify';
import { checkRotateTokens, defaultGraceSeconds, rotateTokensSchema } from '../../../tenants/tenant-input.js';
import type { TenantService } from '../../../tenants/tenant-service.js';
import { successEnvelope } from '../../envelope.js';
import { validatedBody } from '../../validated-body.js';
import { pathParams } from '../../openapi/common-schemas.js';
import { errorResponses, successResponse } from '../../openapi/envelopes.js';
import { token, tokenRotation, tokenWithSecret } from '../../openapi/tenant-schemas.js';

const created = { status: 201, message: 'Resource created successfully' } as const;

const tags = ['Admin: tokens'];
const environmentParams = pathParams({ environmentId: 'Environment id (`env_…`).' });
const environmentNotFound = { 404: 'Environment not found (4004).' };

const listSchema = {
  tags,
  summary: 'List an environment\'s secret tokens',
  description: 'Their prefixes and status; never the secrets.',
  params: environmentParams,
  response: { 200: successResponse('The tokens.', { type: 'array', items: token }), ...errorResponses(environmentNotFound) },
};
const createSchema = {
  tags,
  summary: 'Add a secret token',
  description: 'One more live token; the others keep working. The secret is in this answer only.',
  params: environmentParams,
  response: { 201: successResponse('The new token, with its secret.', tokenWithSecret, created), ...errorResponses(environmentNotFound) },
};
const rotateSchema = {
  tags,
  summary: 'Rotate the secret tokens',
  description: 'A new token, and every live one set to expire after `graceSeconds` (default one day, at most 30 days).',
  params: environmentParams,
  body: rotateTokensSchema,
  response: { 201: successResponse('The new token and the ones now expiring.', tokenRotation, created), ...errorResponses(environmentNotFound) },
};
const revokeSchema = {
  tags,
  summary: 'Revoke a secret token',
  description: 'At once: requests with it are refused from now on.',
  params: pathParams({ environmentId: 'Environment id (`env_…`).', tokenId: 'Token id (`tok_…`).' }),
  response: { 200: successResponse('The token, revoked.', token), ...errorResponses({ 404: 'Token not found (4004).' }) },
};

export function adminTokenRoutes(deps: { tenants: TenantService }): FastifyPluginAsync {
  return async (app) => {
    app.get('/environments/:environmentId/tokens', { schema: listSchema }, async (request) => {
      const { environmentId } = request.params as { environmentId: string };
      return successEnvelope(await deps.tenants.listTokens(environmentId));
    });

    /** One more live token; the others keep working. The new secret is shown only here. */
    app.post('/environments/:environmentId/tokens', { schema: createSchema }, async (request, reply) => {
      const { environmentId } = request.params as { environmentId: string };
      void reply.code(201);
      return successEnvelope(await deps.tenants.createToken(environmentId), created);
    });

    /** A new token, and every live one set to expire after `graceSeconds` (default one day). */
    app.post('/environments/:environmentId/tokens/rotate', { schema: rotateSchema }, async (request, reply) => {
      const { environmentId } = request.params as { environmentId: string };
      const { graceSeconds } = validatedBody<{ graceSeconds?: number }>(request, checkRotateTokens);
      void reply.code(201);
      return successEnvelope(await deps.tenants.rotateTokens(environmentId, graceSeconds ?? defaultGraceSeconds), created);
    });

    app.post('/environments/:environmentId/tokens/:tokenId/revoke', { schema: revokeSchema }, async (request) => {
      const { environmentId, tokenId } = request.params as { environmentId: string; tokenId: string };
      return successEnvelope(await deps.tenants.revokeToken(environmentId, tokenId));
    });
  };
}
