import type { Account } from './accounts.js';
import { SticpayError } from './errors.js';
import type { SticpayState } from './state.js';
import type { SticpayTransaction } from './transactions.js';

/** A merchant's transaction by code or order number; another merchant's is "not found". */
export function findOrder(state: SticpayState, account: Account, reference: { name: string; value: string }): SticpayTransaction {
  const found =
    reference.name === 'transaction_code' ? state.book.byCode(reference.value) : state.book.byOrder(account.merchantEmail, reference.value);
  if (found === undefined || found.merchantEmail !== account.merchantEmail) throw SticpayError.orderNotFound();
  return found;
}
