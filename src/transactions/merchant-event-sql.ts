/**
 * SQL that writes merchant events inside the statement that changes a status (the outbox): one
 * event per history row, with a snapshot of the transaction as of that row, and one outbox row
 * per event for the relay to hand to the delivery queue. No extra round trip, and no status change
 * without its event (or event without its change).
 */

/** ISO-8601 UTC with seconds, as the API shows resource times (`toApiDateTime`). */
export function apiTimeSql(expression: string): string {
  return `to_char((${expression}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')`;
}

/**
 * The event body, from a transaction row `t` (any relation with its columns) and a hop `h`
 * (seq, from_status, to_status, event_id, type) at time `now` (a timestamptz expression).
 * json (not jsonb) keeps the keys in this order, which is the order merchants see.
 */
export function eventPayloadSql(now: string): string {
  return `json_build_object(
    'id', h.event_id,
    'type', h.type,
    'createdAt', ${apiTimeSql(now)} || 'Z',
    'environmentId', t.environment_id,
    'data', json_build_object(
      'previousStatus', h.from_status,
      'sequence', h.seq,
      'transaction', json_build_object(
        'txnId', t.id,
        'status', h.to_status,
        'action', t.action,
        'transactionType', t.transaction_type,
        'txnAmount', t.amount::text,
        'txnCurrency', t.currency,
        'orderId', t.order_id,
        'customerId', t.customer_id,
        'pspId', t.psp_id,
        'pspTxnId', t.psp_txn_id,
        'parentTxnId', t.parent_transaction_id,
        'flowActionId', t.flow_action_id,
        'flowTargetId', t.flow_target_id,
        'createdAt', ${apiTimeSql('t.created_at')},
        'updatedAt', ${apiTimeSql(now)})))`;
}

/** Columns a RETURNING clause must give for `eventPayloadSql`. */
export const eventSnapshotColumns = `id, environment_id, action, transaction_type, amount, currency, order_id, customer_id,
  psp_id, psp_txn_id, parent_transaction_id, flow_action_id, flow_target_id, created_at`;

/**
 * CTEs `events` and `outbox`, given a CTE `source` holding one transaction row (or none) with
 * `eventSnapshotColumns` and a CTE `hops` (seq, from_status, to_status, event_id, type).
 */
export function eventCtesSql(source: string, now: string): string {
  return `events AS (
       INSERT INTO merchant_events (id, environment_id, transaction_id, seq, type, payload, created_at)
       SELECT h.event_id, t.environment_id, t.id, h.seq, h.type, ${eventPayloadSql(now)}, ${now}
       FROM ${source} t, hops h
       RETURNING id
     ), outbox AS (
       INSERT INTO event_outbox (event_id, endpoint_id, created_at)
       SELECT events.id, NULL, ${now} FROM events
     )`;
}
