// The sandbox's own cost per run (issue 3): what src/flows/sandbox.ts adds on top of the time a
// gateway script spends waiting for its PSP. Target: overhead p50 ≤ 1 ms and p99 ≤ 5 ms.
//
//   npm run bench -- sandbox.bench
//   node --no-node-snapshot --import tsx bench/sandbox.bench.ts
//
// Settings: BENCH_RUNS (measured runs per case, 2000), BENCH_WARMUP (200), BENCH_CONCURRENCY (32),
// BENCH_COLD (fresh sandboxes for the cold-start case, 30).
//
// Overhead = a run's wall time (around sandbox.run) − the time its sdk.http calls took. Two
// readings of the HTTP time are given: the sum of meta.http[*].duration, as the engine reports it
// (rounded to whole milliseconds by RunCapture), and the exact time spent inside
// RunCapture.request (the host side of sdk.http: encoding, egress, reading the answer), taken by
// wrapping that method here. The exact one decides the verdict; the rounded one is shown because
// it is what an operator sees in meta.
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { transactionId } from '../src/ids.js';
import { Redactor } from '../src/flows/redaction.js';
import { RunCapture } from '../src/flows/run-capture.js';
import { Sandbox, type StepReport, type StepRequest } from '../src/flows/sandbox.js';
import { startStubPsp } from './stub-psp.js';
import { intEnv, ms, summarize, table, type Summary } from './stats.js';

const runs = intEnv('BENCH_RUNS', 2000);
const warmup = intEnv('BENCH_WARMUP', 200);
const concurrency = intEnv('BENCH_CONCURRENCY', 32);
const coldSamples = intEnv('BENCH_COLD', 30);
const target = { p50: 1, p99: 5 };

const connector = (path: string) => readFileSync(new URL(`../connectors/${path}`, import.meta.url), 'utf8');
const trivialScript = 'export async function initiate(ctx, sdk) {\n  return sdk.response.success({ status: "PENDING" });\n}\n';
const sticpayScript = connector('sticpay/deposit.js');
const paymaxisScript = connector('paymaxis/deposit.js');
// What the manifests list as `modules`: the gateway code the scripts import.
const sticpayModules = { './common.js': connector('sticpay/common.js') };
const paymaxisModules = { './common.js': connector('paymaxis/common.js') };
const payLink = 'https://pay.example/x';

// ---------------------------------------------------------------------------------------------
// Exact HTTP time per run. Every sticpay call carries the transaction id (order_no / order_id),
// which is unique per run, so calls are attributed to their run even when runs overlap.

const httpTimeByRun = new Map<string, number>();
const originalRequest = RunCapture.prototype.request;
RunCapture.prototype.request = async function timedRequest(this: RunCapture, method, url, options) {
  const started = performance.now();
  try {
    return await originalRequest.call(this, method, url, options);
  } finally {
    const elapsed = performance.now() - started;
    const runId = /ortx[0-9A-Za-z]{12}/.exec(JSON.stringify(options) ?? '')?.[0];
    if (runId !== undefined) httpTimeByRun.set(runId, (httpTimeByRun.get(runId) ?? 0) + elapsed);
  }
};

// ---------------------------------------------------------------------------------------------
// A local stand-in for api.sticpay.com (its own process, see stub-psp.ts), reached through
// egress.hostMap as in a test environment.

const psp = await startStubPsp('/rest_pay/pay', { success: true, link: payLink });
const pspBase = psp.base;

// ---------------------------------------------------------------------------------------------
// Requests shaped as FlowExecutor builds them (src/flows/flow-executor.ts).

interface Case {
  name: string;
  request: () => StepRequest;
  /** Why a successful-looking report is still wrong, or undefined when it is as expected. */
  check: (report: StepReport) => string | undefined;
}

function flowCtx(id: string, step: string, credential: Record<string, unknown>, data: unknown, currency = 'USD') {
  const base = 'http://127.0.0.1:8080';
  return {
    id,
    step,
    credential,
    data,
    transaction: {
      id,
      action: 'DEPOSIT',
      amount: '200.00',
      currency,
      orderId: 'order-1001',
      customerId: 'cust-42',
      pspTxnId: null,
      flowDefinitionId: 'fld_01jt2cyyskeh48mkpkf3y9z6j3',
      definitionVersion: 1,
    },
    urls: {
      server: {
        redirect: `${base}/connxt/v2/callbacks/r/${id}`,
        webhook: `${base}/connxt/v2/callbacks/w/${id}`,
        successRedirectUrl: 'https://merchant.example/success',
        failureRedirectUrl: 'https://merchant.example/failure',
      },
    },
  };
}

