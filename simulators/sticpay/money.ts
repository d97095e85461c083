/**
 * Amounts as Sticpay handles them: decimal strings in, integer minor units (bigint) inside, never
 * a float. Which currencies a Sticpay wallet holds is not public in full; these are the common
 * ones its site lists, with their ISO 4217 minor digits.
 */
export const currencyDigits: Readonly<Record<string, number>> = {
  USD: 2,
  EUR: 2,
  GBP: 2,
  AUD: 2,
  CAD: 2,
  HKD: 2,
  SGD: 2,
  JPY: 0,
  KRW: 0,
};

export const supportedCurrencies = Object.keys(currencyDigits);

const plainDecimal = /^(\d{1,15})(?:\.(\d{1,15}))?$/;

/** A positive amount in `currency`'s minor units, or a reason it is not one (no echo of the value). */
export function parseAmount(text: string, currency: string): { ok: true; minor: bigint } | { ok: false; message: string } {
  const digits = currencyDigits[currency];
  if (digits === undefined) return { ok: false, message: 'currency is not supported' };
  const match = plainDecimal.exec(text);
  if (match === null) return { ok: false, message: 'must be a positive decimal number' };
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return { ok: false, message: `must have at most ${digits} decimal places` };
  const minor = BigInt((match[1] ?? '0') + fraction.padEnd(digits, '0'));
  if (minor <= 0n) return { ok: false, message: 'must be greater than 0' };
  return { ok: true, minor };
}

/** Minor units back to the decimal string with the currency's digits: (1050n, "USD") → "10.50". */
export function formatAmount(minor: bigint, currency: string): string {
  const digits = currencyDigits[currency] ?? 2;
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const whole = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${whole}` : whole;
}

/** The last two digits of the amount in minor units: what the test-data conventions look at. */
export function lastTwoMinorDigits(minor: bigint): number {
  return Number(minor % 100n);
}
