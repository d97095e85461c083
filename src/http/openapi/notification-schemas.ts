import { merchantEventTypes } from '../../notifications/event-types.js';
import { nullableString, optionalResourceTime, resourceTime } from './common-schemas.js';

/** Merchant webhook endpoints, events and deliveries as src/notifications/*-view.ts answer them. */

const eventType = { type: 'string', enum: merchantEventTypes } as const;

const endpointProperties = {
  id: { type: 'string' },
  environmentId: { type: 'string' },
  url: { type: 'string' },
  description: nullableString,
  events: { type: ['array', 'null'], items: eventType, description: 'The event types it receives; null = all.' },
  enabled: { type: 'boolean' },
  previousSecretExpiresAt: { ...optionalResourceTime, description: 'While set, deliveries are signed with the previous secret too.' },
  createdAt: resourceTime,
  updatedAt: resourceTime,
} as const;

export const webhookEndpoint = { type: 'object', required: Object.keys(endpointProperties), properties: endpointProperties } as const;

const signingSecret = { type: 'string', description: 'The signing secret: in this answer only.' } as const;

export const createdWebhookEndpoint = {
  type: 'object',
  required: [...Object.keys(endpointProperties), 'secret'],
  properties: { ...endpointProperties, secret: signingSecret },
} as const;

export const deletedWebhookEndpoint = {
  type: 'object',
  required: ['id', 'deleted'],
  properties: { id: { type: 'string' }, deleted: { type: 'boolean', enum: [true] } },
} as const;

export const rotatedSecret = {
  type: 'object',
  required: ['secret', 'previousSecretExpiresAt'],
  properties: { secret: signingSecret, previousSecretExpiresAt: resourceTime },
} as const;

const attemptProperties = {
  attempt: { type: 'integer' },
  delivered: { type: 'boolean' },
  statusCode: { type: ['integer', 'null'] },
  latencyMs: { type: 'integer' },
  responseExcerpt: { ...nullableString, description: 'The start of the endpoint\'s answer.' },
  error: nullableString,
  createdAt: resourceTime,
} as const;

const eventProperties = {
  id: { type: 'string' },
  type: eventType,
  transactionId: { type: 'string' },
  sequence: { type: 'integer', description: 'Order of the transaction\'s events.' },
  createdAt: resourceTime,
  payload: { type: 'object', description: 'The body POSTed to the endpoints.' },
} as const;

export const merchantEvent = { type: 'object', required: Object.keys(eventProperties), properties: eventProperties } as const;

export const merchantEventDetail = {
  type: 'object',
  required: [...Object.keys(eventProperties), 'deliveries'],
  properties: {
    ...eventProperties,
    deliveries: {
      type: 'array',
      description: 'Attempts grouped per endpoint.',
      items: {
        type: 'object',
        required: ['endpointId', 'delivered', 'attempts'],
        properties: {
          endpointId: { type: 'string' },
          delivered: { type: 'boolean' },
          attempts: { type: 'array', items: { type: 'object', required: Object.keys(attemptProperties), properties: attemptProperties } },
        },
      },
    },
  },
} as const;

/** One attempt in an endpoint's delivery log, naming the event it carried. */
export const endpointDelivery = {
  type: 'object',
  required: ['id', 'eventId', 'eventType', 'transactionId', ...Object.keys(attemptProperties)],
  properties: { id: { type: 'string' }, eventId: { type: 'string' }, eventType: { type: 'string' }, transactionId: { type: 'string' }, ...attemptProperties },
} as const;

export const queuedRedelivery = {
  type: 'object',
  required: ['eventId', 'endpointIds'],
  properties: { eventId: { type: 'string' }, endpointIds: { type: 'array', items: { type: 'string' } } },
} as const;