const trivialCase: Case = {
  name: 'trivial step',
  request: () => {
    const credential = { apiKey: 'sk_test_0123456789abcdef' };
    return {
      scriptName: 'fld_bench_trivial@1',
      script: trivialScript,
      step: 'initiate',
      ctx: flowCtx(transactionId(), 'initiate', credential, {}),
      egress: { allowedHosts: [], hostMap: {} },
      redactor: Redactor.fromCredential(credential),
    };
  },
  check: (report) => ((report.value as { data?: { status?: unknown } })?.data?.status === 'PENDING' ? undefined : 'no PENDING status'),
};

const sticpayCredential = { merchantEmail: 'merchant@example.com', apiKey: 'stic_live_9f8e7d6c5b4a3210' };
const sticpayCase: Case = {
  name: 'sticpay initiate',
  request: () => ({
    scriptName: 'fld_01jt2cyyskeh48mkpkf3y9z6j3@1',
    script: sticpayScript,
    modules: sticpayModules,
    step: 'initiate',
    ctx: flowCtx(transactionId(), 'initiate', sticpayCredential, { body: { customer: { id: 'cust-42' } } }),
    egress: { allowedHosts: ['api.sticpay.com'], hostMap: { 'https://api.sticpay.com': pspBase } },
    redactor: Redactor.fromCredential(sticpayCredential),
  }),
  check: (report) => {
    const value = report.value as { __type?: string; data?: { navigation?: { value?: unknown } } } | null;
    if (value?.__type !== 'success' || value.data?.navigation?.value !== payLink) {
      return `unexpected result ${JSON.stringify(value)}`;
    }
    const calls = Object.values(report.meta.http);
    if (calls.length !== 1 || calls[0]?.response?.status !== 200) return `expected one HTTP 200, got ${JSON.stringify(report.meta.http)}`;
    return undefined;
  },
};

// No HTTP: verifies the webhook's HMAC-SHA256 signature with crypto.subtle inside the isolate.
const paymaxisCredential = { apiKey: 'pmx_live_a1b2c3d4e5f6', webhookSecret: 'whsec_0011223344556677' };
const paymaxisWebhookCase: Case = {
  name: 'paymaxis webhook (HMAC, no HTTP)',
  request: () => {
    const id = transactionId();
    const rawBody = JSON.stringify({ id: 'pm_123', referenceId: id, state: 'COMPLETED' });
    const signature = createHmac('sha256', paymaxisCredential.webhookSecret).update(rawBody).digest('hex');
    return {
      scriptName: 'fld_bench_paymaxis@1',
      script: paymaxisScript,
      modules: paymaxisModules,
      step: 'webhook',
      ctx: flowCtx(id, 'webhook', paymaxisCredential, { rawBody, headers: { signature }, body: JSON.parse(rawBody) }, 'EUR'),
      egress: { allowedHosts: ['app.paymaxis.com'], hostMap: {} },
      redactor: Redactor.fromCredential(paymaxisCredential),
    };
  },
  check: (report) =>
    (report.value as { data?: { status?: unknown } })?.data?.status === 'SUCCESS' ? undefined : `unexpected result ${JSON.stringify(report.value)}`,
};

// ---------------------------------------------------------------------------------------------
// Measuring.

interface Sample {
  wall: number;
  /** Σ meta.http[*].duration (whole ms, as reported). */
  httpMeta: number;
  /** Time inside RunCapture.request, exact. */
  httpExact: number;
}

interface Measured {
  samples: Sample[];
  elapsed: number;
  /** Process CPU time (every thread: Node's and the isolates') per measured run. */
  cpuPerRun: number;
  /** CPU time of Node's main thread per measured run (Linux; 10 ms ticks, NaN elsewhere). */
  mainCpuPerRun: number;
  failures: number;
  firstFailure: string | undefined;
}

async function runOnce(sandbox: Sandbox, bench: Case): Promise<{ sample: Sample; failure: string | undefined }> {
  const request = bench.request();
  const started = performance.now();
  const report = await sandbox.run(request);
  const wall = performance.now() - started;
  const id = String(request.ctx.id);
  const httpExact = httpTimeByRun.get(id) ?? 0;
  httpTimeByRun.delete(id);
  const httpMeta = Object.values(report.meta.http).reduce((sum, exchange) => sum + exchange.duration, 0);
  const failure = report.ok ? bench.check(report) : `${report.failure?.kind}: ${report.failure?.message}`;
  return { sample: { wall, httpMeta, httpExact }, failure };
}

function unmeasured(samples: Sample[]): Measured {
  return { samples, elapsed: 0, cpuPerRun: Number.NaN, mainCpuPerRun: Number.NaN, failures: 0, firstFailure: undefined };
}

