import { createHash } from 'node:crypto';
import { AppError, pgConstraint, pgErrorCode, pgErrorCodes, type FieldError } from '../errors.js';
import { ScriptCheckError, type Sandbox } from '../flows/sandbox.js';
import { catalogId, isCatalogId } from '../ids.js';
import type { Db, Queryable } from '../store/db.js';
import { defaultTransitionsFor } from '../transactions/status.js';
import { compileValidator, createAjv } from '../validation.js';
import type { CatalogService, CatalogSnapshot } from './catalog-service.js';
import { flowTypeDefinitionsView } from './catalog-views.js';
import {
  emptyTargetInputSchema,
  type CreateCustomTargetInput,
  type CustomActionInput,
  type UpdateCustomTargetInput,
} from './custom-target-input.js';
import { builtinFlowTypes, type ActionName } from './flow-types.js';

export interface CustomTargetServiceDeps {
  db: Db;
  catalog: CatalogService;
  sandbox: Sandbox;
}

const pspType = builtinFlowTypes.find((type) => type.name === 'PSP')!;

/**
 * Gateways added at run time by operators (`/admin/v1/flow-targets`): a script is compiled and its
 * steps checked before it is stored, and a new script is a new immutable version, so transactions
 * already running keep the version they started with.
 */
export class CustomTargetService {
  readonly #deps: CustomTargetServiceDeps;

  constructor(deps: CustomTargetServiceDeps) {
    this.#deps = deps;
  }

