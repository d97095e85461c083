import { randomBase62 } from '../ids.js';

/** `whsec_` + 32 base62 characters (about 190 bits): recognisable in a merchant's config, unguessable. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBase62(32)}`;
}

/**
 * Sealing context of an endpoint's secrets (current and previous alike), so a sealed secret moved
 * to another endpoint's row does not open.
 */
export function webhookSecretContext(endpointId: string): string {
  return `connxt:webhook-secret:${endpointId}`;
}
