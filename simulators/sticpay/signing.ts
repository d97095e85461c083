import { createHash, timingSafeEqual } from 'node:crypto';

/** The hash a merchant account signs with: MD5 unless the account is set to SHA-256. */
export type SignType = 'MD5' | 'SHA256';

/**
 * Each operation's signed fields, in Sticpay's fixed order (not sorted). A slot with two names
 * takes whichever of the two the request carries (refund and detail name the order either way).
 */
export const signedFieldOrder = {
  pay: ['merchant_email', 'order_no', 'order_time', 'order_amount', 'order_currency'],
  withdraw: ['merchant', 'customer', 'amount', 'currency_code', 'order_id', 'interface_version'],
  refund: ['merchant', ['transaction_code', 'order_id'], 'request_datetime'],
  detail: ['merchant', ['order_id', 'transaction_code'], 'request_datetime', 'interface_version'],
} as const satisfies Record<string, readonly (string | readonly [string, string])[]>;

export type SignedOperation = keyof typeof signedFieldOrder;

/**
 * Modeled, not public: a callback's `parameters` are signed over the fields of the request that
 * created the order, in that request's order, then `transaction_code` and `status`.
 */
export const callbackFieldOrder = {
  pay: [...signedFieldOrder.pay, 'transaction_code', 'status'],
  withdraw: [...signedFieldOrder.withdraw, 'transaction_code', 'status'],
} as const;

/** The ordered name/value pairs of `operation` that a request carries. */
export function signedPairs(operation: SignedOperation, fields: Readonly<Record<string, string>>): [string, string][] {
  return signedFieldOrder[operation].map((slot): [string, string] => {
    const name = typeof slot === 'string' ? slot : (slot.find((candidate) => fields[candidate] !== undefined) ?? slot[0]);
    return [name, fields[name] ?? ''];
  });
}

/** `k1=v1&k2=v2&...&key=<apiKey>`, values exactly as sent (no URL encoding), hashed to lower-case hex. */
export function sign(pairs: readonly (readonly [string, string])[], apiKey: string, signType: SignType): string {
  const text = `${pairs.map(([name, value]) => `${name}=${value}`).join('&')}&key=${apiKey}`;
  return createHash(signType === 'SHA256' ? 'sha256' : 'md5')
    .update(text, 'utf8')
    .digest('hex');
}

/** Constant-time comparison with the expected lower-case hex; upper-case hex does not match. */
export function signatureMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
