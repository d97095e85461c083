// Where a sandbox run's time goes: a copy of Sandbox.run (src/flows/sandbox.ts, isolate-pool.ts)
// with a clock between its phases, for the trivial step and the sticpay initiate step. Then the
// same copy with one change at a time ("what if"), to size the possible savings. The copy uses
// the real prelude, host calls, RunCapture, egress and Redactor; only the order of calls is
// duplicated here (the wall-time guard is a plain timer where sandbox.ts races a promise against
// it), so keep it in step with sandbox.ts when that changes.
//
//   npm run bench -- phases
//
// Settings: BENCH_RUNS (2000), BENCH_WARMUP (200).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import ivm from 'isolated-vm';
import { hostSyncOps } from '../src/flows/host-ops.js';
import { Redactor } from '../src/flows/redaction.js';
import { logLimits, RunCapture } from '../src/flows/run-capture.js';
import { Sandbox } from '../src/flows/sandbox.js';
import { preludeSource, stdCryptoModuleSource } from '../src/flows/sandbox-prelude.js';
import { transactionId } from '../src/ids.js';
import { startStubPsp } from './stub-psp.js';
import { intEnv, ms, summarize, table } from './stats.js';

const runs = intEnv('BENCH_RUNS', 2000);
const warmup = intEnv('BENCH_WARMUP', 200);

const sticpayScript = readFileSync(new URL('../connectors/sticpay/deposit.js', import.meta.url), 'utf8');
// The module the script imports (the manifest's `modules`).
const sticpayCommon = readFileSync(new URL('../connectors/sticpay/common.js', import.meta.url), 'utf8');
const trivialScript = 'export async function initiate(ctx, sdk) {\n  return sdk.response.success({ status: "PENDING" });\n}\n';

const psp = await startStubPsp('/rest_pay/pay', { success: true, link: 'https://pay.example/x' });
const pspBase = psp.base;

const credential = { merchantEmail: 'merchant@example.com', apiKey: 'stic_live_9f8e7d6c5b4a3210' };
function makeCtx(id: string) {
  return {
    id,
    step: 'initiate',
    credential,
    data: { body: { customer: { id: 'cust-42' } } },
    transaction: { id, action: 'DEPOSIT', amount: '200.00', currency: 'USD', orderId: 'order-1001', customerId: 'cust-42', pspTxnId: null },
    urls: {
      server: {
        redirect: `http://127.0.0.1:8080/connxt/v2/callbacks/r/${id}`,
        webhook: `http://127.0.0.1:8080/connxt/v2/callbacks/w/${id}`,
        successRedirectUrl: 'https://merchant.example/success',
        failureRedirectUrl: 'https://merchant.example/failure',
      },
    },
  };
}
const egress = { allowedHosts: ['api.sticpay.com'], hostMap: { 'https://api.sticpay.com': pspBase } };

// ---------------------------------------------------------------------------------------------
// The copy. Phase names are in the order they happen.

const phaseNames = [
  'capture', // new RunCapture, the wall-time timer, the Redactor's input ready
  'prelude', // createContextSync + 3 global.setSync + prelude.runSync (web globals, sdk) + getSync(__connxtRun)
  'compile', // compileModuleSync(script)
  'link', // instantiateSync, compiling the jsr:@std/crypto module when imported
  'evaluate', // await module.evaluate() (the script's top level)
  'ctx copy', // new ExternalCopy(ctx).copyInto()
  'step − HTTP', // await run.apply(...) less the time inside RunCapture.request
  'release', // module/run/context release, clearTimeout, capture.end
  'heap stats', // await isolate.getHeapStatistics() (IsolatePool.release → #wornOut)
  'recycle', // a new isolate + prelude compile every 500 runs (IsolatePool recycleAfterRuns)
  'report', // redaction of value, logs and meta.http
] as const;
type Phase = (typeof phaseNames)[number];

interface Variant {
  name: string;
  /** getHeapStatisticsSync: the isolate is idle then, so no thread hop is needed. */
  heapStatsSync?: boolean;
  /** V8 code cache (cachedData) for the script and the std module, produced once per isolate. */
  codeCache?: boolean;
  /** module.evaluateSync: the top level runs on the calling thread, no hop (but blocks the loop). */
  evaluateSync?: boolean;
  /** The next run's context and prelude are set up right after a run, off the measured path. */
  prepared?: boolean;
  /**
   * run.applySync with a promise result: the step's synchronous part (up to its first real await)
   * runs on the calling thread, so its sync host calls are plain calls instead of thread hops
   * (but that part of an untrusted script then blocks Node's event loop, up to the timeout).
   */
  stepSync?: boolean;
  /** With `prepared`: the lazy web globals (TextEncoder, URL, crypto…) are built ahead as well. */
  globalsAhead?: boolean;
}