async function measure(sandbox: Sandbox, bench: Case, count: number, parallel: number): Promise<Measured> {
  const result = unmeasured([]);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const { sample, failure } = await runOnce(sandbox, bench);
      result.samples.push(sample);
      if (failure !== undefined) {
        result.failures += 1;
        result.firstFailure ??= failure;
      }
    }
  };
  const cpu = process.cpuUsage();
  const mainCpu = mainThreadCpu();
  const started = performance.now();
  await Promise.all(Array.from({ length: parallel }, worker));
  result.elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  result.cpuPerRun = (used.user + used.system) / 1000 / count;
  result.mainCpuPerRun = (mainThreadCpu() - mainCpu) / count;
  return result;
}

async function warmAndMeasure(sandbox: Sandbox, bench: Case, parallel: number): Promise<Measured> {
  const warm = await measure(sandbox, bench, warmup, parallel);
  if (warm.failures > 0) {
    // Measuring a failing step would time its error path: report and skip the measured runs.
    return { ...unmeasured([]), failures: warm.failures, firstFailure: warm.firstFailure };
  }
  return measure(sandbox, bench, runs, parallel);
}

const loadAtStart = loadavg();
const cpuAtStart = process.cpuUsage();
const wallAtStart = performance.now();
const rows: string[][] = [];
const failures: string[] = [];

function addRow(label: string, measured: Measured, pick: (sample: Sample) => number, throughput = true): Summary {
  const summary = summarize(measured.samples.map(pick));
  const failed = measured.failures > 0 ? `${measured.failures}` : '0';
  const rate = throughput && measured.elapsed > 0 ? ((measured.samples.length / measured.elapsed) * 1000).toFixed(0) : '';
  const cpu = throughput && measured.elapsed > 0 ? ms(measured.cpuPerRun) : '';
  const mainCpu = throughput && measured.elapsed > 0 ? ms(measured.mainCpuPerRun) : '';
  rows.push([label, String(summary.n), failed, ms(summary.p50), ms(summary.p90), ms(summary.p99), ms(summary.max), rate, cpu, mainCpu]);
  return summary;
}

function noteFailures(label: string, measured: Measured): void {
  if (measured.failures > 0) failures.push(`${label}: ${measured.failures} failed run(s), first: ${measured.firstFailure}`);
}

const wall = (sample: Sample) => sample.wall;
const overheadMeta = (sample: Sample) => sample.wall - sample.httpMeta;
const overheadExact = (sample: Sample) => sample.wall - sample.httpExact;

// The very first run of the process: isolate, prelude and the host's own code all cold.
{
  const sandbox = new Sandbox();
  const { sample, failure } = await runOnce(sandbox, sticpayCase);
  sandbox.close();
  rows.push(['first run in a fresh process (sticpay)', '1', failure === undefined ? '0' : '1', ms(sample.wall), '', '', '', '', '', '']);
  if (failure !== undefined) failures.push(`first run in a fresh process: ${failure}`);
}

// a. trivial step, sequential.
let trivialWall: Summary | undefined;
{
  const sandbox = new Sandbox();
  const measured = await warmAndMeasure(sandbox, trivialCase, 1);
  sandbox.close();
  trivialWall = addRow('a. trivial step, sequential: wall', measured, wall);
  noteFailures('a. trivial step', measured);
}

// b. sticpay initiate against the local PSP, sequential.
let verdictExact: Summary | undefined;
let verdictMeta: Summary | undefined;
{
  const sandbox = new Sandbox();
  const measured = await warmAndMeasure(sandbox, sticpayCase, 1);
  sandbox.close();
  addRow('b. sticpay initiate, sequential: wall', measured, wall);
  addRow('   HTTP time (exact, inside RunCapture.request)', measured, (sample) => sample.httpExact, false);
  verdictMeta = addRow('   overhead = wall − Σ meta.http duration', measured, overheadMeta, false);
  verdictExact = addRow('   overhead = wall − exact HTTP time', measured, overheadExact, false);
  noteFailures('b. sticpay initiate', measured);
  if (measured.samples.length === 0) verdictExact = verdictMeta = undefined;
}

// b2. a realistic step without HTTP: paymaxis webhook signature check.
{
  const sandbox = new Sandbox();
  const measured = await warmAndMeasure(sandbox, paymaxisWebhookCase, 1);
  sandbox.close();
  addRow('b2. paymaxis webhook (HMAC verify, no HTTP): wall', measured, wall);
  noteFailures('b2. paymaxis webhook', measured);
}

