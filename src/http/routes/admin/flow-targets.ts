import type { FastifyPluginAsync } from 'fastify';
import {
  checkActionVersion,
  checkCreateCustomTarget,
  checkUpdateCustomTarget,
  type CreateCustomTargetInput,
  type CustomActionInput,
  type UpdateCustomTargetInput,
} from '../../../catalog/custom-target-input.js';
import type { CustomTargetService } from '../../../catalog/custom-target-service.js';
import type { ActionName } from '../../../catalog/flow-types.js';
import { AppError } from '../../../errors.js';
import { successEnvelope } from '../../envelope.js';
import { validatedBody } from '../../validated-body.js';

const actionNames: readonly string[] = ['DEPOSIT', 'WITHDRAW', 'REFUND'];

export function adminFlowTargetRoutes(deps: { customTargets: CustomTargetService }): FastifyPluginAsync {
  return async (app) => {
    /** Adds a gateway without a release: its scripts are compiled and checked before anything is stored. */
    app.post('/flow-targets', async (request, reply) => {
      const input = validatedBody<CreateCustomTargetInput>(request, checkCreateCustomTarget);
      void reply.code(201);
      return successEnvelope(await deps.customTargets.create(input), { status: 201, message: 'Resource created successfully' });
    });

    app.get('/flow-targets', async () => successEnvelope(await deps.customTargets.list()));

    app.get('/flow-targets/:id', async (request) => {
      const { id } = request.params as { id: string };
      return successEnvelope(await deps.customTargets.get(id));
    });

    app.patch('/flow-targets/:id', async (request) => {
      const { id } = request.params as { id: string };
      const input = validatedBody<UpdateCustomTargetInput>(request, checkUpdateCustomTarget);
      return successEnvelope(await deps.customTargets.update(id, input));
    });

    /** A new script version; transactions already running keep the version they started with. */
    app.put('/flow-targets/:id/actions/:action', async (request) => {
      const { id, action } = request.params as { id: string; action: string };
      if (!actionNames.includes(action)) throw AppError.notFound('Flow action not found');
      const input = validatedBody<CustomActionInput>(request, checkActionVersion);
      return successEnvelope(await deps.customTargets.putAction(id, action as ActionName, input));
    });
  };
}
