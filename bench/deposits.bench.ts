// Create-deposit throughput and latency through the real engine (issue 6), against a baseline that
// makes the same database writes without orchestration, in the same run:
//
//   1. the engine (its own process) takes Paymaxis card deposits: each runs the connector's
//      `initiate` script in the sandbox, which calls a zero-latency stand-in for the Paymaxis API
//      (its own process) through the environment's host map; at saturation, then at a fixed rate;
//   2. signed Paymaxis webhooks settle the saturation run's deposits (ingestion throughput);
//   3. the engine's resident memory: idle, peak, and again after a quiet minute;
//   4. the engine stops, and the baseline (a minimal Fastify route, its own process) runs at
//      saturation on the same store.
//
//   npm run bench -- deposits
//
// Settings: BENCH_STORES (pglite,postgres), BENCH_DATABASE_URL (else DATABASE_URL, else
// TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test), BENCH_SECONDS (per run, 20),
// BENCH_CONNECTIONS (saturation, 32), BENCH_RATE (the fixed rate, 500), BENCH_SETTLE_SECONDS
// (quiet time before the last memory reading, 60), BENCH_CPU_PROF (a directory: --cpu-prof the
// engine into it), BENCH_PSP_LATENCY_MS (how long the Paymaxis stand-in takes to answer, 0).
import { writeFileSync } from 'node:fs';
import { intEnv, ms, table } from './stats.js';
import { startBaseline } from './throughput/baseline.js';
import { createBenchStore, type BenchStoreKind } from './throughput/bench-store.js';
import { setUpBenchTenant } from './throughput/bench-tenant.js';
import { measureCpu, type CpuSpan } from './throughput/cpu-usage.js';
import { resolveDatabaseUrl } from './throughput/database-url.js';
import { baselineLoad, depositLoad, webhookLoad } from './throughput/deposit-loads.js';
import { startEngineUnderTest } from './throughput/engine-under-test.js';
import type { LoadResult } from './throughput/load.js';
import { sampleMemory } from './throughput/memory.js';
import { startPaymaxisStub } from './throughput/paymaxis-stub.js';

const seconds = intEnv('BENCH_SECONDS', 20);
const connections = intEnv('BENCH_CONNECTIONS', 32);
const rate = intEnv('BENCH_RATE', 500);
const settleSeconds = intEnv('BENCH_SETTLE_SECONDS', 60);
const stores = (process.env.BENCH_STORES ?? 'pglite,postgres').split(',').map((s) => s.trim()) as BenchStoreKind[];
const pause = (s: number) => new Promise((resolve) => setTimeout(resolve, s * 1000));
const progress = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

export interface StoreFigures {
  store: BenchStoreKind;
  saturation: LoadResult & { cpu: CpuSpan };
  fixedRate: LoadResult;
  webhooks: LoadResult & { cpu: CpuSpan };
  baseline: LoadResult & { cpu: CpuSpan };
  memory: { idleMb: number; peakMb: number; afterMb: number; settleSeconds: number };
}

