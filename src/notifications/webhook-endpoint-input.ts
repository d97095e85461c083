import type { FieldError } from '../errors.js';
import { compileValidator } from '../validation.js';
import { merchantEventTypes, type MerchantEventType } from './event-types.js';

export const maxUrlLength = 2048;

const url = { type: 'string', minLength: 1, maxLength: maxUrlLength, format: 'uri', pattern: '^https?://' } as const;
/** null = every type; an empty list would receive nothing, which is what `enabled: false` is for. */
const events = {
  type: ['array', 'null'],
  minItems: 1,
  uniqueItems: true,
  items: { type: 'string', enum: merchantEventTypes },
} as const;
const description = { type: ['string', 'null'], maxLength: 500 } as const;
const enabled = { type: 'boolean' } as const;

export interface CreateWebhookEndpointInput {
  url: string;
  events?: MerchantEventType[] | null;
  description?: string | null;
  enabled?: boolean;
}

export type UpdateWebhookEndpointInput = Partial<CreateWebhookEndpointInput>;

export const createWebhookEndpointSchema = {
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: { url, events, description, enabled },
} as const;

export const updateWebhookEndpointSchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: { url, events, description, enabled },
} as const;

export const checkCreateWebhookEndpoint = compileValidator(createWebhookEndpointSchema);
export const checkUpdateWebhookEndpoint = compileValidator(updateWebhookEndpointSchema);

/** The previous secret keeps signing for up to 7 days after a rotation; one day unless told. */
export const defaultRotationSeconds = 86_400;
export const maxRotationSeconds = 604_800;

export const rotateSecretSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { expiresInSeconds: { type: 'integer', minimum: 0, maximum: maxRotationSeconds } },
} as const;

export const redeliverSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { endpointId: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

export const checkRotateSecret = compileValidator(rotateSecretSchema);
export const checkRedeliver = compileValidator(redeliverSchema);

/**
 * What the schema cannot say about a URL that passed it: user:password in it would be stored and
 * shown in clear, a fragment is never sent, and a production environment's events (real payments)
 * must travel over TLS.
 */
export function urlProblems(value: string, production: boolean): FieldError[] {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return [{ field: 'url', message: 'must be an absolute http(s) URL' }];
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return [{ field: 'url', message: 'must be an absolute http(s) URL' }];
  if (parsed.username !== '' || parsed.password !== '') return [{ field: 'url', message: 'must not contain credentials' }];
  if (parsed.hash !== '' || value.includes('#')) return [{ field: 'url', message: 'must not contain a fragment' }];
  if (production && parsed.protocol !== 'https:') return [{ field: 'url', message: 'must be https in a production environment' }];
  return [];
}
