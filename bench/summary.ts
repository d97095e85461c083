// The headline figures of a bench run (the JSON of `npm run bench -- --json`) and the table that
// sets them against issue 6's targets. PostgreSQL is the store the targets are set for; the
// embedded store has its own throughput target.
import { table } from './stats.js';

interface Load {
  perSec: number;
  latency: { p50: number; p99: number };
}
interface StoreFigures {
  store: 'pglite' | 'postgres';
  saturation: Load;
  fixedRate: Load;
  webhooks: Load;
  baseline: Load;
  memory: { idleMb: number; peakMb: number; afterMb: number };
}
interface Results {
  deposits?: StoreFigures[];
  sandbox?: { sticpayOverhead: { p50: number; p99: number } | null };
}

export interface Summary {
  store: string | null;
  depositsPerSec: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  baselinePerSec: number | null;
  ratio: number | null;
  webhooksPerSec: number | null;
  sandboxP50Ms: number | null;
  sandboxP99Ms: number | null;
  peakRssMb: number | null;
  idleRssMb: number | null;
  rssAfterLoadMb: number | null;
  pgliteDepositsPerSec: number | null;
}

const round = (value: number | undefined, digits = 1) => (value === undefined || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));

export function summaryOf(results: Record<string, unknown>): Summary {
  const { deposits = [], sandbox } = results as Results;
  const main = deposits.find((f) => f.store === 'postgres') ?? deposits[0];
  const pglite = deposits.find((f) => f.store === 'pglite');
  return {
    store: main?.store ?? null,
    depositsPerSec: round(main?.saturation.perSec, 0),
    p50Ms: round(main?.fixedRate.latency.p50, 2),
    p99Ms: round(main?.fixedRate.latency.p99, 2),
    baselinePerSec: round(main?.baseline.perSec, 0),
    ratio: main === undefined ? null : round(main.saturation.perSec / main.baseline.perSec, 2),
    webhooksPerSec: round(main?.webhooks.perSec, 0),
    sandboxP50Ms: round(sandbox?.sticpayOverhead?.p50, 3),
    sandboxP99Ms: round(sandbox?.sticpayOverhead?.p99, 3),
    peakRssMb: round(main?.memory.peakMb, 0),
    idleRssMb: round(main?.memory.idleMb, 0),
    rssAfterLoadMb: round(main?.memory.afterMb, 0),
    pgliteDepositsPerSec: round(pglite?.saturation.perSec, 0),
  };
}

export function targetTable(s: Summary): string {
  const show = (value: number | null, unit = '') => (value === null ? 'not measured' : `${value}${unit}`);
  const verdict = (value: number | null, pass: (v: number) => boolean) => (value === null ? '—' : pass(value) ? 'met' : 'MISSED');
  const settled = s.rssAfterLoadMb !== null && s.idleRssMb !== null ? s.rssAfterLoadMb / s.idleRssMb : null;
  return table(
    ['figure', `measured (${s.store ?? '—'})`, 'target', 'verdict'],
    [
      ['deposits/s, saturation', show(s.depositsPerSec), '≥ 1500', verdict(s.depositsPerSec, (v) => v >= 1500)],
      ['p99 at 500 deposits/s', show(s.p99Ms, ' ms'), '≤ 50 ms', verdict(s.p99Ms, (v) => v <= 50)],
      ['engine / baseline', show(s.ratio), '≥ 0.5', verdict(s.ratio, (v) => v >= 0.5)],
      ['sandbox overhead p50 (gateway step)', show(s.sandboxP50Ms, ' ms'), '≤ 1 ms', verdict(s.sandboxP50Ms, (v) => v <= 1)],
      ['peak RSS', show(s.peakRssMb, ' MB'), '≤ 512 MB', verdict(s.peakRssMb, (v) => v <= 512)],
      ['RSS after a quiet minute / idle', settled === null ? 'not measured' : settled.toFixed(2), '≤ 1.20', verdict(settled, (v) => v <= 1.2)],
      ['PGlite deposits/s, saturation', show(s.pgliteDepositsPerSec), '≥ 400', verdict(s.pgliteDepositsPerSec, (v) => v >= 400)],
    ],
  );
}
