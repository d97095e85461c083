import type { CatalogService, CatalogSnapshot, CatalogTarget } from '../catalog/catalog-service.js';
import { AppError, pgConstraint, pgErrorCode, pgErrorCodes, type FieldError } from '../errors.js';
import { isCatalogId, isTenantId, tenantId } from '../ids.js';
import type { Db } from '../store/db.js';
import type { TenantContext } from '../tenants/token-authenticator.js';
import type { CredentialCipher } from './credential-cipher.js';
import {
  checkCreateShape,
  checkUpdateShape,
  isObject,
  type CreatePspInput,
  type PspOperation,
  type UpdatePspInput,
} from './psp-input.js';
import { pspColumns, pspView, type PspRow, type PspView } from './psp-view.js';

export interface PspServiceDeps {
  db: Db;
  catalog: CatalogService;
  cipher: CredentialCipher;
}

export interface PspListQuery {
  limit: number;
  cursor?: string;
  flowTargetId?: string;
  status?: 'ENABLED' | 'DISABLED';
}

const duplicateNameMessage = 'PSP with same name already exists';

/** PSP configurations of one environment: create, read, update. Every query is scoped by environment. */
export class PspService {
  readonly #deps: PspServiceDeps;

  constructor(deps: PspServiceDeps) {
    this.#deps = deps;
  }

  async create(tenant: TenantContext, body: unknown): Promise<PspView> {
    const errors = checkCreateShape(body);
    const input = isObject(body) ? (body as Partial<CreatePspInput>) : {};
    const snapshot = await this.#deps.catalog.snapshotKnowing(input.flowTargetId);
    const target = checkTarget(snapshot, input.flowTargetId, errors);
    const credential = target && checkCredential(snapshot, target, input.credential, errors);
    if (target !== undefined && !hasError(errors, 'operations')) checkOperations(snapshot, target, input.operations, errors);
    if (errors.length > 0 || target === undefined || credential === undefined) throw AppError.validation(errors);

    const valid = input as CreatePspInput;
    const id = tenantId('psp');
    const sealed = await this.#deps.cipher.encrypt(tenant.environmentId, id, credential);
    try {
      const { rows } = await this.#deps.db.query<PspRow>(
        `INSERT INTO psps (id, brand_id, environment_id, flow_target_id, name, description, logo, status,
                           credential, operations, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $3, $3)
         RETURNING ${pspColumns}`,
        [
          id,
          tenant.brandId,
          tenant.environmentId,
          target.id,
          valid.name.trim(),
          valid.description ?? null,
          valid.logo ?? null,
          valid.status ?? 'ENABLED',
          sealed,
          JSON.stringify(normalizeOperations(valid.operations)),
        ],
      );
      return pspView(rows[0]!, snapshot);
    } catch (err) {
      throw translateWriteError(err);
    }
  }

  async get(tenant: TenantContext, id: string): Promise<PspView> {
    if (!isTenantId('psp', id)) throw AppError.notFound('PSP not found');
    const { rows } = await this.#deps.db.query<PspRow>(
      `SELECT ${pspColumns} FROM psps WHERE id = $1 AND environment_id = $2`,
      [id, tenant.environmentId],
    );
    if (rows[0] === undefined) throw AppError.notFound('PSP not found');
    return pspView(rows[0], await this.#deps.catalog.snapshot());
  }

  /** Newest first; the cursor is the id of the last PSP of the previous page. */
  async list(tenant: TenantContext, query: PspListQuery): Promise<{ items: PspView[]; nextCursor: string | null }> {
    const errors: FieldError[] = [];
    if (query.cursor !== undefined && !isTenantId('psp', query.cursor)) {
      errors.push({ field: 'cursor', message: 'does not name a PSP of this environment' });
    }
    if (query.flowTargetId !== undefined && !isCatalogId('ftg', query.flowTargetId)) {
      errors.push({ field: 'flowTargetId', message: 'is not a flow target id' });
    }
    if (errors.length > 0) throw AppError.validation(errors);
    const { rows } = await this.#deps.db.query<PspRow>(
      `WITH after AS (SELECT created_at, id FROM psps WHERE id = $2 AND environment_id = $1)
       SELECT ${pspColumns}
       FROM psps
       WHERE environment_id = $1
         AND ($2::text IS NULL OR (created_at, id) < (SELECT created_at, id FROM after))
         AND ($3::text IS NULL OR flow_target_id = $3)
         AND ($4::text IS NULL OR status = $4)
       ORDER BY created_at DESC, id DESC
       LIMIT $5`,
      [tenant.environmentId, query.cursor ?? null, query.flowTargetId ?? null, query.status ?? null, query.limit + 1],
    );
    // An empty page after a cursor is either the end or a cursor of nobody's: only then ask which.
    if (query.cursor !== undefined && rows.length === 0) await this.#assertCursor(tenant, query.cursor);
    const snapshot = await this.#deps.catalog.snapshot();
    const page = rows.slice(0, query.limit);
    return {
      items: page.map((row) => pspView(row, snapshot)),
      nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
    };
  }

  async update(tenant: TenantContext, id: string, body: unknown): Promise<PspView> {
    if (!isTenantId('psp', id)) throw AppError.notFound('PSP not found');
    const errors = checkUpdateShape(body);
    const { rows: current } = await this.#deps.db.query<{ flow_target_id: string }>(
      'SELECT flow_target_id FROM psps WHERE id = $1 AND environment_id = $2',
      [id, tenant.environmentId],
    );
    if (current[0] === undefined) throw AppError.notFound('PSP not found');
    const snapshot = await this.#deps.catalog.snapshot();
    const target = snapshot.targets.get(current[0].flow_target_id);
    if (target === undefined) throw new Error(`PSP ${id} names flow target ${current[0].flow_target_id}, absent from the catalog`);
    const input = isObject(body) ? (body as UpdatePspInput) : {};
    const credential =
      input.credential === undefined ? undefined : checkCredential(snapshot, target, input.credential, errors);
    if (input.operations !== undefined && !hasError(errors, 'operations')) {
      checkOperations(snapshot, target, input.operations, errors);
    }
    if (errors.length > 0) throw AppError.validation(errors);

    const sealed = credential === undefined ? null : await this.#deps.cipher.encrypt(tenant.environmentId, id, credential);
    try {
      const { rows } = await this.#deps.db.query<PspRow>(
        `UPDATE psps SET
           name = COALESCE($3, name),
           description = CASE WHEN $4 THEN $5 ELSE description END,
           logo = CASE WHEN $6 THEN $7 ELSE logo END,
           status = COALESCE($8, status),
           credential = COALESCE($9, credential),
           operations = COALESCE($10::jsonb, operations),
           updated_at = now(),
           updated_by = $2
         WHERE id = $1 AND environment_id = $2
         RETURNING ${pspColumns}`,
        [
          id,
          tenant.environmentId,
          input.name?.trim() ?? null,
          input.description !== undefined,
          input.description ?? null,
          input.logo !== undefined,
          input.logo ?? null,
          input.status ?? null,
          sealed,
          input.operations === undefined ? null : JSON.stringify(normalizeOperations(input.operations)),
        ],
      );
      if (rows[0] === undefined) throw AppError.notFound('PSP not found');
      return pspView(rows[0], snapshot);
    } catch (err) {
      throw translateWriteError(err);
    }
  }

  async #assertCursor(tenant: TenantContext, cursor: string): Promise<void> {
    const { rows } = await this.#deps.db.query('SELECT 1 FROM psps WHERE id = $1 AND environment_id = $2', [
      cursor,
      tenant.environmentId,
    ]);
    if (rows.length === 0) throw AppError.validation([{ field: 'cursor', message: 'does not name a PSP of this environment' }]);
  }
}

