-- A payment's life after its first call: merchant events (an outbox written with each status
-- change), webhook endpoints and their delivery log, stored inbound callbacks, the reconciliation
-- schedule, withdrawal approval and refund tracking.

-- Reconciliation: when the janitor next asks the PSP about a transaction (NULL = never: it is
-- final, or it waits for a person), and how many times it has asked.
ALTER TABLE transactions ADD COLUMN next_check_at timestamptz;
ALTER TABLE transactions ADD COLUMN check_count integer NOT NULL DEFAULT 0;
CREATE INDEX transactions_next_check ON transactions (next_check_at) WHERE next_check_at IS NOT NULL;

-- Refunds tracked on their deposit, in minor units: held by refunds under way, and given back by
-- refunds that succeeded. A refund reserves its amount in the statement that creates it, so two
-- refunds at the same instant can never give back more than was paid.
ALTER TABLE transactions ADD COLUMN refund_pending_minor bigint NOT NULL DEFAULT 0 CHECK (refund_pending_minor >= 0);
ALTER TABLE transactions ADD COLUMN refunded_minor bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0);
ALTER TABLE transactions ADD CONSTRAINT transactions_refunds_within_amount
  CHECK (refund_pending_minor + refunded_minor <= amount_minor);

-- A withdrawal waiting for approval keeps its executePayload here, AES-256-GCM under the
-- environment's data key (the stored execute_payload is masked), until it is approved or rejected.
ALTER TABLE transactions ADD COLUMN pending_payload bytea;

-- Withdrawals below these amounts are approved without a person: {"BRL": "500.00"}.
ALTER TABLE environments ADD COLUMN withdrawal_auto_approve_limits jsonb NOT NULL DEFAULT '{}';

-- How long a transaction of this definition may stay unsettled before it is ABANDONED (NULL: the
-- engine's default for the action).
ALTER TABLE flow_definitions ADD COLUMN time_to_live_seconds integer CHECK (time_to_live_seconds > 0);

-- One row per status change, written in the statement that makes the change. `payload` is the
-- body POSTed to merchants, byte for byte (json keeps its text).
CREATE TABLE merchant_events (
  id text PRIMARY KEY,
  environment_id text NOT NULL REFERENCES environments (id),
  transaction_id text NOT NULL REFERENCES transactions (id),
  -- The status history row it reports.
  seq integer NOT NULL,
  type text NOT NULL,
  payload json NOT NULL,
  created_at timestamptz NOT NULL
);
-- The event log's order: newest first, and one change's events (same instant) newest hop first.
CREATE INDEX merchant_events_environment_created ON merchant_events (environment_id, created_at DESC, transaction_id DESC, seq DESC);
CREATE INDEX merchant_events_transaction ON merchant_events (transaction_id, seq);

-- Events not yet handed to the delivery queue. endpoint_id NULL: every endpoint of the environment
-- whose filter takes the event; set: a redelivery to that endpoint only.
CREATE TABLE event_outbox (
  id bigserial PRIMARY KEY,
  event_id text NOT NULL REFERENCES merchant_events (id),
  endpoint_id text,
  created_at timestamptz NOT NULL
);

CREATE TABLE webhook_endpoints (
  id text PRIMARY KEY,
  environment_id text NOT NULL REFERENCES environments (id),
  url text NOT NULL,
  description text,
  -- Event types it takes (["transaction.succeeded", ...]); NULL = every type.
  events jsonb,
  enabled boolean NOT NULL DEFAULT true,
  -- Signing secrets, AES-256-GCM under the environment's data key: the current one, and while a
  -- secret rotates the previous one until it expires (deliveries carry both signatures).
  secret bytea NOT NULL,
  previous_secret bytea,
  previous_secret_expires_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- Kept after deletion for the delivery log; a deleted endpoint receives nothing.
  deleted_at timestamptz
);
CREATE INDEX webhook_endpoints_environment ON webhook_endpoints (environment_id, created_at, id) WHERE deleted_at IS NULL;

-- One row per delivery attempt.
CREATE TABLE webhook_delivery_attempts (
  id bigserial PRIMARY KEY,
  event_id text NOT NULL REFERENCES merchant_events (id),
  endpoint_id text NOT NULL REFERENCES webhook_endpoints (id),
  attempt integer NOT NULL,
  delivered boolean NOT NULL,
  status_code integer,
  latency_ms integer NOT NULL,
  response_excerpt text,
  error text,
  created_at timestamptz NOT NULL
);
CREATE INDEX webhook_delivery_attempts_event ON webhook_delivery_attempts (event_id, endpoint_id, id);
CREATE INDEX webhook_delivery_attempts_endpoint ON webhook_delivery_attempts (endpoint_id, id DESC);

-- Every inbound webhook and payer redirect, stored (redacted) before it is processed.
CREATE TABLE inbound_callbacks (
  id bigserial PRIMARY KEY,
  transaction_id text NOT NULL REFERENCES transactions (id),
  kind text NOT NULL CHECK (kind IN ('webhook', 'redirect')),
  method text NOT NULL,
  -- SHA-256 over kind, method, query and raw body: the same request again is a duplicate.
  fingerprint text NOT NULL,
  headers jsonb NOT NULL,
  query jsonb NOT NULL,
  body text,
  state text NOT NULL CHECK (state IN ('received', 'processed', 'rejected', 'failed', 'duplicate')),
  detail text,
  -- The HTTP status the caller got (a duplicate of a refused event gets the same refusal).
  answer_status integer,
  received_at timestamptz NOT NULL,
  processed_at timestamptz
);
CREATE INDEX inbound_callbacks_transaction ON inbound_callbacks (transaction_id, id);
CREATE INDEX inbound_callbacks_fingerprint ON inbound_callbacks (transaction_id, fingerprint);