async function benchStore(kind: BenchStoreKind): Promise<StoreFigures> {
  const store = await createBenchStore(kind, kind === 'postgres' ? await resolveDatabaseUrl() : undefined);
  const stub = await startPaymaxisStub();
  try {
    const profileDir = process.env.BENCH_CPU_PROF;
    const engine = await startEngineUnderTest(store, profileDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {});
    let engineFigures: Omit<StoreFigures, 'store' | 'baseline'>;
    try {
      const tenant = await setUpBenchTenant(engine.url, stub.base);
      progress(`${kind}: engine pid ${engine.pid} ready; warming up (2000 deposits, 8 connections), then 5 s quiet`);
      await depositLoad(engine.url, tenant, `warm-${kind}`, { amount: 2000, connections: 8 });
      await pause(5);
      const idleMb = engine.rssMb();
      await stub.forget();

      progress(`${kind}: deposits at saturation, ${connections} connections for ${seconds} s`);
      const memory = sampleMemory(engine);
      let cpu = measureCpu(engine.pid);
      const saturation = await depositLoad(engine.url, tenant, `sat-${kind}`, { connections, seconds });
      const saturationCpu = cpu.end(saturation.ok);
      progress(`${kind}: signed webhooks settling those ${saturation.ok} deposits`);
      cpu = measureCpu(engine.pid);
      const webhooks = await webhookLoad(engine.url, stub, connections);
      const webhooksCpu = cpu.end(webhooks.ok);
      await stub.forget();
      progress(`${kind}: deposits at ${rate}/s for ${seconds} s`);
      const fixedRate = await depositLoad(engine.url, tenant, `rate-${kind}`, { seconds, rate });
      const peakMb = memory.stop();
      progress(`${kind}: ${settleSeconds} s quiet, then memory again`);
      await pause(settleSeconds);
      const afterMb = engine.rssMb();
      engineFigures = {
        saturation: { ...saturation, cpu: saturationCpu },
        webhooks: { ...webhooks, cpu: webhooksCpu },
        fixedRate,
        memory: { idleMb, peakMb, afterMb, settleSeconds },
      };
    } finally {
      await engine.stop();
    }

    progress(`${kind}: baseline at saturation, ${connections} connections for ${seconds} s`);
    const baselineServer = await startBaseline(store);
    try {
      await baselineLoad(baselineServer.url, `bwarm-${kind}`, { amount: 2000, connections: 8 });
      const cpu = measureCpu(baselineServer.pid);
      const baseline = await baselineLoad(baselineServer.url, `base-${kind}`, { connections, seconds });
      return { store: kind, ...engineFigures, baseline: { ...baseline, cpu: cpu.end(baseline.ok) } };
    } finally {
      await baselineServer.stop();
    }
  } finally {
    await stub.stop();
    await store.destroy();
  }
}

const figures: StoreFigures[] = [];
for (const kind of stores) figures.push(await benchStore(kind));

const row = (name: string, r: LoadResult, cpu?: CpuSpan) => [
  name,
  String(r.ok),
  String(r.wrong + r.errors + r.timeouts),
  r.perSec.toFixed(0),
  ms(r.latency.p50, 2),
  ms(r.latency.p90, 2),
  ms(r.latency.p99, 2),
  ms(r.latency.max, 1),
  cpu === undefined ? '—' : cpu.processMsPerRequest.toFixed(2),
  cpu === undefined ? '—' : `${(cpu.machineBusy * 100).toFixed(0)}%`,
];
console.log(
  table(
    ['store: run', 'ok', 'failed', 'per s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'CPU ms/req', 'machine busy'],
    figures.flatMap((f) => [
      row(`${f.store}: engine deposits, saturation (${connections} conns)`, f.saturation, f.saturation.cpu),
      row(`${f.store}: engine deposits at ${rate}/s`, f.fixedRate),
      row(`${f.store}: engine webhooks, saturation (${connections} conns)`, f.webhooks, f.webhooks.cpu),
      row(`${f.store}: baseline, saturation (${connections} conns)`, f.baseline, f.baseline.cpu),
    ]),
  ),
);
console.log('\nCPU ms/req: CPU time of the serving process (all its threads) per answered request.\n');
console.log(
  table(
    ['store', 'engine / baseline', 'idle RSS MB', 'peak RSS MB', `RSS ${settleSeconds} s later MB`, 'later / idle'],
    figures.map((f) => [
      f.store,
      (f.saturation.perSec / f.baseline.perSec).toFixed(2),
      f.memory.idleMb.toFixed(0),
      f.memory.peakMb.toFixed(0),
      f.memory.afterMb.toFixed(0),
      (f.memory.afterMb / f.memory.idleMb).toFixed(2),
    ]),
  ),
);
for (const f of figures) {
  for (const [name, r] of [
    ['saturation', f.saturation],
    ['fixed rate', f.fixedRate],
    ['webhooks', f.webhooks],
    ['baseline', f.baseline],
  ] as const) {
    if (r.wrongExamples.length > 0) console.log(`${f.store} ${name}: wrong answers, e.g. ${r.wrongExamples.join(' | ')}`);
  }
}
const failed = figures.some((f) => [f.saturation, f.fixedRate, f.webhooks, f.baseline].some((r) => r.wrong + r.errors + r.timeouts > 0));

if (process.env.BENCH_RESULT_FILE) writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify({ deposits: figures }));
if (failed) {
  console.error('some answers were wrong or missing: the figures above do not count them as throughput');
  process.exit(1);
}
