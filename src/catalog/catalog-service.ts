import type { Db } from '../store/db.js';
import { isCatalogId } from '../ids.js';
import type { TransitionMap } from '../transactions/status.js';
import type { Ajv } from 'ajv';
import { compileValidator, createAjv, type Validator } from '../validation.js';

export interface CatalogAction {
  id: string;
  flowTypeId: string;
  name: string;
}

export interface CatalogDefinition {
  id: string;
  actionId: string;
  description: string;
  inputSchema: object;
  latestVersion: number;
  transitions: TransitionMap;
  /** How long its transactions may stay unsettled before reconciliation abandons them; null: the action's default. */
  timeToLiveSeconds: number | null;
}

export interface CatalogTarget {
  id: string;
  flowTypeId: string;
  name: string;
  logo: string | null;
  status: 'ENABLED' | 'DISABLED';
  credentialSchema: object;
  inputSchema: TargetInputSchema;
  allowedHosts: string[];
  source: 'builtin' | 'custom';
  /** By action id. An action without an entry has no definition (`definition: null`). */
  definitions: Map<string, CatalogDefinition>;
}

export interface TargetInputSchema {
  paymentMethods?: { items?: { enum?: string[] } };
  countries?: { items?: { enum?: string[] } };
  currencies?: { items?: { enum?: string[] } };
}

export interface CatalogFlowType {
  id: string;
  name: string;
  /** Newest first, the order Connxt lists them in (REFUND, WITHDRAW, DEPOSIT). */
  actions: CatalogAction[];
}

/** An immutable view of the catalog at one moment. */
export class CatalogSnapshot {
  readonly #credentialValidators = new Map<string, Validator>();
  readonly #inputValidators = new Map<string, Validator>();
  /**
   * Ajv keeps everything it ever compiled, and every load brings new schema objects: each snapshot
   * compiles with an Ajv of its own (≈1 ms to create) that is dropped with it.
   */
  #ajv: Ajv | undefined;

  constructor(
    readonly flowTypes: ReadonlyMap<string, CatalogFlowType>,
    readonly targets: ReadonlyMap<string, CatalogTarget>,
  ) {}

  flowTypeByName(name: string): CatalogFlowType | undefined {
    for (const flowType of this.flowTypes.values()) if (flowType.name === name) return flowType;
    return undefined;
  }

  targetsOfType(flowTypeId: string): CatalogTarget[] {
    return [...this.targets.values()]
      .filter((target) => target.flowTypeId === flowTypeId)
      .sort((a, b) => a.name.localeCompare(b.name, 'en'));
  }

  action(flowTypeId: string, actionId: string): CatalogAction | undefined {
    return this.flowTypes.get(flowTypeId)?.actions.find((action) => action.id === actionId);
  }

