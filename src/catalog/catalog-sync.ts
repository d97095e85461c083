import { ConfigError } from '../config.js';
import { advisoryLocks } from '../store/advisory-locks.js';
import type { Db, Queryable } from '../store/db.js';
import { builtinFlowTypes, type ActionName } from './flow-types.js';
import type { ConnectorManifest, ManifestAction } from './manifest.js';
import { defaultTransitionsFor } from '../transactions/status.js';

/**
 * Makes the builtin part of the catalog in the store what connectors/ says. Runs at every start
 * under an advisory lock, so processes starting together do it one at a time. What left
 * connectors/ is retired, never deleted (PSPs may name it); a changed script becomes a new
 * version and never rewrites an old one.
 */
export async function syncBuiltinCatalog(db: Db, manifests: readonly ConnectorManifest[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [advisoryLocks.catalogSync]);
    for (const flowType of builtinFlowTypes) {
      await tx.query('INSERT INTO flow_types (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = $2', [
        flowType.id,
        flowType.name,
      ]);
      for (const [name, id] of Object.entries(flowType.actions)) {
        await tx.query(
          `INSERT INTO flow_actions (id, flow_type_id, name) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET name = $3`,
          [id, flowType.id, name],
        );
      }
    }
    for (const manifest of manifests) await syncTarget(tx, manifest);
    await tx.query(
      `UPDATE flow_targets SET retired_at = now(), updated_at = now()
       WHERE source = 'builtin' AND retired_at IS NULL AND NOT (id = ANY($1::text[]))`,
      [manifests.map((m) => m.id)],
    );
  });
}

async function syncTarget(tx: Queryable, manifest: ConnectorManifest): Promise<void> {
  const flowType = builtinFlowTypes.find((type) => type.name === manifest.flowType);
  if (flowType === undefined) {
    throw new ConfigError(`connector ${manifest.dir}: unknown flowType "${manifest.flowType}"`);
  }
  await tx.query(
    `INSERT INTO flow_targets
       (id, flow_type_id, name, logo, status, credential_schema, input_schema, allowed_hosts, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'builtin')
     ON CONFLICT (id) DO UPDATE SET
       name = $3, logo = $4, status = $5, credential_schema = $6, input_schema = $7, allowed_hosts = $8,
       retired_at = NULL, updated_at = now()`,
    [
      manifest.id,
      flowType.id,
      manifest.name,
      manifest.logo,
      manifest.status,
      JSON.stringify(manifest.credentialSchema),
      JSON.stringify(manifest.inputSchema),
      JSON.stringify(manifest.allowedHosts),
    ],
  );
  const definitionIds: string[] = [];
  for (const [name, action] of Object.entries(manifest.actions) as [ActionName, ManifestAction][]) {
    await syncDefinition(tx, manifest, name, flowType.actions[name], action);
    definitionIds.push(action.definitionId);
  }
  await tx.query(
    `UPDATE flow_definitions SET retired_at = now(), updated_at = now()
     WHERE flow_target_id = $1 AND retired_at IS NULL AND NOT (id = ANY($2::text[]))`,
    [manifest.id, definitionIds],
  );
}

async function syncDefinition(
  tx: Queryable,
  manifest: ConnectorManifest,
  name: ActionName,
  actionId: string,
  action: ManifestAction,
): Promise<void> {
  const { rows: existing } = await tx.query<{ id: string }>(
    'SELECT id FROM flow_definitions WHERE flow_target_id = $1 AND flow_action_id = $2',
    [manifest.id, actionId],
  );
  const current = existing[0]?.id;
  if (current !== undefined && current !== action.definitionId) {
    // Clients store definition ids (PSP operations name them): they never change.
    throw new ConfigError(
      `connector ${manifest.dir}: ${name} is definition ${current} in the store, the manifest says ${action.definitionId}; definition ids are permanent`,
    );
  }
  await tx.query(
    `INSERT INTO flow_definitions (id, flow_target_id, flow_action_id, description, input_schema, transitions, time_to_live_seconds)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET description = $4, input_schema = $5, retired_at = NULL, updated_at = now(),
       transitions = coalesce(flow_definitions.transitions, $6), time_to_live_seconds = $7`,
    [
      action.definitionId,
      manifest.id,
      actionId,
      action.description,
      JSON.stringify(action.inputSchema),
      // Kept once set: the transactions already running on this definition follow the map they started with.
      JSON.stringify(defaultTransitionsFor(name)),
      // Unlike the map, a policy that may change under running transactions: the manifest's value now.
      action.timeToLiveSeconds,
    ],
  );
  const { rows } = await tx.query<{ version: number; script_sha256: string }>(
    `SELECT version, script_sha256 FROM flow_definition_versions
     WHERE definition_id = $1 ORDER BY version DESC LIMIT 1`,
    [action.definitionId],
  );
  const latest = rows[0];
  if (latest?.script_sha256 === action.scriptSha256) return;
  await tx.query(
    'INSERT INTO flow_definition_versions (definition_id, version, script, script_sha256, modules) VALUES ($1, $2, $3, $4, $5)',
    [action.definitionId, (latest?.version ?? 0) + 1, action.script, action.scriptSha256, JSON.stringify(action.modules)],
  );
}
