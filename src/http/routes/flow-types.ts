import type { FastifyPluginAsync } from 'fastify';
import type { CatalogService } from '../../catalog/catalog-service.js';
import { flowTypeDefinitionsView } from '../../catalog/catalog-views.js';
import { AppError } from '../../errors.js';
import { successEnvelope } from '../envelope.js';
import { flowTypeDefinitions } from '../openapi/catalog-schemas.js';
import { errorResponses, successResponse } from '../openapi/envelopes.js';
import { specDefinitionsAnswer } from '../openapi/spec-examples.js';

const definitionsSchema = {
  tags: ['Flow types'],
  summary: 'Gateways of a flow type (spec/001 step 1)',
  description:
    'The flow targets (gateways) of a flow type, their credential schemas and actions: `targets[].id` is the `flowTargetId`, ' +
    '`actions[].id` the `flowActionId` and `actions[].definition.id` the `flowDefinitionId` of the next steps.',
  querystring: {
    type: 'object',
    required: ['type'],
    properties: { type: { type: 'string', description: 'Flow type name.', examples: ['PSP'] } },
  },
  response: {
    200: successResponse('The flow type and its targets.', flowTypeDefinitions, { examples: { spec: specDefinitionsAnswer } }),
    ...errorResponses({ 400: '`type` missing or repeated (4001).', 404: 'Flow type not found (4004).' }),
  },
};

export function flowTypeRoutes(deps: { catalog: CatalogService }): FastifyPluginAsync {
  return async (app) => {
    /** spec/001 step 1: the gateways of a flow type, their credential schemas and actions. */
    app.get('/flow-types/definitions', { schema: definitionsSchema }, async (request) => {
      const { type } = request.query as { type?: unknown };
      if (type === undefined || type === '') throw AppError.validation([{ field: 'type', message: 'is required' }]);
      if (typeof type !== 'string') throw AppError.validation([{ field: 'type', message: 'must be a single value' }]);
      const snapshot = await deps.catalog.snapshot();
      const flowType = snapshot.flowTypeByName(type);
      if (flowType === undefined) throw AppError.notFound('Flow type not found');
      return successEnvelope(flowTypeDefinitionsView(snapshot, flowType));
    });
  };
}