/** Reading each lazy global builds its group (sandbox-globals.ts): what a first use costs a run. */
const touchGlobals = 'void [TextEncoder, TextDecoder, atob, btoa, DOMException, URL, URLSearchParams, crypto.subtle, CryptoKey];';

/** What the host calls of a context route to: set per run, so a context can be made ahead. */
interface Box {
  capture: RunCapture | undefined;
  http: number;
  syncCalls: number;
}

interface Prepared {
  context: ivm.Context;
  run: ivm.Reference;
  box: Box;
}

interface Slot {
  isolate: ivm.Isolate;
  prelude: ivm.Script;
  runs: number;
  scriptCache?: ivm.ExternalCopy<ArrayBuffer>;
  stdCache?: ivm.ExternalCopy<ArrayBuffer>;
  commonCache?: ivm.ExternalCopy<ArrayBuffer>;
  next?: Prepared;
}

async function newSlot(): Promise<Slot> {
  const isolate = new ivm.Isolate({ memoryLimit: 48 });
  const prelude = await isolate.compileScript(preludeSource, { filename: 'connxt:prelude' });
  return { isolate, prelude, runs: 0 };
}

function prepare(slot: Slot, globalsAhead = false): Prepared {
  const box: Box = { capture: undefined, http: 0, syncCalls: 0 };
  const context = slot.isolate.createContextSync();
  const global = context.global;
  global.setSync('globalThis', global.derefInto());
  global.setSync(
    '__connxtCall',
    new ivm.Reference((op: string, args: unknown[]) => {
      box.syncCalls += 1;
      if (op === 'log') {
        box.capture!.log(args[0], args[1]);
        return { ok: null };
      }
      const handler = hostSyncOps[op];
      if (handler === undefined) return { error: `unknown host call ${op}` };
      try {
        return { ok: handler(args) };
      } catch (err) {
        return { error: err instanceof Error ? err.message : String(err), name: err instanceof Error ? err.name : 'Error' };
      }
    }),
  );
  global.setSync(
    '__connxtAwait',
    new ivm.Reference(async (op: string, args: unknown[]) => {
      if (op !== 'http') return { error: `unknown host call ${op}` };
      const started = performance.now();
      try {
        return await box.capture!.request(args[0], args[1], args[2]);
      } catch (err) {
        return { error: err instanceof Error ? err.message : String(err) };
      } finally {
        box.http += performance.now() - started;
      }
    }),
  );
  slot.prelude.runSync(context, { timeout: 1_000 });
  const run = global.getSync('__connxtRun', { reference: true }) as ivm.Reference;
  if (globalsAhead) context.evalSync(touchGlobals, { timeout: 1_000 });
  return { context, run, box };
}

function compile(slot: Slot, variant: Variant, source: string, filename: string, cache: 'scriptCache' | 'stdCache' | 'commonCache'): ivm.Module {
  if (!variant.codeCache) return slot.isolate.compileModuleSync(source, { filename });
  const cachedData = slot[cache];
  if (cachedData !== undefined) return slot.isolate.compileModuleSync(source, { filename, cachedData });
  const module = slot.isolate.compileModuleSync(source, { filename, produceCachedData: true });
  slot[cache] = (module as ivm.Module & { cachedData?: ivm.ExternalCopy<ArrayBuffer> }).cachedData;
  return module;
}

interface RunResult {
  times: Record<Phase, number>;
  http: number;
  syncCalls: number;
}

