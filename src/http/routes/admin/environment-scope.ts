import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../app.js';
import { tenantOf } from '../../auth.js';
import { successEnvelope } from '../../envelope.js';
import { errorResponses, successResponse } from '../../openapi/envelopes.js';
import { pathParams } from '../../openapi/common-schemas.js';
import { environmentScopeTag } from '../../openapi/route-documentation.js';
import { transactionSteps } from '../../openapi/transaction-schemas.js';
import { flowTypeRoutes } from '../flow-types.js';
import { pspRoutes } from '../psps.js';
import { transactionRoutes } from '../transactions.js';

export type EnvironmentScopeDeps = Pick<AppDeps, 'tenants' | 'catalog' | 'psps' | 'transactions' | 'transactionQueries' | 'idempotency'>;

const stepsSchema = {
  tags: [environmentScopeTag],
  summary: 'A transaction\'s script runs',
  description: 'Each step run against the transaction, oldest first, with its redacted logs and gateway HTTP calls: the timeline of why a payment went the way it did.',
  params: pathParams({ environmentId: 'Environment id (`env_…`).', id: 'Transaction id (`ortx…`).' }),
  response: { 200: successResponse('The step runs.', transactionSteps), ...errorResponses({ 404: 'Environment or transaction not found (4004).' }) },
};

/**
 * The merchant API of one environment, for an operator (the dashboard, support staff): the same
 * routes as /connxt/v2, under /admin/v1/environments/{environmentId}/, acting as that environment
 * instead of presenting one of its secret tokens. Registered inside /admin/v1, so the admin token
 * has been checked first; an unknown environment is 404 before anything runs.
 */
export function adminEnvironmentScopeRoutes(deps: EnvironmentScopeDeps): FastifyPluginAsync {
  return async (app) => {
    await app.register(
      async (scope) => {
        scope.addHook('onRequest', async (request) => {
          const { environmentId } = request.params as { environmentId: string };
          request.tenant = await deps.tenants.operatorContext(environmentId);
        });
        await scope.register(flowTypeRoutes({ catalog: deps.catalog }));
        await scope.register(pspRoutes({ psps: deps.psps, idempotency: deps.idempotency }));
        await scope.register(transactionRoutes(deps));

        /** Operators only: each script run's redacted logs and gateway HTTP calls, for the timeline. */
        scope.get('/transactions/:id/steps', { schema: stepsSchema }, async (request) => {
          const { id } = request.params as { id: string };
          return successEnvelope(await deps.transactionQueries.steps(tenantOf(request), id));
        });
      },
      { prefix: '/environments/:environmentId' },
    );
  };
}
