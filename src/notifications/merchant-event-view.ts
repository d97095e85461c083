/** Merchant events and delivery attempts as the store returns them, and as the admin API shows them. */
import { toApiDateTime } from '../api-time.js';

export interface MerchantEventRow {
  id: string;
  transaction_id: string;
  seq: number;
  type: string;
  /** The body POSTed to endpoints (json, parsed by the driver). */
  payload: unknown;
  created_at: Date;
}

export const merchantEventColumns = 'id, transaction_id, seq, type, payload, created_at';

export function merchantEventView(row: MerchantEventRow) {
  return {
    id: row.id,
    type: row.type,
    transactionId: row.transaction_id,
    sequence: row.seq,
    createdAt: toApiDateTime(row.created_at),
    payload: row.payload,
  };
}

export interface DeliveryAttemptRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  attempt: number;
  delivered: boolean;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
  created_at: Date;
}

export const deliveryAttemptColumns =
  'a.id, a.event_id, a.endpoint_id, a.attempt, a.delivered, a.status_code, a.latency_ms, a.response_excerpt, a.error, a.created_at';

export function deliveryAttemptView(row: DeliveryAttemptRow) {
  return {
    attempt: row.attempt,
    delivered: row.delivered,
    statusCode: row.status_code,
    latencyMs: row.latency_ms,
    responseExcerpt: row.response_excerpt,
    error: row.error,
    createdAt: toApiDateTime(row.created_at),
  };
}

/** An endpoint's log: each attempt says which event it carried. */
export function endpointDeliveryView(row: DeliveryAttemptRow & { event_type: string; transaction_id: string }) {
  return { id: row.id, eventId: row.event_id, eventType: row.event_type, transactionId: row.transaction_id, ...deliveryAttemptView(row) };
}

/** An event's attempts grouped per endpoint, each group in the order its attempts were made. */
export function deliveriesByEndpoint(rows: DeliveryAttemptRow[]) {
  const groups = new Map<string, ReturnType<typeof deliveryAttemptView>[]>();
  for (const row of rows) {
    const group = groups.get(row.endpoint_id) ?? [];
    group.push(deliveryAttemptView(row));
    groups.set(row.endpoint_id, group);
  }
  return [...groups].map(([endpointId, attempts]) => ({ endpointId, delivered: attempts.some((a) => a.delivered), attempts }));
}