async function runCopy(holder: { slot: Slot }, variant: Variant, script: string): Promise<RunResult> {
  const times = Object.fromEntries(phaseNames.map((phase) => [phase, 0])) as Record<Phase, number>;
  const id = transactionId();
  const ctx = makeCtx(id);
  const redactor = Redactor.fromCredential(credential);
  let t = performance.now();
  const lap = (phase: Phase) => {
    const now = performance.now();
    times[phase] += now - t;
    t = now;
  };

  const capture = new RunCapture(
    { ...egress, timeoutMs: 10_000, maxResponseBytes: 2 * 1024 * 1024 },
    { ...logLimits, maxHttpCalls: 20 },
    () => new Date(),
  );
  const slot = holder.slot;
  const timer = setTimeout(() => undefined, 15_000);
  lap('capture');

  let prepared = slot.next;
  slot.next = undefined;
  if (prepared === undefined) prepared = prepare(slot);
  const { context, run, box } = prepared;
  box.capture = capture;
  lap('prelude');

  const module = compile(slot, variant, script, 'connxt:flow/bench', 'scriptCache');
  lap('compile');

  // One instance per specifier, as src/flows/sandbox.ts links them.
  const linked = new Map<string, ivm.Module>();
  module.instantiateSync(context, (specifier) => {
    let dependency = linked.get(specifier);
    if (dependency === undefined) {
      if (specifier === './common.js') dependency = compile(slot, variant, sticpayCommon, 'connxt:flow/bench/common.js', 'commonCache');
      else if (specifier === 'jsr:@std/crypto') dependency = compile(slot, variant, stdCryptoModuleSource, specifier, 'stdCache');
      else throw new Error(`unexpected import ${specifier}`);
      linked.set(specifier, dependency);
    }
    return dependency;
  });
  lap('link');

  if (variant.evaluateSync) module.evaluateSync({ timeout: 15_000 });
  else await module.evaluate({ timeout: 15_000 });
  lap('evaluate');

  const ctxCopy = new ivm.ExternalCopy(ctx).copyInto({ release: true });
  lap('ctx copy');

  const args = [module.namespace.derefInto(), 'initiate', ctxCopy];
  const options = { result: { promise: true, copy: true }, timeout: 15_000 } as const;
  const answer = (await (variant.stepSync ? run.applySync(undefined, args, options) : run.apply(undefined, args, options))) as {
    value?: unknown;
    error?: unknown;
  };
  lap('step − HTTP');
  times['step − HTTP'] -= box.http;
  if (answer.error !== undefined || answer.value === undefined) throw new Error(`the step failed: ${JSON.stringify(answer)}`);

  module.release();
  run.release();
  clearTimeout(timer);
  capture.end();
  context.release();
  lap('release');

  slot.runs += 1;
  const stats = variant.heapStatsSync ? slot.isolate.getHeapStatisticsSync() : await slot.isolate.getHeapStatistics();
  lap('heap stats');
  if (slot.runs >= 500 || stats.used_heap_size > 16 * 1024 * 1024) {
    slot.isolate.dispose();
    holder.slot = await newSlot();
  }
  lap('recycle');

  // Sandbox.run's report(): the same Redactor calls on the same data.
  void {
    value: redactor.value(answer.value),
    logs: capture.logs.map((entry) => ({ ...entry, message: redactor.text(entry.message) })),
    http: capture.http.map((exchange) => ({
      request: {
        url: redactor.text(exchange.request.url),
        headers: redactor.headers(exchange.request.headers),
        data: redactor.value(exchange.request.data),
      },
      response: exchange.response && {
        headers: redactor.headers(exchange.response.headers),
        data: redactor.value(exchange.response.data),
      },
    })),
  };
  lap('report');
  return { times, http: box.http, syncCalls: box.syncCalls };
}

/**
 * createContextSync alone (the 'prelude' lap above includes it when the context is made in-line),
 * and building every lazy web global in a fresh prepared context.
 */
function contextOnly(slot: Slot): { context: number; globals: number } {
  let started = performance.now();
  const context = slot.isolate.createContextSync();
  const contextTime = performance.now() - started;
  context.release();
  const prepared = prepare(slot);
  started = performance.now();
  prepared.context.evalSync(touchGlobals, { timeout: 1_000 });
  const globals = performance.now() - started;
  prepared.run.release();
  prepared.context.release();
  return { context: contextTime, globals };
}

// ---------------------------------------------------------------------------------------------
// Measuring: every variant, and the real Sandbox, take turns run by run, so that load from other
// processes falls on all of them alike.

interface Contender {
  name: string;
  run: () => Promise<{ overhead: number; result?: RunResult }>;
  overheads: number[];
  phases: Record<Phase, number[]>;
  syncCalls: number;
}

