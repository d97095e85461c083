/**
 * Amounts without floating-point arithmetic. Cube Pay's requests carry the amount as a JSON
 * number (004 shows `"amount": 10.05`); the number's shortest decimal text is parsed into integer
 * minor units, so 10.05 is 1005 cents exactly. Decimal strings are accepted too.
 */

/** Minor-unit digits of the currencies whose precision is not 2 (ISO 4217). */
const precisionExceptions: Record<string, number> = {
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
};

export function precisionOf(currency: string): number {
  return precisionExceptions[currency] ?? 2;
}

export interface Money {
  /** Integer minor units (cents). */
  minor: number;
  currency: string;
}

const decimalPattern = /^(\d{1,13})(?:\.(\d+))?$/;

/** Minor units of a positive amount, or a reason it is not one. */
export function parseAmount(value: unknown, currency: string): { ok: true; minor: number } | { ok: false; message: string } {
  // String(number) is the shortest text that reads back as that number: "10.05" for 10.05.
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined) return { ok: false, message: 'must be a number' };
  const match = decimalPattern.exec(text);
  if (match === null) return { ok: false, message: 'must be a positive decimal amount' };
  const precision = precisionOf(currency);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > precision) return { ok: false, message: `has more than ${precision} decimals for ${currency}` };
  const minor = Number(match[1]! + fraction.padEnd(precision, '0'));
  if (minor <= 0) return { ok: false, message: 'must be greater than zero' };
  return { ok: true, minor };
}

/** "200.00" for 20000 EUR cents: how webhooks carry the amount. */
export function formatAmount(money: Money): string {
  const precision = precisionOf(money.currency);
  const digits = String(money.minor).padStart(precision + 1, '0');
  return precision === 0 ? digits : `${digits.slice(0, -precision)}.${digits.slice(-precision)}`;
}

/**
 * The amount as a JSON number, as 004's transaction list shows it (`"value": 8.56`). The decimal
 * text is exact; reading it as a number is only how JSON carries it.
 */
export function amountAsJsonNumber(money: Money): number {
  return Number(formatAmount(money));
}

/** The last two digits of the amount's minor units: what the test-data rules look at (".13"). */
export function centsOf(money: Money): number {
  return money.minor % 100;
}
