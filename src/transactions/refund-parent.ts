import { AppError, type FieldError } from '../errors.js';
import type { ParentTransaction } from '../flows/flow-executor.js';
import { isTransactionId } from '../ids.js';
import type { Queryable } from '../store/db.js';

interface ParentRow {
  id: string;
  action: string;
  status: string;
  psp_id: string;
  currency: string;
  amount: string;
  amount_minor: string;
  psp_txn_id: string | null;
  order_id: string | null;
  /** Minor units of this deposit already given back or held by refunds under way. */
  refunded_minor: string;
}

/**
 * The deposit a REFUND names, checked: same environment (else 404), a SUCCESS deposit on the same
 * PSP, same currency, and no more than what is left to refund. One query.
 *
 * This check gives the clear error; the guarantee is the reservation in insertTransaction, which
 * re-checks what is left in the statement that creates the refund, so two refunds at the same
 * instant cannot both take the last of it.
 */
export async function checkRefundParent(
  db: Queryable,
  environmentId: string,
  parentTxnId: string,
  refund: { pspId: string; currency: string; amountMinor: string },
  errors: FieldError[],
): Promise<ParentTransaction | undefined> {
  if (!isTransactionId(parentTxnId)) throw AppError.notFound('Parent transaction not found');
  const { rows } = await db.query<ParentRow>(
    `SELECT p.id, p.action, p.status, p.psp_id, p.currency, p.amount::text AS amount, p.amount_minor::text AS amount_minor,
            p.psp_txn_id, p.order_id, (p.refund_pending_minor + p.refunded_minor)::text AS refunded_minor
       FROM transactions p
      WHERE p.id = $1 AND p.environment_id = $2`,
    [parentTxnId, environmentId],
  );
  const parent = rows[0];
  if (parent === undefined) throw AppError.notFound('Parent transaction not found');
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
    const left = BigInt(parent.amount_minor) - BigInt(parent.refunded_minor);
    if (BigInt(refund.amountMinor) > left) {
      errors.push({ field: 'txnAmount', message: left === 0n ? 'the deposit is already fully refunded' : `exceeds what is left to refund (${left} in minor units)` });
    }
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
