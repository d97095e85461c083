import type { Account, Accounts } from './accounts.js';
import { SticpayError } from './errors.js';
import type { Fields } from './request-fields.js';
import { sign, signatureMatches, signedPairs, type SignedOperation } from './signing.js';

/**
 * Sticpay has no auth header: the request's `sign` proves it comes from the merchant that it
 * names, hashed with the account's own setting (MD5 or SHA-256). An unknown merchant gets the
 * same 809 as a wrong signature, so the API does not say which e-mails are merchants.
 */
export function authenticate(accounts: Accounts, operation: SignedOperation, fields: Fields): Account {
  const merchant = fields[operation === 'pay' ? 'merchant_email' : 'merchant'] ?? '';
  const account = accounts.get(merchant);
  if (account === undefined) throw SticpayError.signatureInvalid();
  const expected = sign(signedPairs(operation, fields), account.apiKey, account.signType);
  if (!signatureMatches(fields.sign ?? '', expected)) throw SticpayError.signatureInvalid();
  return account;
}
