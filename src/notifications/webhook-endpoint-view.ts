/** Webhook endpoint rows as the store returns them, and the view the admin API shows (never a secret). */
import { toApiDateTime } from '../api-time.js';
import type { MerchantEventType } from './event-types.js';

export interface WebhookEndpointRow {
  id: string;
  environment_id: string;
  url: string;
  description: string | null;
  events: MerchantEventType[] | null;
  enabled: boolean;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns of WebhookEndpointRow: the sealed secrets are selected only where they are used. */
export const webhookEndpointColumns =
  'id, environment_id, url, description, events, enabled, previous_secret_expires_at, created_at, updated_at';

export function webhookEndpointView(row: WebhookEndpointRow, now: Date) {
  const rotating = row.previous_secret_expires_at !== null && row.previous_secret_expires_at > now;
  return {
    id: row.id,
    environmentId: row.environment_id,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    /** While set, deliveries are signed with the previous secret too. */
    previousSecretExpiresAt: rotating ? toApiDateTime(row.previous_secret_expires_at!) : null,
    createdAt: toApiDateTime(row.created_at),
    updatedAt: toApiDateTime(row.updated_at),
  };
}

export type WebhookEndpointView = ReturnType<typeof webhookEndpointView>;

/** The view with the secret, answered only by create (where it was made) and never again. */
export function createdWebhookEndpointView(row: WebhookEndpointRow, secret: string, now: Date) {
  const { createdAt, updatedAt, ...view } = webhookEndpointView(row, now);
  return { ...view, secret, createdAt, updatedAt };
}
