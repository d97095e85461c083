// The baseline's two statements: the same rows the engine writes for a deposit that its gateway
// accepts, written as directly as SQL allows (issue 6). One statement per database transaction,
// each sent as a named (prepared) statement by the Db layer; event bodies are built in
// JavaScript rather than in SQL.

/** The transaction, its NEW → CREATED → INITIATED history, three events and their outbox rows. */
export const insertCreatedSql = `
WITH created AS (
  INSERT INTO transactions (id, brand_id, environment_id, psp_id, flow_target_id, flow_action_id, action,
                            flow_definition_id, definition_version, transaction_type, currency, amount, amount_minor,
                            order_id, customer_id, status, version, execute_payload, created_at, updated_at, next_check_at)
  VALUES ($1, $2, $3, $4, $5, $6, 'DEPOSIT', $7, $8, 'deposit', $9, $10, $11, $12, $13, 'INITIATED', 3, $14, $15, $15, $16)
  RETURNING id
), history AS (
  INSERT INTO transaction_status_history (transaction_id, seq, from_status, to_status, cause, created_at)
  SELECT id, s.seq, s.from_status, s.to_status, 'api', $15
    FROM created, unnest(ARRAY[1, 2, 3], ARRAY[NULL, 'NEW', 'CREATED'], ARRAY['NEW', 'CREATED', 'INITIATED']) AS s(seq, from_status, to_status)
), events AS (
  INSERT INTO merchant_events (id, environment_id, transaction_id, seq, type, payload, created_at)
  SELECT e.id, $3, created.id, e.seq, e.type, e.payload::json, $15
    FROM created, unnest($17::text[], ARRAY[1, 2, 3], ARRAY['transaction.new', 'transaction.created', 'transaction.initiated'], $18::text[])
         AS e(id, seq, type, payload)
  RETURNING id
)
INSERT INTO event_outbox (event_id, created_at) SELECT id, $15 FROM events`;

/** INITIATED → PG_ACCEPTED with its history row, event, outbox row and the step run. */
export const acceptSql = `
WITH moved AS (
  UPDATE transactions SET status = 'PG_ACCEPTED', version = 4, updated_at = $2, psp_txn_id = $3
   WHERE id = $1 AND status = 'INITIATED'
  RETURNING id, environment_id
), history AS (
  INSERT INTO transaction_status_history (transaction_id, seq, from_status, to_status, cause, created_at)
  SELECT id, 4, 'INITIATED', 'PG_ACCEPTED', 'api', $2 FROM moved
), events AS (
  INSERT INTO merchant_events (id, environment_id, transaction_id, seq, type, payload, created_at)
  SELECT $4, environment_id, id, 4, 'transaction.pg_accepted', $5::json, $2 FROM moved
  RETURNING id
), outbox AS (
  INSERT INTO event_outbox (event_id, created_at) SELECT id, $2 FROM events
)
INSERT INTO transaction_step_runs (transaction_id, step, definition_version, ok, result, meta, duration_ms, created_at)
SELECT id, 'initiate', $6, true, $7::jsonb, $8::jsonb, 1, $2 FROM moved`;