  async create(input: CreateCustomTargetInput) {
    const errors: FieldError[] = [];
    checkSchema(input.credentialSchema, 'credentialSchema', errors);
    for (const [name, action] of actionEntries(input)) {
      if (action.inputSchema !== undefined) checkSchema(action.inputSchema, `actions.${name}.inputSchema`, errors);
      await this.#checkScript(action.script, `actions.${name}.script`, errors);
    }
    if (errors.length > 0) throw AppError.validation(errors);
    const targetId = catalogId('ftg');
    try {
      await this.#deps.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO flow_targets (id, flow_type_id, name, logo, status, credential_schema, input_schema, allowed_hosts, source)
           VALUES ($1, $2, $3, $4, 'ENABLED', $5, $6, $7, 'custom')`,
          [
            targetId,
            pspType.id,
            input.name.trim(),
            input.logo ?? null,
            JSON.stringify(input.credentialSchema),
            JSON.stringify(input.inputSchema ?? emptyTargetInputSchema),
            JSON.stringify(input.allowedHosts),
          ],
        );
        for (const [name, action] of actionEntries(input)) await addDefinition(tx, targetId, name, action);
      });
    } catch (err) {
      if (pgErrorCode(err) === pgErrorCodes.uniqueViolation && pgConstraint(err) === 'flow_targets_name_per_type') {
        throw AppError.conflict('A flow target with this name already exists');
      }
      throw err;
    }
    return this.get(targetId, await this.#deps.catalog.reload());
  }

  /** A new script version for one action of a custom target (or the action's first definition). */
  async putAction(targetId: string, name: ActionName, action: CustomActionInput) {
    await this.#customTarget(targetId);
    const errors: FieldError[] = [];
    if (action.inputSchema !== undefined) checkSchema(action.inputSchema, 'inputSchema', errors);
    await this.#checkScript(action.script, 'script', errors);
    if (errors.length > 0) throw AppError.validation(errors);
    await this.#deps.db.transaction(async (tx) => {
      // Serialises concurrent uploads for one target so version numbers do not collide.
      await tx.query('SELECT id FROM flow_targets WHERE id = $1 FOR UPDATE', [targetId]);
      const { rows } = await tx.query<{ id: string }>(
        'SELECT id FROM flow_definitions WHERE flow_target_id = $1 AND flow_action_id = $2',
        [targetId, pspType.actions[name]],
      );
      if (rows[0] === undefined) {
        await addDefinition(tx, targetId, name, action);
        return;
      }
      await tx.query(
        `UPDATE flow_definitions SET description = coalesce($2, description), input_schema = coalesce($3::json, input_schema),
                updated_at = now() WHERE id = $1`,
        [rows[0].id, action.description ?? null, action.inputSchema === undefined ? null : JSON.stringify(action.inputSchema)],
      );
      await addVersion(tx, rows[0].id, action.script);
    });
    return this.get(targetId, await this.#deps.catalog.reload());
  }

  /** Operators may switch any target off (builtin ones too); other fields only of custom targets. */
  async update(targetId: string, input: UpdateCustomTargetInput) {
    const source = await this.#source(targetId);
    if (source === 'builtin' && (input.logo !== undefined || input.allowedHosts !== undefined)) {
      throw AppError.conflict('A builtin flow target is defined by connectors/; only its status can be changed here');
    }
    await this.#deps.db.query(
      `UPDATE flow_targets
          SET operator_status = coalesce($2, operator_status),
              logo = CASE WHEN $3::boolean THEN $4 ELSE logo END,
              allowed_hosts = coalesce($5::jsonb, allowed_hosts),
              updated_at = now()
        WHERE id = $1`,
      [
        targetId,
        input.status ?? null,
        input.logo !== undefined,
        input.logo ?? null,
        input.allowedHosts === undefined ? null : JSON.stringify(input.allowedHosts),
      ],
    );
    return this.get(targetId, await this.#deps.catalog.reload());
  }

  /** The target in the definitions format (spec/001 step 1), plus what operators need to see. */
  async get(targetId: string, snapshot?: CatalogSnapshot) {
    const current = snapshot ?? (await this.#deps.catalog.snapshot());
    const target = isCatalogId('ftg', targetId) ? current.targets.get(targetId) : undefined;
    if (target === undefined) throw AppError.notFound('Flow target not found');
    const flowType = current.flowTypes.get(target.flowTypeId)!;
    const view = flowTypeDefinitionsView(current, flowType).targets.find((t) => t.id === targetId)!;
    return { ...view, source: target.source, allowedHosts: target.allowedHosts, versions: versionsOf(target) };
  }

  /**
   * The target as get() shows it, plus the script (and shared modules) each action runs now: what
   * an operator reads before trusting a gateway, built-in or custom.
   */
  async getWithScripts(targetId: string) {
    const target = await this.get(targetId);
    const { rows } = await this.#deps.db.query<{ action: string; definition_id: string; version: number; script: string; modules: Record<string, string> }>(
      `SELECT a.name AS action, d.id AS definition_id, v.version, v.script, v.modules
         FROM flow_definitions d
         JOIN flow_actions a ON a.id = d.flow_action_id
         JOIN LATERAL (SELECT version, script, modules FROM flow_definition_versions
                        WHERE definition_id = d.id ORDER BY version DESC LIMIT 1) v ON true
        WHERE d.flow_target_id = $1 AND d.retired_at IS NULL
        ORDER BY a.name`,
      [targetId],
    );
    const scripts = Object.fromEntries(
      rows.map((row) => [row.action, { definitionId: row.definition_id, version: row.version, script: row.script, modules: row.modules }]),
    );
    return { ...target, scripts };
  }

  async list() {
    const snapshot = await this.#deps.catalog.snapshot();
    return [...snapshot.targets.keys()].sort().map((id) => {
      const target = snapshot.targets.get(id)!;
      return { id, name: target.name, status: target.status, source: target.source, allowedHosts: target.allowedHosts };
    });
  }

  async #checkScript(script: string, field: string, errors: FieldError[]): Promise<void> {
    try {
      const steps = await this.#deps.sandbox.check(script);
      if (!steps.includes('initiate')) errors.push({ field, message: 'must export an async function initiate(ctx, sdk)' });
    } catch (err) {
      if (!(err instanceof ScriptCheckError)) throw err;
      errors.push({ field, message: `does not compile: ${err.message}` });
    }
  }

  async #source(targetId: string): Promise<'builtin' | 'custom'> {
    const { rows } = isCatalogId('ftg', targetId)
      ? await this.#deps.db.query<{ source: 'builtin' | 'custom' }>('SELECT source FROM flow_targets WHERE id = $1', [targetId])
      : { rows: [] };
    if (rows[0] === undefined) throw AppError.notFound('Flow target not found');
    return rows[0].source;
  }

  async #customTarget(targetId: string): Promise<void> {
    if ((await this.#source(targetId)) !== 'custom') {
      throw AppError.conflict('A builtin flow target is defined by connectors/; change its scripts there');
    }
  }
}

function actionEntries(input: CreateCustomTargetInput): [ActionName, CustomActionInput][] {
  return Object.entries(input.actions).filter((entry): entry is [ActionName, CustomActionInput] => entry[1] !== undefined);
}

/**
 * Compiled with an Ajv of its own, dropped afterwards: the shared one keeps every schema it compiles.
 * A schema that declares an `$id` is refused: the catalog compiles every target's schemas into one
 * Ajv per snapshot, which refuses an id it already holds, so two such targets could break each other.
 */
function checkSchema(schema: object, field: string, errors: FieldError[]): void {
  const ajv = createAjv();
  const known = new Set(Object.keys(ajv.refs));
  try {
    compileValidator(schema, '', ajv);
  } catch (err) {
    errors.push({ field, message: `is not a valid JSON Schema: ${err instanceof Error ? err.message : String(err)}` });
    return;
  }
  if (Object.keys(ajv.refs).some((ref) => ref !== '' && !known.has(ref))) {
    errors.push({ field, message: 'must not declare an $id' });
  }
}

async function addDefinition(tx: Queryable, targetId: string, name: ActionName, action: CustomActionInput): Promise<void> {
  const definitionId = catalogId('fld');
  await tx.query(
    `INSERT INTO flow_definitions (id, flow_target_id, flow_action_id, description, input_schema, transitions)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      definitionId,
      targetId,
      pspType.actions[name],
      action.description ?? `${name} script`,
      JSON.stringify(action.inputSchema ?? { type: 'object' }),
      JSON.stringify(defaultTransitionsFor(name)),
    ],
  );
  await addVersion(tx, definitionId, action.script);
}

async function addVersion(tx: Queryable, definitionId: string, script: string): Promise<void> {
  await tx.query(
    `INSERT INTO flow_definition_versions (definition_id, version, script, script_sha256)
     SELECT $1, coalesce(max(version), 0) + 1, $2, $3 FROM flow_definition_versions WHERE definition_id = $1`,
    [definitionId, script, createHash('sha256').update(script).digest('hex')],
  );
}

function versionsOf(target: { definitions: Map<string, { id: string; latestVersion: number }> }) {
  return Object.fromEntries([...target.definitions.values()].map((definition) => [definition.id, definition.latestVersion]));
}
