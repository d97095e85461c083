-- Tenants, the PSP catalog and PSP configurations.
-- Schemas are stored as json (not jsonb) so that their key order, which clients see, is kept as written.

CREATE TABLE engine_settings (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE brands (
  id text PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE environments (
  id text PRIMARY KEY,
  brand_id text NOT NULL REFERENCES brands (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  production boolean NOT NULL DEFAULT false,
  success_redirect_url text,
  failure_redirect_url text,
  webhook_url text,
  -- This environment's data key (encrypts its PSP credentials), AES-256-GCM-wrapped by the master key.
  data_key bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT environments_name_per_brand UNIQUE (brand_id, name)
);

-- Only a SHA-256 of each secret token is kept, with a short prefix so people can tell tokens apart.
CREATE TABLE secret_tokens (
  id text PRIMARY KEY,
  environment_id text NOT NULL REFERENCES environments (id),
  token_hash bytea NOT NULL CONSTRAINT secret_tokens_hash_unique UNIQUE,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX secret_tokens_environment ON secret_tokens (environment_id, created_at);

CREATE TABLE flow_types (
  id text PRIMARY KEY,
  name text NOT NULL CONSTRAINT flow_types_name_unique UNIQUE
);

CREATE TABLE flow_actions (
  id text PRIMARY KEY,
  flow_type_id text NOT NULL REFERENCES flow_types (id),
  name text NOT NULL,
  CONSTRAINT flow_actions_name_per_type UNIQUE (flow_type_id, name)
);

CREATE TABLE flow_targets (
  id text PRIMARY KEY,
  flow_type_id text NOT NULL REFERENCES flow_types (id),
  name text NOT NULL,
  logo text,
  status text NOT NULL CHECK (status IN ('ENABLED', 'DISABLED')),
  credential_schema json NOT NULL,
  input_schema json NOT NULL,
  allowed_hosts jsonb NOT NULL DEFAULT '[]',
  -- builtin targets are (re)loaded from connectors/ at start; custom ones are added through the admin API.
  source text NOT NULL CHECK (source IN ('builtin', 'custom')),
  -- Set when a builtin target is no longer in connectors/: kept for the PSPs that name it, shown DISABLED.
  retired_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT flow_targets_name_per_type UNIQUE (flow_type_id, name)
);

-- A definition is what one target does for one action; its script lives in immutable versions so a
-- transaction can pin the exact version it started with.
CREATE TABLE flow_definitions (
  id text PRIMARY KEY,
  flow_target_id text NOT NULL REFERENCES flow_targets (id),
  flow_action_id text NOT NULL REFERENCES flow_actions (id),
  description text NOT NULL,
  input_schema json NOT NULL,
  -- Set when its script left connectors/: the action then shows `definition: null`.
  retired_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT flow_definitions_action_per_target UNIQUE (flow_target_id, flow_action_id)
);

CREATE TABLE flow_definition_versions (
  definition_id text NOT NULL REFERENCES flow_definitions (id),
  version integer NOT NULL,
  script text NOT NULL,
  script_sha256 text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (definition_id, version)
);

CREATE TABLE psps (
  id text PRIMARY KEY,
  brand_id text NOT NULL REFERENCES brands (id),
  environment_id text NOT NULL REFERENCES environments (id),
  flow_target_id text NOT NULL REFERENCES flow_targets (id),
  name text NOT NULL,
  description text,
  logo text,
  status text NOT NULL CHECK (status IN ('ENABLED', 'DISABLED')),
  -- AES-256-GCM under the environment's data key, bound to this PSP's id.
  credential bytea NOT NULL,
  -- [{flowActionId, flowDefinitionId, status}], kept in the row so one read gives the whole PSP.
  operations jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  updated_by text NOT NULL
);
-- Enforces "same name on the same target in the same environment → 409" even under concurrency.
CREATE UNIQUE INDEX psps_name_per_target ON psps (environment_id, flow_target_id, name);
CREATE INDEX psps_environment_created ON psps (environment_id, created_at DESC, id DESC);
