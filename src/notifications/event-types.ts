import type { TransactionStatus } from '../transactions/status.js';

/** The merchant event each status change emits: one name per status, so a filter can pick any. */
const eventTypeByStatus = {
  NEW: 'transaction.new',
  CREATED: 'transaction.created',
  INITIATED: 'transaction.initiated',
  PG_ACCEPTED: 'transaction.pg_accepted',
  PG_REJECTED: 'transaction.pg_rejected',
  PG_SUCCESS: 'transaction.pg_succeeded',
  PG_FAILED: 'transaction.pg_failed',
  SUCCESS: 'transaction.succeeded',
  FAILED: 'transaction.failed',
  REJECTED: 'transaction.rejected',
  ABANDONED: 'transaction.abandoned',
  PENDING_FOR_APPROVAL: 'transaction.pending_approval',
  APPROVED: 'transaction.approved',
  COMPLETED: 'transaction.completed',
  CANCELLED: 'transaction.cancelled',
} as const satisfies Record<TransactionStatus, string>;

export type MerchantEventType = (typeof eventTypeByStatus)[TransactionStatus];

export const merchantEventTypes: readonly MerchantEventType[] = Object.values(eventTypeByStatus);

export function eventTypeFor(status: TransactionStatus): MerchantEventType {
  return eventTypeByStatus[status];
}

export function isMerchantEventType(value: unknown): value is MerchantEventType {
  return typeof value === 'string' && (merchantEventTypes as readonly string[]).includes(value);
}
