import type { FastifyPluginAsync } from 'fastify';
import type { FieldError } from '../../../errors.js';
import type { MerchantEventLog } from '../../../notifications/merchant-event-log.js';
import { merchantEventTypes } from '../../../notifications/event-types.js';
import { checkRedeliver, redeliverSchema } from '../../../notifications/webhook-endpoint-input.js';
import { successEnvelope } from '../../envelope.js';
import { limitParam, stringParam, throwIfErrors } from '../../request-input.js';
import { validatedBody } from '../../validated-body.js';
import { page, pageQuery, pathParams } from '../../openapi/common-schemas.js';
import { errorResponses, successResponse } from '../../openapi/envelopes.js';
import { merchantEvent, merchantEventDetail, queuedRedelivery } from '../../openapi/notification-schemas.js';

type EventParams = { environmentId: string; eventId: string };

const tags = ['Admin: merchant events'];
const eventParams = pathParams({ environmentId: 'Environment id (`env_…`).', eventId: 'Event id (`evt_…`).' });
const eventNotFound = 'Event not found in this environment (4004).';

const listSchema = {
  tags,
  summary: 'List merchant events',
  description: 'Newest first: one event per status change of the environment\'s transactions.',
  params: pathParams({ environmentId: 'Environment id (`env_…`).' }),
  querystring: pageQuery({ transactionId: { type: 'string' }, type: { type: 'string', enum: merchantEventTypes } }),
  response: {
    200: successResponse('A page of events.', page(merchantEvent)),
    ...errorResponses({ 400: 'Invalid filter or cursor (4001).', 404: 'Environment not found (4004).' }),
  },
};
const getSchema = {
  tags,
  summary: 'Get a merchant event',
  description: 'With every delivery attempt, grouped per endpoint.',
  params: eventParams,
  response: { 200: successResponse('The event and its deliveries.', merchantEventDetail), ...errorResponses({ 404: eventNotFound }) },
};
const redeliverEventSchema = {
  tags,
  summary: 'Redeliver a merchant event',
  description: 'Queued now under the event\'s own id, delivered by the workers shortly after: to `endpointId`, or to every enabled endpoint that takes it.',
  params: eventParams,
  body: redeliverSchema,
  response: {
    202: successResponse('Queued.', queuedRedelivery, { status: 202, message: 'Redelivery queued' }),
    ...errorResponses({ 404: 'Event or endpoint not found (4004).', 409: 'The endpoint is disabled, or no enabled endpoint takes the event (4005).' }),
  },
};

export function adminMerchantEventRoutes(deps: { events: MerchantEventLog }): FastifyPluginAsync {
  return async (app) => {
    /** Newest first, `?transactionId=`, `?type=`, `?limit=`, `?cursor=` (the previous page's `nextCursor`). */
    app.get('/environments/:environmentId/events', { schema: listSchema }, async (request) => {
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

    app.get('/environments/:environmentId/events/:eventId', { schema: getSchema }, async (request) => {
      const { environmentId, eventId } = request.params as EventParams;
      return successEnvelope(await deps.events.getEvent(environmentId, eventId));
    });

    /** Queued now, delivered by the workers shortly after: 202, under the event's own id. */
    app.post('/environments/:environmentId/events/:eventId/redeliver', { schema: redeliverEventSchema }, async (request, reply) => {
      const { environmentId, eventId } = request.params as EventParams;
      const { endpointId } = validatedBody<{ endpointId?: string }>(request, checkRedeliver);
      const queued = await deps.events.redeliver(environmentId, eventId, endpointId);
      void reply.code(202);
      return successEnvelope(queued, { status: 202, message: 'Redelivery queued' });
    });
  };
}
