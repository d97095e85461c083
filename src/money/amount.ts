import { minorUnits } from './currencies.js';

/** An amount of money. Never a float: both forms are exact strings. */
export interface Money {
  currency: string;
  /** exact decimal with exactly the currency's digits, e.g. "200.00", "1500", "1.250" */
  decimal: string;
  /** integer minor units as a string (bigint-safe), e.g. "20000" */
  minor: string;
}

export type AmountResult =
  | { ok: true; money: Money }
  | { ok: false; field: 'txnCurrency' | 'txnAmount'; message: string };

/** At most this many digits before the decimal point (after leading zeros are dropped). */
const MAX_INTEGER_DIGITS = 15;

const CURRENCY_SHAPE = /^[A-Z]{3}$/;
const PLAIN_DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const NEGATIVE_DECIMAL = /^-\d+(?:\.\d+)?$/;

function fail(field: 'txnCurrency' | 'txnAmount', message: string): AmountResult {
  return { ok: false, field, message };
}

/**
 * Validates a request's amount and currency and returns the exact money value.
 *
 * `amount` is a JSON number or a decimal string ("12.50"). A number is taken through its
 * shortest round-trip decimal form (`String(n)`), so 12.5 is "12.5" and 0.1 + 0.2 is
 * "0.30000000000000004" (rejected: too many decimal places). No float arithmetic is done.
 * Messages never echo the rejected amount.
 */
export function parseAmount(amount: unknown, currency: unknown): AmountResult {
  if (currency === undefined || currency === null) return fail('txnCurrency', 'is required');
  if (typeof currency !== 'string' || !CURRENCY_SHAPE.test(currency)) {
    return fail('txnCurrency', 'must be an ISO 4217 currency code');
  }
  const digits = minorUnits(currency);
  if (digits === undefined) return fail('txnCurrency', 'is not an active ISO 4217 currency');

  let text: string;
  if (amount === undefined || amount === null) return fail('txnAmount', 'is required');
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount)) return fail('txnAmount', 'must be a plain decimal number');
    if (amount <= 0) return fail('txnAmount', 'must be greater than 0'); // also -0
    text = String(amount); // shortest round-trip form; exponent form for < 1e-6 and >= 1e21
  } else if (typeof amount === 'string') {
    text = amount;
  } else {
    return fail('txnAmount', 'must be a plain decimal number');
  }

  const match = PLAIN_DECIMAL.exec(text);
  if (match === null) {
    if (NEGATIVE_DECIMAL.test(text)) return fail('txnAmount', 'must be greater than 0');
    return fail('txnAmount', 'must be a plain decimal number');
  }
  const integerPart = (match[1] ?? '').replace(/^0+/, '');
  const fractionPart = (match[2] ?? '').replace(/0+$/, ''); // trailing zeros add no precision

  if (fractionPart.length > digits) {
    return fail('txnAmount', `has more decimal places than ${currency} allows (${digits})`);
  }
  if (integerPart.length > MAX_INTEGER_DIGITS) return fail('txnAmount', 'is too large');

  const paddedFraction = fractionPart.padEnd(digits, '0');
  const minor = (integerPart + paddedFraction).replace(/^0+/, '');
  if (minor === '') return fail('txnAmount', 'must be greater than 0');

  const wholes = integerPart === '' ? '0' : integerPart;
  const decimal = digits === 0 ? wholes : `${wholes}.${paddedFraction}`;
  return { ok: true, money: { currency, decimal, minor } };
}

/**
 * Integer minor units → the exact decimal string with the currency's digits:
 * ("20000", "USD") → "200.00", (1500n, "JPY") → "1500", ("5", "KWD") → "0.005", (-150n, "EUR") → "-1.50".
 * Throws a RangeError for an unknown currency or a `minor` that is not an integer string.
 */
export function formatMinor(minor: bigint | string, currency: string): string {
  const digits = minorUnits(currency);
  if (digits === undefined) throw new RangeError('currency is not an active ISO 4217 currency');
  if (typeof minor === 'string' && !/^-?\d+$/.test(minor)) throw new RangeError('minor must be an integer string');
  const value = BigInt(minor);
  const negative = value < 0n;
  const magnitude = (negative ? -value : value).toString();
  const sign = negative ? '-' : '';
  if (digits === 0) return sign + magnitude;
  const padded = magnitude.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}
