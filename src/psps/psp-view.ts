import { toApiDateTime } from '../api-time.js';
import type { CatalogSnapshot } from '../catalog/catalog-service.js';
import { pspFlowTargetView } from '../catalog/catalog-views.js';
import type { PspOperation } from './psp-input.js';

export interface PspRow {
  id: string;
  brand_id: string;
  environment_id: string;
  flow_target_id: string;
  name: string;
  description: string | null;
  logo: string | null;
  status: 'ENABLED' | 'DISABLED';
  operations: PspOperation[];
  created_at: Date;
  updated_at: Date;
  created_by: string;
  updated_by: string;
}

/** Every column but the credential: reads never fetch ciphertext they do not need. */
export const pspColumns =
  'id, brand_id, environment_id, flow_target_id, name, description, logo, status, operations, created_at, updated_at, created_by, updated_by';

/** The PSP as spec/001 shows it; the credential is never returned, only "***ENCRYPTED***". */
export function pspView(row: PspRow, snapshot: CatalogSnapshot) {
  const target = snapshot.targets.get(row.flow_target_id);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    logo: row.logo,
    credential: '***ENCRYPTED***',
    brandId: row.brand_id,
    environmentId: row.environment_id,
    flowTargetId: row.flow_target_id,
    status: row.status,
    createdAt: toApiDateTime(row.created_at),
    updatedAt: toApiDateTime(row.updated_at),
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    // jsonb keeps keys in its own order; the API shows them in Connxt's.
    operations: row.operations.map((op) => ({
      flowActionId: op.flowActionId,
      flowDefinitionId: op.flowDefinitionId,
      status: op.status,
    })),
    flowTarget: target === undefined ? null : pspFlowTargetView(target, snapshot.flowTypes.get(target.flowTypeId)),
  };
}

export type PspView = ReturnType<typeof pspView>;
