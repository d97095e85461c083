/**
 * ConnectPSP puts amounts on the wire as JSON numbers in reais (150.50). Inside the simulator
 * money is always an integer number of centavos; conversion goes through decimal text, never
 * through arithmetic on fractional numbers.
 */

/** Larger than any PIX transfer, and far inside Number.MAX_SAFE_INTEGER centavos. */
const maxCents = 99_999_999_999;

/**
 * A JSON amount in reais as centavos, or undefined when it is not a positive number with at most
 * two decimals. `String(n)` is the shortest text that reads back as the same double, so 150.5
 * gives "150.5" and a sum such as 0.1 + 0.2 ("0.30000000000000004") is refused, as it should be.
 */
export function centsFromWire(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return undefined;
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(value));
  if (match === null) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return cents <= maxCents ? cents : undefined;
}

/** "150.50"; balances and amounts here are never negative. */
export function decimalText(cents: number): string {
  const rest = cents % 100;
  return `${(cents - rest) / 100}.${String(rest).padStart(2, '0')}`;
}

/** The wire form: a JSON number parsed from the exact decimal text (150.5 for "150.50"). */
export function wireAmount(cents: number): number {
  return Number(decimalText(cents));
}

/** "R$ 1.234,56", for hosted pages. */
export function displayBrl(cents: number): string {
  const [whole = '0', fraction = '00'] = decimalText(cents).split('.');
  return `R$ ${whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${fraction}`;
}
