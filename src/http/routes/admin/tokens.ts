import type { FastifyPluginAsync } from 'fastify';
import { checkRotateTokens, defaultGraceSeconds } from '../../../tenants/tenant-input.js';
import type { TenantService } from '../../../tenants/tenant-service.js';
import { successEnvelope } from '../../envelope.js';
import { validatedBody } from '../../validated-body.js';

const created = { status: 201, message: 'Resource created successfully' } as const;

export function adminTokenRoutes(deps: { tenants: TenantService }): FastifyPluginAsync {
  return async (app) => {
    app.get('/environments/:environmentId/tokens', async (request) => {
      const { environmentId } = request.params as { environmentId: string };
      return successEnvelope(await deps.tenants.listTokens(environmentId));
    });

    /** One more live token; the others keep working. The new secret is shown only here. */
    app.post('/environments/:environmentId/tokens', async (request, reply) => {
      const { environmentId } = request.params as { environmentId: string };
      void reply.code(201);
      return successEnvelope(await deps.tenants.createToken(environmentId), created);
    });

    /** A new token, and every live one set to expire after `graceSeconds` (default one day). */
    app.post('/environments/:environmentId/tokens/rotate', async (request, reply) => {
      const { environmentId } = request.params as { environmentId: string };
      const { graceSeconds } = validatedBody<{ graceSeconds?: number }>(request, checkRotateTokens);
      void reply.code(201);
      return successEnvelope(await deps.tenants.rotateTokens(environmentId, graceSeconds ?? defaultGraceSeconds), created);
    });

    app.post('/environments/:environmentId/tokens/:tokenId/revoke', async (request) => {
      const { environmentId, tokenId } = request.params as { environmentId: string; tokenId: string };
      return successEnvelope(await deps.tenants.revokeToken(environmentId, tokenId));
    });
  };
}
