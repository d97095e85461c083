import { writeFileSync } from 'node:fs';

/** What the abuse suite sent to one endpoint and how the engine answered, for RELIABILITY.md. */
export interface EndpointTally {
  endpoint: string;
  requests: number;
  /** Requests with a wrong credential (all of which must have been refused). */
  badCredentials: number;
  /** HTTP status → count, 2xx and 3xx included. */
  statuses: Record<string, number>;
  /** Connxt error code → count, for the error envelopes. */
  codes: Record<string, number>;
  serverErrors: number;
  ms: number;
}

export interface StoreReport {
  store: string;
  runsPerEndpoint: number;
  seed: number;
  endpoints: EndpointTally[];
  totalRequests: number;
  wallSeconds: number;
  violations: number;
  /** Secrets, tokens or card numbers found in responses, logs or stored rows. */
  leaks: number;
  logLinesScanned: number;
}

export function newTally(endpoint: string): EndpointTally {
  return { endpoint, requests: 0, badCredentials: 0, statuses: {}, codes: {}, serverErrors: 0, ms: 0 };
}

export function count(tally: EndpointTally, status: number, code: string | undefined, badCredential: boolean): void {
  tally.requests += 1;
  if (badCredential) tally.badCredentials += 1;
  tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
  if (code !== undefined) tally.codes[code] = (tally.codes[code] ?? 0) + 1;
  if (status >= 500) tally.serverErrors += 1;
}

function byKey(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${key}×${n}`)
    .join(' ');
}

/** One line per endpoint: requests, answers by status and by Connxt code, 5xx. */
export function summaryLine(store: string, tally: EndpointTally): string {
  const fourXx = Object.fromEntries(Object.entries(tally.statuses).filter(([status]) => status.startsWith('4')));
  const other = Object.fromEntries(Object.entries(tally.statuses).filter(([status]) => !status.startsWith('4') && !status.startsWith('5')));
  return (
    `abuse [${store}] ${tally.endpoint}: ${tally.requests} requests (${tally.badCredentials} bad credentials) in ${(tally.ms / 1000).toFixed(1)} s; ` +
    `4xx ${byKey(fourXx) || '-'}; codes ${byKey(tally.codes) || '-'}; other ${byKey(other) || '-'}; 5xx ${tally.serverErrors}`
  );
}

/** Writes a store's report as JSON when ABUSE_REPORT names a file: `abuse.json` becomes `abuse.<store>.json`. */
export function writeReport(report: StoreReport): void {
  const path = process.env.ABUSE_REPORT;
  if (path === undefined || path === '') return;
  const file = path.endsWith('.json') ? `${path.slice(0, -'.json'.length)}.${report.store}.json` : `${path}.${report.store}.json`;
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, ...report }, null, 2)}\n`);
}
