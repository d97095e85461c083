import type { FastifyPluginAsync } from 'fastify';
import type { FieldError } from '../../../errors.js';
import type { MerchantEventLog } from '../../../notifications/merchant-event-log.js';
import { checkRedeliver } from '../../../notifications/webhook-endpoint-input.js';
import { successEnvelope } from '../../envelope.js';
import { limitParam, stringParam, throwIfErrors } from '../../request-input.js';
import { validatedBody } from '../../validated-body.js';

type EventParams = { environmentId: string; eventId: string };

export function adminMerchantEventRoutes(deps: { events: MerchantEventLog }): FastifyPluginAsync {
  return async (app) => {
    /** Newest first, `?transactionId=`, `?type=`, `?limit=`, `?cursor=` (the previous page's `nextCursor`). */
    app.get('/environments/:environmentId/events', async (request) => {
      const { environmentId } = request.params as { environmentId: string };
      const query = request.query as Record<string, unknown>;
      const errors: FieldError[] = [];
      const params = {
        limit: limitParam(query, errors),
        cursor: stringParam(query, 'cursor', errors),
        transactionId: stringParam(query, 'transactionId', errors),
        type: stringParam(query, 'type', errors),
      };
      throwIfErrors(errors);
      return successEnvelope(await deps.events.listEvents(environmentId, params));
    });

    app.get('/environments/:environmentId/events/:eventId', async (request) => {
      const { environmentId, eventId } = request.params as EventParams;
      return successEnvelope(await deps.events.getEvent(environmentId, eventId));
    });

    /** Queued now, delivered by the workers shortly after: 202, under the event's own id. */
    app.post('/environments/:environmentId/events/:eventId/redeliver', async (request, reply) => {
      const { environmentId, eventId } = request.params as EventParams;
      const { endpointId } = validatedBody<{ endpointId?: string }>(request, checkRedeliver);
      const queued = await deps.events.redeliver(environmentId, eventId, endpointId);
      void reply.code(202);
      return successEnvelope(queued, { status: 202, message: 'Redelivery queued' });
    });
  };
}
