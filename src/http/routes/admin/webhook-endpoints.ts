import type { FastifyPluginAsync } from 'fastify';
import type { FieldError } from '../../../errors.js';
import type { MerchantEventLog } from '../../../notifications/merchant-event-log.js';
import {
  checkCreateWebhookEndpoint,
  checkRotateSecret,
  checkUpdateWebhookEndpoint,
  defaultRotationSeconds,
  type CreateWebhookEndpointInput,
  type UpdateWebhookEndpointInput,
} from '../../../notifications/webhook-endpoint-input.js';
import type { WebhookEndpointService } from '../../../notifications/webhook-endpoint-service.js';
import { successEnvelope } from '../../envelope.js';
import { limitParam, stringParam, throwIfErrors } from '../../request-input.js';
import { validatedBody } from '../../validated-body.js';

const created = { status: 201, message: 'Resource created successfully' } as const;

type EndpointParams = { environmentId: string; endpointId: string };

export function adminWebhookEndpointRoutes(deps: { webhookEndpoints: WebhookEndpointService; events: MerchantEventLog }): FastifyPluginAsync {
  return async (app) => {
    /** The signing secret is in this answer and never again (rotate-secret makes a new one). */
    app.post('/environments/:environmentId/webhook-endpoints', async (request, reply) => {
      const { environmentId } = request.params as { environmentId: string };
      const input = validatedBody<CreateWebhookEndpointInput>(request, checkCreateWebhookEndpoint);
      const endpoint = await deps.webhookEndpoints.create(environmentId, input);
      void reply.code(201);
      return successEnvelope(endpoint, created);
    });

    app.get('/environments/:environmentId/webhook-endpoints', async (request) => {
      const { environmentId } = request.params as { environmentId: string };
      return successEnvelope(await deps.webhookEndpoints.list(environmentId));
    });

    app.get('/environments/:environmentId/webhook-endpoints/:endpointId', async (request) => {
      const { environmentId, endpointId } = request.params as EndpointParams;
      return successEnvelope(await deps.webhookEndpoints.get(environmentId, endpointId));
    });

    app.patch('/environments/:environmentId/webhook-endpoints/:endpointId', async (request) => {
      const { environmentId, endpointId } = request.params as EndpointParams;
      const patch = validatedBody<UpdateWebhookEndpointInput>(request, checkUpdateWebhookEndpoint);
      return successEnvelope(await deps.webhookEndpoints.update(environmentId, endpointId, patch));
    });

    /** Deliveries already queued for it are dropped; its delivery log stays in the events' details. */
    app.delete('/environments/:environmentId/webhook-endpoints/:endpointId', async (request) => {
      const { environmentId, endpointId } = request.params as EndpointParams;
      return successEnvelope(await deps.webhookEndpoints.delete(environmentId, endpointId));
    });

    /** A new secret; the old one keeps signing too (a second v1) for `expiresInSeconds` (default one day). */
    app.post('/environments/:environmentId/webhook-endpoints/:endpointId/rotate-secret', async (request) => {
      const { environmentId, endpointId } = request.params as EndpointParams;
      const { expiresInSeconds } = validatedBody<{ expiresInSeconds?: number }>(request, checkRotateSecret);
      return successEnvelope(await deps.webhookEndpoints.rotateSecret(environmentId, endpointId, expiresInSeconds ?? defaultRotationSeconds));
    });

    /** Every attempt to deliver to this endpoint, newest first. */
    app.get('/environments/:environmentId/webhook-endpoints/:endpointId/deliveries', async (request) => {
      const { environmentId, endpointId } = request.params as EndpointParams;
      const query = request.query as Record<string, unknown>;
      const errors: FieldError[] = [];
      const params = { limit: limitParam(query, errors), cursor: stringParam(query, 'cursor', errors) };
      throwIfErrors(errors);
      return successEnvelope(await deps.events.listDeliveries(environmentId, endpointId, params));
    });
  };
}
