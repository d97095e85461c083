import type { Db } from '../store/db.js';
import { compileValidator, type Validator } from '../validation.js';

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

  /** Validates a decrypted credential object against the target's credentialSchema. */
  credentialValidator(target: CatalogTarget): Validator {
    let validator = this.#credentialValidators.get(target.id);
    if (validator === undefined) {
      validator = compileValidator(target.credentialSchema, 'credential');
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

  /** Loads now (after a catalog write). Concurrent callers share one load. */
  reload(): Promise<CatalogSnapshot> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<CatalogSnapshot> {
    const startedAt = Date.now();
    const [types, actions, targets, definitions] = await Promise.all([
      this.#db.query<{ id: string; name: string }>('SELECT id, name FROM flow_types'),
      this.#db.query<{ id: string; flow_type_id: string; name: string }>(
        'SELECT id, flow_type_id, name FROM flow_actions ORDER BY id DESC',
      ),
      this.#db.query<{
        id: string;
        flow_type_id: string;
        name: string;
        logo: string | null;
        status: 'ENABLED' | 'DISABLED';
        credential_schema: object;
        input_schema: TargetInputSchema;
        allowed_hosts: string[];
        source: 'builtin' | 'custom';
      }>(
        `SELECT id, flow_type_id, name, logo, status, credential_schema, input_schema, allowed_hosts, source
         FROM flow_targets`,
      ),
      this.#db.query<{
        id: string;
        flow_target_id: string;
        flow_action_id: string;
        description: string;
        input_schema: object;
        latest_version: number;
      }>(
        `SELECT d.id, d.flow_target_id, d.flow_action_id, d.description, d.input_schema, max(v.version) AS latest_version
         FROM flow_definitions d JOIN flow_definition_versions v ON v.definition_id = d.id
         GROUP BY d.id`,
      ),
    ]);
    const flowTypes = new Map<string, CatalogFlowType>();
    for (const row of types.rows) flowTypes.set(row.id, { id: row.id, name: row.name, actions: [] });
    for (const row of actions.rows) {
      flowTypes.get(row.flow_type_id)?.actions.push({ id: row.id, flowTypeId: row.flow_type_id, name: row.name });
    }
    const targetMap = new Map<string, CatalogTarget>();
    for (const row of targets.rows) {
      targetMap.set(row.id, {
        id: row.id,
        flowTypeId: row.flow_type_id,
        name: row.name,
        logo: row.logo,
        status: row.status,
        credentialSchema: row.credential_schema,
        inputSchema: row.input_schema,
        allowedHosts: row.allowed_hosts,
        source: row.source,
        definitions: new Map(),
      });
    }
    for (const row of definitions.rows) {
      targetMap.get(row.flow_target_id)?.definitions.set(row.flow_action_id, {
        id: row.id,
        actionId: row.flow_action_id,
        description: row.description,
        inputSchema: row.input_schema,
        latestVersion: Number(row.latest_version),
      });
    }
    this.#snapshot = new CatalogSnapshot(flowTypes, targetMap);
    this.#loadedAt = startedAt;
    return this.#snapshot;
  }
}
