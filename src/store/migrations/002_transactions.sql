-- Transactions, their status history and step runs; idempotency keys; per-environment host maps;
-- per-definition transition maps.

-- Non-production environments may point PSP origins at other base URLs (simulators), applied
-- inside sdk.http: {"https://api.sticpay.com": "http://127.0.0.1:8080/simulators/sticpay"}.
ALTER TABLE environments ADD COLUMN host_map jsonb NOT NULL DEFAULT '{}';

-- An operator's switch, which wins over the status connectors/ gives a builtin target at start.
ALTER TABLE flow_targets ADD COLUMN operator_status text CHECK (operator_status IN ('ENABLED', 'DISABLED'));

-- Each definition carries the statuses it may move between: {"NEW": ["CREATED"], ...}.
ALTER TABLE flow_definitions ADD COLUMN transitions jsonb;

CREATE TABLE transactions (
  id text PRIMARY KEY,
  brand_id text NOT NULL REFERENCES brands (id),
  environment_id text NOT NULL REFERENCES environments (id),
  psp_id text NOT NULL REFERENCES psps (id),
  flow_target_id text NOT NULL REFERENCES flow_targets (id),
  flow_action_id text NOT NULL REFERENCES flow_actions (id),
  -- DEPOSIT, WITHDRAW or REFUND: the action's name, kept so reads need no catalog join.
  action text NOT NULL,
  flow_definition_id text NOT NULL,
  -- The script version this transaction started with; later steps run the same version.
  definition_version integer NOT NULL,
  transaction_type text,
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- Exact decimal at the currency's ISO 4217 precision, and the same amount in minor units.
  amount numeric NOT NULL CHECK (amount > 0),
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  order_id text,
  customer_id text,
  psp_txn_id text,
  status text NOT NULL,
  -- Bumped by every status change; history rows are numbered from it.
  version integer NOT NULL,
  -- The merchant's executePayload, with card numbers and CVCs masked.
  execute_payload jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  FOREIGN KEY (flow_definition_id, definition_version) REFERENCES flow_definition_versions (definition_id, version)
);
-- One transaction per merchant order in an environment (a retried create must not charge twice).
CREATE UNIQUE INDEX transactions_order_per_environment ON transactions (environment_id, order_id)
  WHERE order_id IS NOT NULL;
CREATE INDEX transactions_environment_created ON transactions (environment_id, created_at DESC, id DESC);
CREATE INDEX transactions_psp_txn ON transactions (psp_id, psp_txn_id) WHERE psp_txn_id IS NOT NULL;

-- Append-only: one row per status change, with what caused it.
CREATE TABLE transaction_status_history (
  transaction_id text NOT NULL REFERENCES transactions (id),
  seq integer NOT NULL,
  from_status text,
  to_status text NOT NULL,
  cause text NOT NULL CHECK (cause IN ('api', 'webhook', 'redirect', 'reconciliation', 'operator')),
  detail text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (transaction_id, seq)
);

-- Every script step run against a transaction, with its redacted meta (logs, HTTP calls).
CREATE TABLE transaction_step_runs (
  id bigserial PRIMARY KEY,
  transaction_id text NOT NULL REFERENCES transactions (id),
  step text NOT NULL,
  definition_version integer NOT NULL,
  ok boolean NOT NULL,
  failure_kind text,
  failure_message text,
  result jsonb,
  meta jsonb NOT NULL,
  duration_ms numeric NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX transaction_step_runs_transaction ON transaction_step_runs (transaction_id, id);

-- Idempotency-Key, scoped to the environment: the first request claims the key; its response is
-- kept for replay until expires_at. A claim whose process died is freed at locked_until.
CREATE TABLE idempotency_keys (
  environment_id text NOT NULL REFERENCES environments (id),
  key text NOT NULL,
  request_hash text NOT NULL,
  state text NOT NULL CHECK (state IN ('in_flight', 'done')),
  response_status integer,
  -- json, not jsonb: a replay must be byte-identical, and jsonb would reorder the keys.
  response_body json,
  locked_until timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (environment_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