function checkTarget(snapshot: CatalogSnapshot, flowTargetId: unknown, errors: FieldError[]): CatalogTarget | undefined {
  if (typeof flowTargetId !== 'string' || flowTargetId === '') return undefined;
  const target = snapshot.targets.get(flowTargetId);
  if (target === undefined) {
    errors.push({ field: 'flowTargetId', message: 'does not name a flow target' });
    return undefined;
  }
  if (target.status !== 'ENABLED') {
    errors.push({ field: 'flowTargetId', message: 'names a flow target that is DISABLED' });
    return undefined;
  }
  return target;
}

/** `credential` is a JSON string; its object must satisfy the target's credentialSchema. */
function checkCredential(
  snapshot: CatalogSnapshot,
  target: CatalogTarget,
  raw: unknown,
  errors: FieldError[],
): object | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  let credential: unknown;
  try {
    credential = JSON.parse(raw);
  } catch {
    errors.push({ field: 'credential', message: 'must be a JSON string of an object' });
    return undefined;
  }
  if (!isObject(credential)) {
    errors.push({ field: 'credential', message: 'must be a JSON string of an object' });
    return undefined;
  }
  const problems = snapshot.credentialValidator(target)(credential);
  errors.push(...problems);
  return problems.length === 0 ? credential : undefined;
}

function checkOperations(
  snapshot: CatalogSnapshot,
  target: CatalogTarget,
  operations: PspOperation[] | undefined,
  errors: FieldError[],
): void {
  const seen = new Set<string>();
  for (const [index, operation] of (operations ?? []).entries()) {
    const field = `operations[${index}]`;
    const action = snapshot.action(target.flowTypeId, operation.flowActionId);
    if (action === undefined) {
      errors.push({ field: `${field}.flowActionId`, message: 'is not an action of this flow target' });
      continue;
    }
    if (seen.has(action.id)) errors.push({ field: `${field}.flowActionId`, message: 'is listed more than once' });
    seen.add(action.id);
    const definition = target.definitions.get(action.id);
    if (definition === undefined) {
      errors.push({ field: `${field}.flowDefinitionId`, message: `${action.name} has no definition for this flow target` });
    } else if (definition.id !== operation.flowDefinitionId) {
      errors.push({ field: `${field}.flowDefinitionId`, message: `is not the ${action.name} definition of this flow target` });
    }
  }
}

function hasError(errors: FieldError[], fieldPrefix: string): boolean {
  return errors.some((e) => e.field === fieldPrefix || e.field.startsWith(`${fieldPrefix}[`));
}

/** Only the three documented fields are kept. */
function normalizeOperations(operations: PspOperation[]): PspOperation[] {
  return operations.map((op) => ({ flowActionId: op.flowActionId, flowDefinitionId: op.flowDefinitionId, status: op.status }));
}

function translateWriteError(err: unknown): unknown {
  if (pgErrorCode(err) === pgErrorCodes.uniqueViolation && pgConstraint(err) === 'psps_name_per_target') {
    return AppError.conflict(duplicateNameMessage);
  }
  return err;
}