// c. sticpay initiate, `concurrency` runs in flight, as many isolates.
{
  const sandbox = new Sandbox({ maxIsolates: concurrency });
  const measured = await warmAndMeasure(sandbox, sticpayCase, concurrency);
  sandbox.close();
  addRow(`c. sticpay initiate, ${concurrency} concurrent: latency`, measured, wall);
  addRow('   overhead = wall − exact HTTP time', measured, overheadExact, false);
  noteFailures(`c. sticpay initiate ×${concurrency}`, measured);
}

// d. cold start: the first run on a fresh Sandbox (isolate creation + prelude compile + the run),
// next to the second run on the same Sandbox. Host code is warm by now.
{
  const first: Sample[] = [];
  const second: Sample[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  for (const bench of [trivialCase, sticpayCase]) {
    first.length = 0;
    second.length = 0;
    for (let i = 0; i < coldSamples; i++) {
      const sandbox = new Sandbox();
      for (const into of [first, second]) {
        const { sample, failure } = await runOnce(sandbox, bench);
        into.push(sample);
        if (failure !== undefined) {
          failed += 1;
          firstFailure ??= failure;
        }
      }
      sandbox.close();
    }
    const label = bench === trivialCase ? 'trivial' : 'sticpay';
    addRow(`d. cold start (${label}): 1st run on a fresh Sandbox`, unmeasured([...first]), wall, false);
    addRow(`   2nd run on the same Sandbox`, unmeasured([...second]), wall, false);
  }
  if (failed > 0) failures.push(`d. cold start: ${failed} failed run(s), first: ${firstFailure}`);
}

// What FlowExecutor does per run besides sandbox.run: Redactor.fromCredential (not in the figures above).
{
  const samples: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const started = performance.now();
    Redactor.fromCredential(sticpayCredential);
    if (i >= warmup) samples.push(performance.now() - started);
  }
  const summary = summarize(samples);
  rows.push(['Redactor.fromCredential (sticpay credential)', String(summary.n), '0', ms(summary.p50), ms(summary.p90), ms(summary.p99), ms(summary.max), '', '', '']);
}

psp.close();
const cpu = process.cpuUsage(cpuAtStart);
const wallTotal = performance.now() - wallAtStart;

console.log(
  `runs per case: ${runs} after ${warmup} warm-up; cold-start samples: ${coldSamples}; times in ms; ` +
    'CPU/run = CPU time of the bench process (Node and isolate threads; the stub PSP runs in another process) per run; ' +
    "main/run = the part of it on Node's main thread",
);
console.log(
  `load average ${loadAtStart} at start, ${loadavg()} at end (1, 5, 15 min; ${os.cpus().length} cores); ` +
    `this process used ${(((cpu.user + cpu.system) / 1000 / wallTotal) * 100).toFixed(0)}% of one core over ${(wallTotal / 1000).toFixed(1)} s\n`,
);
console.log(table(['case', 'n', 'failed', 'p50', 'p90', 'p99', 'max', 'runs/s', 'CPU/run', 'main/run'], rows));

const verdict = (label: string, summary: Summary | undefined) => {
  if (summary === undefined) return `${label}: not measured (the step failed)`;
  const pass = summary.p50 <= target.p50 && summary.p99 <= target.p99;
  return `${label}: p50 ${ms(summary.p50)} ms (≤ ${target.p50}), p99 ${ms(summary.p99)} ms (≤ ${target.p99}) → ${pass ? 'PASS' : 'FAIL'}`;
};
console.log(`\ntarget (issue 3): sandbox overhead p50 ≤ ${target.p50} ms, p99 ≤ ${target.p99} ms beyond the script's HTTP time`);
console.log(verdict('  overhead, exact HTTP time (verdict)', verdictExact));
console.log(verdict('  overhead, Σ meta.http duration (whole ms)', verdictMeta));

if (process.env.BENCH_RESULT_FILE) {
  // For `npm run bench -- --json`: a real gateway step's own cost (the verdict figure) and a trivial run's.
  const pick = (summary: Summary | undefined) => (summary === undefined ? null : { p50: summary.p50, p99: summary.p99 });
  writeFileSync(process.env.BENCH_RESULT_FILE, JSON.stringify({ sandbox: { sticpayOverhead: pick(verdictExact), trivialWall: pick(trivialWall) } }));
}

if (failures.length > 0) {
  console.log('\nFAILED RUNS — the figures of these cases time an error path, not the step:');
  for (const line of failures) console.log(`  ${line}`);
  process.exitCode = 1;
}

function loadavg(): string {
  return os.loadavg().map((n) => n.toFixed(2)).join(' ');
}

/** utime + stime of the calling (main) thread in ms, from /proc (clock ticks of 10 ms). */
function mainThreadCpu(): number {
  const path = '/proc/thread-self/stat';
  if (!existsSync(path)) return Number.NaN;
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
