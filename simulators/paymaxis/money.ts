/**
 * Paymaxis takes `amount` as a JSON number in major units (150.5 = €150.50). The simulator never
 * holds money in a float: the number's literal text (see json-body.ts) becomes integer minor units
 * at the currency's ISO 4217 precision, and goes back out as a decimal string.
 */

/** ISO 4217 minor-unit exponents of the currencies the simulated shop accepts. */
const currencyExponents: Readonly<Record<string, number>> = {
  EUR: 2, USD: 2, GBP: 2, CAD: 2, AUD: 2, NZD: 2, CHF: 2, SEK: 2, NOK: 2, DKK: 2, PLN: 2, CZK: 2,
  HUF: 2, RON: 2, BGN: 2, TRY: 2, BRL: 2, MXN: 2, ARS: 2, COP: 2, PEN: 2, INR: 2, ZAR: 2, AED: 2,
  JPY: 0, KRW: 0, CLP: 0, VND: 0, ISK: 0,
  KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3,
};

export function currencyExponent(currency: string): number | undefined {
  return Object.hasOwn(currencyExponents, currency) ? currencyExponents[currency] : undefined;
}

/**
 * A bound that keeps every amount at most 15 significant digits, so that the JSON number the
 * simulator writes back (a double printed in its shortest form) is exactly the decimal it holds.
 */
const maxMinorUnitsExclusive = 10n ** 15n;

export type AmountReading = { ok: true; minor: bigint } | { ok: false; message: string };

const jsonNumber = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** Reads a JSON number literal ("150.50", "1.5e2") as positive minor units of `exponent` decimals. */
export function minorUnitsFromLiteral(literal: string, exponent: number): AmountReading {
  const match = jsonNumber.exec(literal);
  if (match === null) return { ok: false, message: 'must be a number' };
  const [, sign, whole = '', fraction = '', power = '0'] = match;
  if (Math.abs(Number(power)) > 40) return { ok: false, message: 'is out of range' };
  const digits = BigInt(whole + fraction);
  // value = digits × 10^(power − fraction length); minor = value × 10^exponent
  const shift = exponent + Number(power) - fraction.length;
  let minor: bigint;
  if (shift >= 0) {
    minor = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    if (digits % divisor !== 0n) return { ok: false, message: `must have at most ${exponent} decimal places` };
    minor = digits / divisor;
  }
  if (sign === '-' || minor === 0n) return { ok: false, message: 'must be greater than 0' };
  if (minor >= maxMinorUnitsExclusive) return { ok: false, message: 'is too large' };
  return { ok: true, minor };
}

/** Minor units back to the exact decimal string ("150.50"). */
export function decimalFromMinor(minor: bigint, exponent: number): string {
  const digits = minor.toString().padStart(exponent + 1, '0');
  if (exponent === 0) return digits;
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * The JSON number Paymaxis answers with. The decimal has at most 15 significant digits (see
 * above), so the double parsed from it prints back as the same decimal: a change of notation,
 * never arithmetic on money.
 */
export function jsonAmount(minor: bigint, exponent: number): number {
  return Number(decimalFromMinor(minor, exponent));
}
