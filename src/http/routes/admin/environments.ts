import type { FastifyPluginAsync } from 'fastify';
import { checkUpdateEnvironment, updateEnvironmentSchema } from '../../../tenants/tenant-input.js';
import type { EnvironmentSettings, TenantService } from '../../../tenants/tenant-service.js';
import { successEnvelope } from '../../envelope.js';
import { validatedBody } from '../../validated-body.js';
import { pathParams } from '../../openapi/common-schemas.js';
import { errorResponses, successResponse } from '../../openapi/envelopes.js';
import { environment } from '../../openapi/tenant-schemas.js';

const tags = ['Admin: environments'];
const environmentParams = pathParams({ environmentId: 'Environment id (`env_…`).' });
const environmentNotFound = 'Environment not found (4004).';

const getSchema = {
  tags,
  summary: 'Get an environment',
  params: environmentParams,
  response: { 200: successResponse('The environment.', environment), ...errorResponses({ 404: environmentNotFound }) },
};
const updateSchema = {
  tags,
  summary: 'Update an environment',
  description:
    'Redirect URLs and the merchant webhook URL (`null` clears one), the host map (non-production environments only), and ' +
    '`withdrawalAutoApproveLimits` (replaced as a whole; `{}` makes every withdrawal wait for approval).',
  params: environmentParams,
  body: updateEnvironmentSchema,
  response: {
    200: successResponse('The environment as it is now.', environment),
    ...errorResponses({ 404: environmentNotFound, 409: 'An environment with this name exists in the brand (4005).' }),
  },
};

export function adminEnvironmentRoutes(deps: { tenants: TenantService }): FastifyPluginAsync {
  return async (app) => {
    app.get('/environments/:environmentId', { schema: getSchema }, async (request) => {
      const { environmentId } = request.params as { environmentId: string };
      return successEnvelope(await deps.tenants.getEnvironment(environmentId));
    });

    /**
     * Redirect URLs and the merchant webhook URL (`null` clears one), the host map, and
     * `withdrawalAutoApproveLimits` (replaced as a whole).
     */
    app.patch('/environments/:environmentId', { schema: updateSchema }, async (request) => {
      const { environmentId } = request.params as { environmentId: string };
      const patch = validatedBody<EnvironmentSettings & { name?: string }>(request, checkUpdateEnvironment);
      return successEnvelope(
        await deps.tenants.updateEnvironment(environmentId, { ...patch, ...(patch.name === undefined ? {} : { name: patch.name.trim() }) }),
      );
    });
  };
}
