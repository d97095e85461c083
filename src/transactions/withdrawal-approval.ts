import { AppError } from '../errors.js';
import { isTransactionId } from '../ids.js';
import type { Queryable } from '../store/db.js';
import { compileValidator } from '../validation.js';
import type { TransactionStatus } from './status.js';

/**
 * Withdrawal approval (PSP-FACTS.md, the withdraw map in status.ts): a withdrawal that needs an
 * operator is stored through these statuses and its script does not run; approval then takes it
 * along `approvedThrough` and runs `initiate` as creation would have.
 */
export const awaitingApprovalThrough: TransactionStatus[] = ['NEW', 'CREATED', 'PENDING_FOR_APPROVAL'];
export const approvedThrough: TransactionStatus[] = ['APPROVED', 'INITIATED'];

/**
 * The sealed executePayload is bound to its transaction: a ciphertext copied onto another row
 * does not open there.
 */
export function pendingPayloadContext(transactionId: string): string {
  return `connxt:pending-payload:${transactionId}`;
}

export interface ApprovalCandidate {
  id: string;
  environmentId: string;
  action: string;
  /** Its flow target's catalog id (the transaction metrics' label). */
  flowTargetId: string;
  status: TransactionStatus;
  /** The sealed executePayload; null once approved or rejected. */
  pendingPayload: Buffer | null;
}

/** The transaction an operator decides on, in the caller's environment (another's is not found). */
export async function findApprovalCandidate(db: Queryable, environmentId: string, id: string): Promise<ApprovalCandidate> {
  if (!isTransactionId(id)) throw AppError.notFound('Transaction not found');
  const { rows } = await db.query<{ action: string; flow_target_id: string; status: TransactionStatus; pending_payload: Buffer | Uint8Array | null }>(
    'SELECT action, flow_target_id, status, pending_payload FROM transactions WHERE id = $1 AND environment_id = $2',
    [id, environmentId],
  );
  const row = rows[0];
  if (row === undefined) throw AppError.notFound('Transaction not found');
  if (row.action !== 'WITHDRAW') throw AppError.conflict(`Transaction is a ${row.action}; only a withdrawal waits for approval`);
  return {
    id,
    environmentId,
    action: row.action,
    flowTargetId: row.flow_target_id,
    status: row.status,
    pendingPayload: row.pending_payload === null ? null : Buffer.from(row.pending_payload),
  };
}

/** The 409 of an approve or reject that comes too late (or twice): it names where the withdrawal is now. */
export function notAwaitingApproval(status: TransactionStatus): AppError {
  return AppError.conflict(`Transaction is ${status}; only a withdrawal in PENDING_FOR_APPROVAL can be approved or rejected`);
}

export interface RejectInput {
  /** Why: stored as the detail of the REJECTED history entry. */
  reason?: string;
}

export const rejectInputSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' } },
} as const;

export const checkRejectInput = compileValidator(rejectInputSchema);