function realContender(script: string): Contender & { sandbox: Sandbox } {
  const sandbox = new Sandbox();
  return {
    name: 'real Sandbox.run (src/)',
    sandbox,
    overheads: [],
    phases: emptyPhases(),
    syncCalls: 0,
    run: async () => {
      const id = transactionId();
      httpByRun.set(id, 0);
      const started = performance.now();
      const report = await sandbox.run({
        scriptName: 'bench@1',
        script,
        modules: { './common.js': sticpayCommon },
        step: 'initiate',
        ctx: makeCtx(id),
        egress,
        redactor: Redactor.fromCredential(credential),
      });
      const elapsed = performance.now() - started;
      const http = httpByRun.get(id) ?? 0;
      httpByRun.delete(id);
      if (!report.ok) throw new Error(`the real sandbox failed: ${JSON.stringify(report.failure)}`);
      return { overhead: elapsed - http };
    },
  };
}

async function copyContender(variant: Variant, script: string): Promise<Contender & { holder: { slot: Slot } }> {
  const holder = { slot: await newSlot() };
  return {
    name: variant.name,
    holder,
    overheads: [],
    phases: emptyPhases(),
    syncCalls: 0,
    run: async () => {
      const started = performance.now();
      const result = await runCopy(holder, variant, script);
      const overhead = performance.now() - started - result.http;
      // Off the measured path: what a pool would do while the isolate waits for its next run.
      if (variant.prepared) holder.slot.next = prepare(holder.slot, variant.globalsAhead);
      return { overhead, result };
    },
  };
}

function emptyPhases(): Record<Phase, number[]> {
  return Object.fromEntries(phaseNames.map((phase) => [phase, [] as number[]])) as unknown as Record<Phase, number[]>;
}

// Exact HTTP time of the real Sandbox's runs, by transaction id (it is in every sticpay request).
const httpByRun = new Map<string, number>();
const originalRequest = RunCapture.prototype.request;
RunCapture.prototype.request = async function timedRequest(this: RunCapture, method, url, options) {
  const started = performance.now();
  try {
    return await originalRequest.call(this, method, url, options);
  } finally {
    const id = /ortx[0-9A-Za-z]{12}/.exec(JSON.stringify(options) ?? '')?.[0];
    if (id !== undefined && httpByRun.has(id)) httpByRun.set(id, httpByRun.get(id)! + performance.now() - started);
  }
};

const variants: Variant[] = [
  { name: 'copy, as in src/' },
  { name: 'copy + getHeapStatisticsSync', heapStatsSync: true },
  { name: 'copy + code cache (script, std module)', codeCache: true },
  { name: 'copy + evaluateSync', evaluateSync: true },
  { name: 'copy + context & prelude made ahead', prepared: true },
  { name: 'copy + applySync for the step', stepSync: true },
  { name: 'copy + made ahead, globals built ahead', prepared: true, globalsAhead: true },
  { name: 'copy + made ahead + heap sync + code cache', prepared: true, heapStatsSync: true, codeCache: true },
  { name: 'copy + all of the above', prepared: true, globalsAhead: true, heapStatsSync: true, codeCache: true, evaluateSync: true, stepSync: true },
];

const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
console.log(`runs per case: ${runs} after ${warmup} warm-up, variants interleaved run by run; times in ms; load average at start ${loadavg()}\n`);

