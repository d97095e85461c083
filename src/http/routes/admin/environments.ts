import type { FastifyPluginAsync } from 'fastify';
import { checkUpdateEnvironment } from '../../../tenants/tenant-input.js';
import type { EnvironmentSettings, TenantService } from '../../../tenants/tenant-service.js';
import { successEnvelope } from '../../envelope.js';
import { validatedBody } from '../../validated-body.js';

export function adminEnvironmentRoutes(deps: { tenants: TenantService }): FastifyPluginAsync {
  return async (app) => {
    app.get('/environments/:environmentId', async (request) => {
      const { environmentId } = request.params as { environmentId: string };
      return successEnvelope(await deps.tenants.getEnvironment(environmentId));
    });

    /**
     * Redirect URLs and the merchant webhook URL (`null` clears one), the host map, and
     * `withdrawalAutoApproveLimits` (replaced as a whole).
     */
    app.patch('/environments/:environmentId', async (request) => {
      const { environmentId } = request.params as { environmentId: string };
      const patch = validatedBody<EnvironmentSettings & { name?: string }>(request, checkUpdateEnvironment);
      return successEnvelope(
        await deps.tenants.updateEnvironment(environmentId, { ...patch, ...(patch.name === undefined ? {} : { name: patch.name.trim() }) }),
      );
    });
  };
}
