/**
 * Active ISO 4217 currency codes and their minor unit (number of decimal digits).
 *
 * Source: ISO 4217 List One ("Current currency & funds code list"), published by the
 * maintenance agency SIX as list-one.xml, edition Pblshd="2026-01-01" (Amendment 180).
 * That edition has 178 distinct alphabetic codes. The 13 whose minor unit is "N.A."
 * (XAU, XAG, XPT, XPD, XDR, XSU, XUA, XBA, XBB, XBC, XBD, XTS, XXX) are left out: they
 * are not amounts a payment can carry. The remaining 165 are below: 17 with 0 digits,
 * 139 with 2, 7 with 3 and 2 with 4.
 *
 * Withdrawn codes are deliberately absent, so they are rejected. Most recent first:
 * BGN (Bulgaria adopted the euro, 2026-01-01), ANG (→ XCG, 2025), ZWL (→ ZWG, 2024),
 * HRK (→ EUR, 2023), SLL (→ SLE), VEF (→ VES), MRO (→ MRU), STD (→ STN), BYR (→ BYN),
 * LTL, CUC, and older ones.
 *
 * When ISO publishes an amendment, edit this table and the edition date above.
 */

/** Minor unit 0: amounts are whole units. */
const zeroDigits = [
  'BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI',
  'VND', 'VUV', 'XAF', 'XOF', 'XPF',
] as const;

/** Minor unit 3. */
const threeDigits = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'] as const;

/** Minor unit 4 (units of account). */
const fourDigits = ['CLF', 'UYW'] as const;

/** Minor unit 2: every other active code, funds (BOV, CHE, CHW, COU, MXV, USN, XAD) included. */
const twoDigits = [
  'AED', 'AFN', 'ALL', 'AMD', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT',
  'BMD', 'BND', 'BOB', 'BOV', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF',
  'CHE', 'CHF', 'CHW', 'CNY', 'COP', 'COU', 'CRC', 'CUP', 'CVE', 'CZK', 'DKK', 'DOP',
  'DZD', 'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD',
  'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IRR', 'JMD', 'KES',
  'KGS', 'KHR', 'KPW', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR', 'LRD', 'LSL', 'MAD', 'MDL',
  'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MXV', 'MYR',
  'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR',
  'PLN', 'QAR', 'RON', 'RSD', 'RUB', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP',
  'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TOP',
  'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'USD', 'USN', 'UYU', 'UZS', 'VED', 'VES', 'WST',
  'XAD', 'XCD', 'XCG', 'YER', 'ZAR', 'ZMW', 'ZWG',
] as const;

function buildTable(): ReadonlyMap<string, number> {
  const table = new Map<string, number>();
  const groups: [readonly string[], number][] = [[zeroDigits, 0], [twoDigits, 2], [threeDigits, 3], [fourDigits, 4]];
  for (const [codes, digits] of groups) {
    for (const code of codes) {
      if (table.has(code)) throw new Error(`currency ${code} is listed twice`);
      table.set(code, digits);
    }
  }
  return table;
}

/** Active ISO 4217 code → number of minor unit digits (0, 2, 3 or 4). */
export const currencyMinorUnits: ReadonlyMap<string, number> = buildTable();

/** The currency's minor unit digits, or undefined when `code` is not an active ISO 4217 code. */
export function minorUnits(code: string): number | undefined {
  return currencyMinorUnits.get(code);
}