for (const [label, script] of [
  ['trivial step', trivialScript],
  ['sticpay initiate', sticpayScript],
] as const) {
  const real = realContender(script);
  const copies = await Promise.all(variants.map((variant) => copyContender(variant, script)));
  const contenders: Contender[] = [real, ...copies];
  const contextTimes: number[] = [];
  const globalsTimes: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    for (const contender of contenders) {
      const { overhead, result } = await contender.run();
      if (i < warmup) continue;
      contender.overheads.push(overhead);
      if (result !== undefined) {
        for (const phase of phaseNames) contender.phases[phase].push(result.times[phase]);
        contender.syncCalls += result.syncCalls;
      }
    }
    const extra = contextOnly(copies[0]!.holder.slot);
    if (i >= warmup) {
      contextTimes.push(extra.context);
      globalsTimes.push(extra.globals);
    }
  }
  real.sandbox.close();
  for (const copy of copies) copy.holder.slot.isolate.dispose();

  const base = copies[0]!;
  const contextSummary = summarize(contextTimes);
  const rows = phaseNames.map((phase) => {
      const summary = summarize(base.phases[phase]);
      const name = phase === 'prelude' ? 'context + prelude' : phase;
      return [name, ms(summary.p50), ms(summary.mean), ms(summary.p99), ms(summary.max)];
    });
  rows.splice(1, 0, [
    '  (createContextSync alone)',
    ms(contextSummary.p50),
    ms(contextSummary.mean),
    ms(contextSummary.p99),
    ms(contextSummary.max),
  ]);
  const globalsSummary = summarize(globalsTimes);
  rows.push([
    '  (all lazy web globals built)',
    ms(globalsSummary.p50),
    ms(globalsSummary.mean),
    ms(globalsSummary.p99),
    ms(globalsSummary.max),
  ]);
  const copySummary = summarize(base.overheads);
  rows.push(['= overhead, copy', ms(copySummary.p50), ms(copySummary.mean), ms(copySummary.p99), ms(copySummary.max)]);
  const realSummary = summarize(real.overheads);
  rows.push(['  overhead, real Sandbox.run', ms(realSummary.p50), ms(realSummary.mean), ms(realSummary.p99), ms(realSummary.max)]);
  console.log(`### ${label}: phases of one run (copy, as in src/; ${(base.syncCalls / runs).toFixed(1)} sync host calls per run)\n`);
  console.log(table(['phase', 'p50', 'mean', 'p99', 'max'], rows));
  console.log();

  console.log(`### ${label}: overhead per variant (wall − HTTP)\n`);
  console.log(
    table(
      ['variant', 'p50', 'mean', 'p90', 'p99'],
      contenders.map((contender) => {
        const summary = summarize(contender.overheads);
        return [contender.name, ms(summary.p50), ms(summary.mean), ms(summary.p90), ms(summary.p99)];
      }),
    ),
  );
  console.log();
}

// Host calls, by difference (real Sandbox): a sync one (isolate → Node main thread → back) as 21
// crypto.randomUUID() calls (~1 µs of work each) against 1, and an async one (sdk.http, the way
// the step reaches its PSP) as 5 calls that egress refuses before any I/O against none.
{
  const sandbox = new Sandbox();
  const step = (body: string) =>
    `export async function initiate(ctx, sdk) {\n${body}\n  return sdk.response.success({ status: "PENDING" });\n}\n`;
  const cases = [
    { name: 'base', script: step('  crypto.randomUUID();'), samples: [] as number[] },
    { name: 'sync', script: step('  for (let i = 0; i < 21; i++) crypto.randomUUID();'), samples: [] as number[] },
    {
      name: 'async',
      script: step('  crypto.randomUUID();\n  for (let i = 0; i < 5; i++) await sdk.http.get("https://refused.example/").catch(() => null);'),
      samples: [] as number[],
    },
  ];
  for (let i = 0; i < warmup + runs; i++) {
    for (const item of cases) {
      const started = performance.now();
      const report = await sandbox.run({
        scriptName: 'bench@1',
        script: item.script,
        step: 'initiate',
        ctx: makeCtx(transactionId()),
        egress,
        redactor: Redactor.fromCredential(credential),
      });
      if (!report.ok) throw new Error(`host-call step failed: ${JSON.stringify(report.failure)}`);
      if (item.name === 'async' && Object.keys(report.meta.http).length !== 5) throw new Error('expected 5 refused calls');
      if (i >= warmup) item.samples.push(performance.now() - started);
    }
  }
  sandbox.close();
  const [base, sync, async] = cases.map((item) => summarize(item.samples));
  console.log(`### host calls, real Sandbox (run wall time p50: ${ms(base!.p50)} ms with 1 sync call)\n`);
  console.log(
    table(
      ['call', 'run p50', 'per call, p50'],
      [
        ['sync host call (crypto.randomUUID) ×20 more', ms(sync!.p50), `${(((sync!.p50 - base!.p50) / 20) * 1000).toFixed(1)} µs`],
        ['async host call (sdk.http refused by egress) ×5', ms(async!.p50), `${(((async!.p50 - base!.p50) / 5) * 1000).toFixed(1)} µs`],
      ],
    ),
  );
  console.log();
}

psp.close();
const cpu = process.cpuUsage(cpuBefore);
const wallTotal = performance.now() - wallBefore;
console.log(
  `process CPU ${(((cpu.user + cpu.system) / 1000 / wallTotal) * 100).toFixed(0)}% of one core over ${(wallTotal / 1000).toFixed(1)} s; ` +
    `load average at end ${loadavg()}`,
);

function loadavg(): string {
  return os.loadavg().map((n) => n.toFixed(2)).join(' ');
}
