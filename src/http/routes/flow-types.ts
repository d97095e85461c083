import type { FastifyPluginAsync } from 'fastify';
import type { CatalogService } from '../../catalog/catalog-service.js';
import { flowTypeDefinitionsView } from '../../catalog/catalog-views.js';
import { AppError } from '../../errors.js';
import { successEnvelope } from '../envelope.js';

export function flowTypeRoutes(deps: { catalog: CatalogService }): FastifyPluginAsync {
  return async (app) => {
    /** spec/001 step 1: the gateways of a flow type, their credential schemas and actions. */
    app.get('/flow-types/definitions', async (request) => {
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
