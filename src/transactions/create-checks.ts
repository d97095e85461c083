import type { CatalogDefinition, CatalogSnapshot, CatalogTarget } from '../catalog/catalog-service.js';
import { builtinFlowTypes } from '../catalog/flow-types.js';
import type { FieldError } from '../errors.js';
import { isCatalogId } from '../ids.js';
import type { PspOperation } from '../psps/psp-input.js';

// What POST /transactions checks against the catalog and the chosen PSP before anything is
// stored: each check adds field errors and answers what it found, so one answer lists them all.

/** The PSP a transaction runs on, with the environment settings its steps need. */
export interface PspRecord {
  id: string;
  flow_target_id: string;
  status: 'ENABLED' | 'DISABLED';
  credential: Buffer;
  operations: PspOperation[];
  host_map: Record<string, string>;
  production: boolean;
  success_redirect_url: string | null;
  failure_redirect_url: string | null;
  withdrawal_auto_approve_limits: Record<string, string>;
}

export const pspFlowTypeId = builtinFlowTypes.find((type) => type.name === 'PSP')!.id;

export function checkAction(snapshot: CatalogSnapshot, id: string, errors: FieldError[]) {
  const action = isCatalogId('fat', id) ? snapshot.action(pspFlowTypeId, id) : undefined;
  if (action === undefined) errors.push({ field: 'flowActionId', message: 'is not a flow action of the PSP flow type' });
  return action;
}

export function checkTarget(snapshot: CatalogSnapshot, id: string, errors: FieldError[]): CatalogTarget | undefined {
  const target = isCatalogId('ftg', id) ? snapshot.targets.get(id) : undefined;
  if (target === undefined) {
    errors.push({ field: 'flowTargetId', message: 'is not a flow target' });
    return undefined;
  }
  if (target.status !== 'ENABLED') {
    errors.push({ field: 'flowTargetId', message: 'is disabled' });
    return undefined;
  }
  return target;
}

/** The PSP must be enabled, configured on this target, with an enabled operation for the action. */
export function checkPspFor(
  psp: PspRecord,
  target: CatalogTarget,
  actionId: string,
  flowTargetId: string,
  errors: FieldError[],
): CatalogDefinition | undefined {
  if (psp.flow_target_id !== flowTargetId) {
    errors.push({ field: 'pspId', message: `is configured for flow target ${psp.flow_target_id}, not ${flowTargetId}` });
    return undefined;
  }
  if (psp.status !== 'ENABLED') {
    errors.push({ field: 'pspId', message: 'is disabled' });
    return undefined;
  }
  const operation = psp.operations.find((op) => op.flowActionId === actionId);
  if (operation === undefined || operation.status !== 'ENABLED') {
    errors.push({ field: 'flowActionId', message: 'has no enabled operation on this PSP' });
    return undefined;
  }
  const definition = target.definitions.get(actionId);
  if (definition === undefined || definition.id !== operation.flowDefinitionId) {
    errors.push({ field: 'flowActionId', message: "the PSP operation's flow definition is no longer available" });
    return undefined;
  }
  return definition;
}
