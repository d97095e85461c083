/** What the CLI prints on stdout: the result as JSON with --json, otherwise a few human lines. */

export function printResult<T>(json: boolean, result: T, human: (result: T) => string): void {
  const text = json ? JSON.stringify(result, null, 2) : human(result);
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Columns padded to their widest cell; `empty` stands in for a table without rows. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], empty: string): string {
  if (rows.length === 0) return empty;
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `label: value` lines with the values aligned. */
export function fields(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([label]) => label.length)) + 1;
  return pairs.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`).join('\n');
}

/** A secret token is printed here, once, when it is created; nothing else ever shows one. */
export function secretTokenLine(token: string): string {
  return `secret token (shown only once): ${token}`;
}

/** API timestamps are UTC without a zone; the human output says so. */
export function time(value: string | null): string {
  return value === null ? '-' : `${value}Z`;
}

export function orDash(value: string | null): string {
  return value ?? '-';
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The hint under a page of a list that has more. */
export function nextPage(nextCursor: string | null): string[] {
  return nextCursor === null ? [] : ['', `more: --cursor ${nextCursor}`];
}
