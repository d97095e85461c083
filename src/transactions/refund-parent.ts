import { AppError, type FieldError } from '../errors.js';
import type { ParentTransaction } from '../flows/flow-executor.js';
import { isTransactionId } from '../ids.js';
import { formatMinor } from '../money/amount.js';
import type { Queryable } from '../store/db.js';
import type { TransactionStatus } from './status.js';

/** A deposit as a refund's checks see it; minor units as strings (bigint). */
export interface RefundParentRow {
  id: string;
  action: string;
  status: TransactionStatus;
  psp_id: string;
  currency: string;
  amount: string;
  amount_minor: string;
  psp_txn_id: string | null;
  order_id: string | null;
  /** Held by refunds under way. */
  refund_pending_minor: string;
  /** Given back by refunds that succeeded. */
  refunded_minor: string;
}

/** The deposit a REFUND names, in the caller's environment (another's is not found). One query. */
export async function loadRefundParent(db: Queryable, environmentId: string, parentTxnId: string): Promise<RefundParentRow> {
  if (!isTransactionId(parentTxnId)) throw AppError.notFound('Parent transaction not found');
  const { rows } = await db.query<RefundParentRow>(
    `SELECT p.id, p.action, p.status, p.psp_id, p.currency, p.amount::text AS amount, p.amount_minor::text AS amount_minor,
            p.psp_txn_id, p.order_id, p.refund_pending_minor::text AS refund_pending_minor, p.refunded_minor::text AS refunded_minor
       FROM transactions p
      WHERE p.id = $1 AND p.environment_id = $2`,
    [parentTxnId, environmentId],
  );
  if (rows[0] === undefined) throw AppError.notFound('Parent transaction not found');
  return rows[0];
}

/**
 * The deposit checked for this refund: a SUCCESS deposit on the same PSP, same currency, and no
 * more than what is left to refund.
 *
 * This check gives the clear error; the guarantee is the reservation in insertTransaction, which
 * re-checks what is left in the statement that creates the refund, so two refunds at the same
 * instant cannot both take the last of it.
 */
export function checkRefundParent(
  parent: RefundParentRow,
  refund: { pspId: string; currency: string; amountMinor: string },
  errors: FieldError[],
): ParentTransaction {
  const field = 'parentTxnId';
  if (parent.action !== 'DEPOSIT') {
    errors.push({ field, message: `is a ${parent.action}; only a deposit can be refunded` });
  } else if (parent.status !== 'SUCCESS') {
    errors.push({ field, message: `is ${parent.status}; only a SUCCESS deposit can be refunded` });
  } else if (parent.psp_id !== refund.pspId) {
    errors.push({ field, message: `was paid through PSP ${parent.psp_id}; refund it through the same PSP` });
  } else if (parent.currency !== refund.currency) {
    errors.push({ field: 'txnCurrency', message: `must be ${parent.currency}, the currency of the deposit` });
  } else {
    const message = excessMessage(parent, BigInt(refund.amountMinor));
    if (message !== undefined) errors.push({ field: 'txnAmount', message });
  }
  return {
    id: parent.id,
    pspTxnId: parent.psp_txn_id,
    amount: parent.amount,
    currency: parent.currency,
    orderId: parent.order_id,
    status: parent.status,
  };
}

/** Why `amountMinor` cannot be refunded now, in the deposit's currency; undefined when it can. */
function excessMessage(parent: RefundParentRow, amountMinor: bigint): string | undefined {
  const pending = BigInt(parent.refund_pending_minor);
  const left = BigInt(parent.amount_minor) - pending - BigInt(parent.refunded_minor);
  if (amountMinor <= left) return undefined;
  const money = (minor: bigint) => `${formatMinor(minor, parent.currency)} ${parent.currency}`;
  const held = pending > 0n ? ` (${money(pending)} is held by refunds under way)` : '';
  if (left === 0n) return pending > 0n ? `nothing is left to refund on the deposit${held}` : 'the deposit is already fully refunded';
  return `exceeds what is left to refund on the deposit: ${money(left)}${held}`;
}
