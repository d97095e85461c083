/** One finding of `connxt doctor`. `fail` means the engine would not start or would misbehave. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  status: CheckStatus;
  check: string;
  detail: string;
}

export const ok = (check: string, detail: string): Check => ({ status: 'ok', check, detail });
export const warn = (check: string, detail: string): Check => ({ status: 'warn', check, detail });
export const fail = (check: string, detail: string): Check => ({ status: 'fail', check, detail });

/** `ok|warn|fail  <check>: <detail>`, one line each, the statuses in one column. */
export function formatChecks(checks: readonly Check[]): string {
  return checks.map(({ status, check, detail }) => `${status.padEnd(4)}  ${check}: ${detail}`).join('\n');
}
