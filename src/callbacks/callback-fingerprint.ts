import { createHash } from 'node:crypto';
import type { CallbackKind } from './callback-service.js';
import type { InboundRequest } from './inbound-request.js';

/**
 * What makes two callbacks "the same event": kind, method, query and the exact body. Headers are
 * left out on purpose: gateways resend an event with a new date, request id or trace header, and
 * that must still count as the same event. JSON of an array keeps the parts unambiguous (a body
 * can never bleed into the query), and the query is sorted so parameter order does not matter.
 */
export function callbackFingerprint(kind: CallbackKind, request: Pick<InboundRequest, 'method' | 'query' | 'rawBody'>): string {
  const query = Object.entries(request.query).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([kind, request.method.toUpperCase(), query, request.rawBody]))
    .digest('hex');
}
