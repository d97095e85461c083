import type { FastifyPluginAsync } from 'fastify';
import type { FieldError } from '../../../errors.js';
import type { MerchantEventLog } from '../../../notifications/merchant-event-log.js';
import {
  checkCreateWebhookEndpoint,
  checkRotateSecret,
  checkUpdateWebhookEndpoint,
  createWebhookEndpointSchema,
  defaultRotationSeconds,
  rotateSecretSchema,
  updateWebhookEndpointSchema,
  type CreateWebhookEndpointInput,
  type UpdateWebhookEndpointInput,
} from '../../../notifications/webhook-endpoint-input.js';
import type { WebhookEndpointService } from '../../../notifications/webhook-endpoint-service.js';
import { successEnvelope } from '../../envelope.js';
import { limitParam, stringParam, throwIfErrors } from '../../request-input.js';
import { validatedBody } from '../../validated-body.js';
import { page, pageQuery, pathParams } from '../../openapi/common-schemas.js';
import { errorResponses, successResponse } from '../../openapi/envelopes.js';
import {
  createdWebhookEndpoint,
  deletedWebhookEndpoint,
  endpointDelivery,
  rotatedSecret,
  webhookEndpoint,
} from '../../openapi/notification-schemas.js';

const created = { status: 201, message: 'Resource created successfully' } as const;

type EndpointParams = { environmentId: string; endpointId: string };

const tags = ['Admin: webhook endpoints'];
const environmentParams = pathParams({ environmentId: 'Environment id (`env_…`).' });
const endpointParams = pathParams({ environmentId: 'Environment id (`env_…`).', endpointId: 'Webhook endpoint id (`whe_…`).' });
const environmentNotFound = { 404: 'Environment not found (4004).' };
const endpointNotFound = { 404: 'Webhook endpoint not found in this environment (4004).' };

const createSchema = {
  tags,
  summary: 'Add a webhook endpoint',
  description: 'Where the environment\'s merchant events are POSTed, signed. The signing secret is in this answer only. Production environments need https.',
  params: environmentParams,
  body: createWebhookEndpointSchema,
  response: { 201: successResponse('The endpoint, with its signing secret.', createdWebhookEndpoint, created), ...errorResponses(environmentNotFound) },
};
const listSchema = {
  tags,
  summary: 'List webhook endpoints',
  params: environmentParams,
  response: { 200: successResponse('The endpoints.', { type: 'array', items: webhookEndpoint }), ...errorResponses(environmentNotFound) },
};
const getSchema = {
  tags,
  summary: 'Get a webhook endpoint',
  params: endpointParams,
  response: { 200: successResponse('The endpoint.', webhookEndpoint), ...errorResponses(endpointNotFound) },
};
const updateSchema = {
  tags,
  summary: 'Update a webhook endpoint',
  params: endpointParams,
  body: updateWebhookEndpointSchema,
  response: { 200: successResponse('The endpoint as it is now.', webhookEndpoint), ...errorResponses(endpointNotFound) },
};
const deleteSchema = {
  tags,
  summary: 'Delete a webhook endpoint',
  description: 'Deliveries already queued for it are dropped; its delivery log stays in the events\' details.',
  params: endpointParams,
  response: { 200: successResponse('Deleted.', deletedWebhookEndpoint), ...errorResponses(endpointNotFound) },
};
const rotateSchema = {
  tags,
  summary: 'Rotate the signing secret',
  description: 'A new secret; the old one keeps signing too (a second `v1`) for `expiresInSeconds` (default one day, at most 7 days).',
  params: endpointParams,
  body: rotateSecretSchema,
  response: { 200: successResponse('The new secret.', rotatedSecret), ...errorResponses(endpointNotFound) },
};
const deliveriesSchema = {
  tags,
  summary: 'An endpoint\'s delivery log',
  description: 'Every attempt to deliver to this endpoint, newest first.',
  params: endpointParams,
  querystring: pageQuery(),
  response: {
    200: successResponse('A page of delivery attempts.', page(endpointDelivery)),
    ...errorResponses({ 400: 'Invalid limit or cursor (4001).', ...endpointNotFound }),
  },
};

export function adminWebhookEndpointRoutes(deps: { webhookEndpoints: WebhookEndpointService; events: MerchantEventLog }): FastifyPluginAsync {
  return async (app) => {
    /** The signing secret is in this answer and never again (rotate-secret makes a new one). */
    app.post('/environments/:environmentId/webhook-endpoints', { schema: createSchema }, async (request, reply) => {
      const { environmentId } = request.params as { environmentId: string };
      const input = validatedBody<CreateWebhookEndpointInput>(request, checkCreateWebhookEndpoint);
      const endpoint = await deps.webhookEndpoints.create(environmentId, input);
      void reply.code(201);
      return successEnvelope(endpoint, created);
    });

    app.get('/environments/:environmentId/webhook-endpoints', { schema: listSchema }, async (request) => {
      const { environmentId } = request.params as { environmentId: string };
      return successEnvelope(await deps.webhookEndpoints.list(environmentId));
    });

    app.get('/environments/:environmentId/webhook-endpoints/:endpointId', { schema: getSchema }, async (request) => {
      const { environmentId, endpointId } = request.params as EndpointParams;
      return successEnvelope(await deps.webhookEndpoints.get(environmentId, endpointId));
    });

    app.patch('/environments/:environmentId/webhook-endpoints/:endpointId', { schema: updateSchema }, async (request) => {
      const { environmentId, endpointId } = request.params as EndpointParams;
      const patch = validatedBody<UpdateWebhookEndpointInput>(request, checkUpdateWebhookEndpoint);
      return successEnvelope(await deps.webhookEndpoints.update(environmentId, endpointId, patch));
    });

    /** Deliveries already queued for it are dropped; its delivery log stays in the events' details. */
    app.delete('/environments/:environmentId/webhook-endpoints/:endpointId', { schema: deleteSchema }, async (request) => {
      const { environmentId, endpointId } = request.params as EndpointParams;
      return successEnvelope(await deps.webhookEndpoints.delete(environmentId, endpointId));
    });

    /** A new secret; the old one keeps signing too (a second v1) for `expiresInSeconds` (default one day). */
    app.post('/environments/:environmentId/webhook-endpoints/:endpointId/rotate-secret', { schema: rotateSchema }, async (request) => {
      const { environmentId, endpointId } = request.params as EndpointParams;
      const { expiresInSeconds } = validatedBody<{ expiresInSeconds?: number }>(request, checkRotateSecret);
      return successEnvelope(await deps.webhookEndpoints.rotateSecret(environmentId, endpointId, expiresInSeconds ?? defaultRotationSeconds));
    });

    /** Every attempt to deliver to this endpoint, newest first. */
    app.get('/environments/:environmentId/webhook-endpoints/:endpointId/deliveries', { schema: deliveriesSchema }, async (request) => {
      const { environmentId, endpointId } = request.params as EndpointParams;
      const query = request.query as Record<string, unknown>;
      const errors: FieldError[] = [];
      const params = { limit: limitParam(query, errors), cursor: stringParam(query, 'cursor', errors) };
      throwIfErrors(errors);
      return successEnvelope(await deps.events.listDeliveries(environmentId, endpointId, params));
    });
  };
}