  #schemaCompiler(): Ajv {
    this.#ajv ??= createAjv();
    return this.#ajv;
  }

  /** Validates a transaction's executePayload.body against the definition's inputSchema. */
  inputValidator(definition: CatalogDefinition): Validator {
    let validator = this.#inputValidators.get(definition.id);
    if (validator === undefined) {
      validator = compileValidator(definition.inputSchema, 'executePayload.body', this.#schemaCompiler());
      this.#inputValidators.set(definition.id, validator);
    }
    return validator;
  }

  /** Validates a decrypted credential object against the target's credentialSchema. */
  credentialValidator(target: CatalogTarget): Validator {
    let validator = this.#credentialValidators.get(target.id);
    if (validator === undefined) {
      validator = compileValidator(target.credentialSchema, 'credential', this.#schemaCompiler());
      this.#credentialValidators.set(target.id, validator);
    }
    return validator;
  }
}

export interface CatalogServiceDeps {
  db: Db;
  /** How stale the snapshot may get before a read reloads it (catalog changes made by other processes). */
  refreshMs?: number;
}

const missReloadMs = 250;

/** Serves the catalog from memory; it is read on every PSP and transaction request. */
export class CatalogService {
  readonly #db: Db;
  readonly #refreshMs: number;
  #snapshot: CatalogSnapshot | undefined;
  #loadedAt = 0;
  #loading: Promise<CatalogSnapshot> | undefined;

  constructor(deps: CatalogServiceDeps) {
    this.#db = deps.db;
    this.#refreshMs = deps.refreshMs ?? 5_000;
  }

  async snapshot(): Promise<CatalogSnapshot> {
    if (this.#snapshot !== undefined && Date.now() - this.#loadedAt < this.#refreshMs) return this.#snapshot;
    return this.reload();
  }

  /**
   * A snapshot that holds `targetId` if the store does: another engine process may have created
   * that target a moment ago. A miss reloads at most every quarter second, so made-up ids cannot
   * turn every request into a catalog load.
   */
  async snapshotKnowing(targetId: unknown): Promise<CatalogSnapshot> {
    const snapshot = await this.snapshot();
    if (typeof targetId !== 'string' || snapshot.targets.has(targetId) || !isCatalogId('ftg', targetId)) return snapshot;
    if (Date.now() - this.#loadedAt < missReloadMs) return snapshot;
    return this.reload();
  }

  /** Loads now (after a catalog write). Concurrent callers share one load. */
  reload(): Promise<CatalogSnapshot> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  /**
   * One statement, so the snapshot is one consistent state even while another process syncs.
   * json_build_object embeds json columns as stored, so schemas keep their key order.
   */
  async #load(): Promise<CatalogSnapshot> {
    const startedAt = Date.now();
    const { rows } = await this.#db.query<CatalogRows>(
      `SELECT
         (SELECT coalesce(json_agg(json_build_object('id', id, 'name', name)), '[]') FROM flow_types) AS types,
         (SELECT coalesce(json_agg(json_build_object('id', id, 'flowTypeId', flow_type_id, 'name', name) ORDER BY id DESC), '[]')
            FROM flow_actions) AS actions,
         (SELECT coalesce(json_agg(json_build_object(
            'id', id, 'flowTypeId', flow_type_id, 'name', name, 'logo', logo,
            'status', CASE WHEN retired_at IS NULL THEN coalesce(operator_status, status) ELSE 'DISABLED' END,
            'credentialSchema', credential_schema, 'inputSchema', input_schema,
            'allowedHosts', allowed_hosts, 'source', source)), '[]') FROM flow_targets) AS targets,
         (SELECT coalesce(json_agg(json_build_object(
            'id', d.id, 'targetId', d.flow_target_id, 'actionId', d.flow_action_id, 'description', d.description,
            'inputSchema', d.input_schema, 'latestVersion', v.latest, 'transitions', d.transitions,
            'timeToLiveSeconds', d.time_to_live_seconds)), '[]')
            FROM flow_definitions d
            JOIN (SELECT definition_id, max(version) AS latest FROM flow_definition_versions GROUP BY definition_id) v
              ON v.definition_id = d.id
           WHERE d.retired_at IS NULL) AS definitions`,
    );
    const { types, actions, targets, definitions } = rows[0]!;
    const flowTypes = new Map<string, CatalogFlowType>();
    for (const type of types) flowTypes.set(type.id, { id: type.id, name: type.name, actions: [] });
    for (const action of actions) flowTypes.get(action.flowTypeId)?.actions.push(action);
    const targetMap = new Map<string, CatalogTarget>();
    for (const target of targets) targetMap.set(target.id, { ...target, definitions: new Map() });
    for (const { targetId, ...definition } of definitions) {
      targetMap.get(targetId)?.definitions.set(definition.actionId, definition);
    }
    this.#snapshot = new CatalogSnapshot(flowTypes, targetMap);
    this.#loadedAt = startedAt;
    return this.#snapshot;
  }
}

interface CatalogRows {
  types: { id: string; name: string }[];
  actions: CatalogAction[];
  targets: Omit<CatalogTarget, 'definitions'>[];
  definitions: (CatalogDefinition & { targetId: string })[];
}
