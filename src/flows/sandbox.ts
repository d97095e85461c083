import ivm from 'isolated-vm';
import type { EgressPolicy } from './egress.js';
import { hostSyncOps } from './host-ops.js';
import { IsolatePool, type IsolateSlot } from './isolate-pool.js';
import type { Redactor } from './redaction.js';
import { logLimits, RunCapture, type HttpCallObserver, type HttpExchange, type LogEntry, type RunCaptureLimits } from './run-capture.js';
import { preludeSource, stdCryptoModuleSource } from './sandbox-prelude.js';

export const stepNames = ['initiate', 'redirect', 'webhook', 'status'] as const;
export type StepName = (typeof stepNames)[number];

export interface SandboxOptions {
  /** Heap per run, MB (default 32). */
  heapMb?: number;
  /** Wall time per run, awaits included (default 15 s). */
  timeoutMs?: number;
  /** Concurrent runs (default 64); more wait for a free isolate. */
  maxIsolates?: number;
  /** An isolate idle this long is disposed, keeping two (default 20 s): memory goes back after a burst. */
  idleRetireMs?: number;
  /** Per sdk.http call (default 10 s, never beyond the run's remaining time). */
  httpTimeoutMs?: number;
  /** Per sdk.http response body (default 2 MiB). */
  maxResponseBytes?: number;
  /** Per run (default 20). */
  maxHttpCalls?: number;
  /**
   * Called when V8 loses control of an isolate: a single huge allocation (e.g. filling a
   * 400 MB array) can fail inside V8 in a way isolated-vm cannot contain. Without a handler V8
   * aborts the whole process; with one, the isolate's thread is parked and the process lives on,
   * and isolated-vm's advice is to stop serving, finish what is in flight, and exit.
   */
  onCatastrophicError?: (message: string) => void;
  now?: () => Date;
}

export interface StepRequest {
  /** Names the module in stack traces: the definition id and version. */
  scriptName: string;
  script: string;
  /** Modules the script may import by specifier (`"./common.js"` → its source): its target's shared code. */
  modules?: SharedModules;
  step: StepName;
  /** Plain JSON: copied into the isolate. */
  ctx: Record<string, unknown>;
  egress: Pick<EgressPolicy, 'allowedHosts' | 'hostMap'>;
  redactor: Redactor;
  /** Told how each sdk.http call ended and how long it took (the gateway latency metric). */
  onHttpCall?: HttpCallObserver;
}

export type SandboxFailureKind =
  | 'compile_error'
  | 'missing_step'
  | 'script_error'
  | 'invalid_result'
  | 'timeout'
  | 'memory';

export interface StepReport {
  ok: boolean;
  /** What the step returned (redacted), when ok. */
  value: unknown;
  failure: { kind: SandboxFailureKind; message: string } | null;
  /** `meta` in the documented shape, redacted. */
  meta: { logs: Record<string, LogEntry>; http: Record<string, PublicHttpExchange> };
  /** Whether any HTTP call may have reached its server: after a failed run, the PSP may have acted. */
  reachedServer: boolean;
  durationMs: number;
}

export type PublicHttpExchange = Omit<HttpExchange, 'reached'>;

interface PreludeAnswer {
  value?: unknown;
  missing?: boolean;
  error?: { name: string; message: string };
}

const flowModules = new Map([['jsr:@std/crypto', stdCryptoModuleSource]]);

/** A flow target's shared modules, by the relative specifier its scripts import them with. */
export type SharedModules = Readonly<Record<string, string>>;

const noModules: SharedModules = Object.freeze({});

/**
 * Runs flow-definition scripts in V8 isolates (isolated-vm): a fresh context per run in a pooled
 * isolate, no ambient authority (no require, process, file system or network; only what the
 * prelude builds from the host calls below), and per-run limits on heap, wall time and HTTP.
 */
export class Sandbox {
  readonly #pool: IsolatePool;
  readonly #timeoutMs: number;
  readonly #httpTimeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #maxHttpCalls: number;
  readonly #now: () => Date;

  constructor(options: SandboxOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#httpTimeoutMs = options.httpTimeoutMs ?? 10_000;
    this.#maxResponseBytes = options.maxResponseBytes ?? 2 * 1024 * 1024;
    this.#maxHttpCalls = options.maxHttpCalls ?? 20;
    this.#now = options.now ?? (() => new Date());
    this.#pool = new IsolatePool({
      heapMb: options.heapMb ?? 32,
      maxIsolates: options.maxIsolates ?? 64,
      ...(options.idleRetireMs === undefined ? {} : { idleRetireMs: options.idleRetireMs }),
      preludeSource,
      ...(options.onCatastrophicError ? { onCatastrophicError: options.onCatastrophicError } : {}),
    });
  }

  get poolSize(): { alive: number; idle: number; waiting: number } {
    return this.#pool.size;
  }

  close(): void {
    this.#pool.close();
  }

  /**
   * Compiles a script and runs its top level in a throw-away context, answering the exported step
   * names; a script that does not compile throws a ScriptCheckError with the compiler's message.
   */
  async check(script: string, modules: SharedModules = noModules): Promise<string[]> {
    const slot = await this.#pool.acquire();
    let context: ivm.Context | undefined;
    const attempt = (async () => {
      const deadline = Date.now() + checkTimeoutMs;
      const prepared = takeSpare(slot) ?? this.#prepare(slot);
      context = prepared.context;
      prepared.bridge.capture = new RunCapture(noEgress, this.#captureLimits(), this.#now);
      prepared.entry.release();
      const module = await compileFlowModule(slot, context, script, modules, 'upload', remaining(deadline));
      const keys = (await context.evalClosure(
        'return Object.keys($0).filter((key) => typeof $0[key] === "function")',
        [module.namespace.derefInto()],
        { result: { copy: true }, timeout: 500 },
      )) as string[];
      module.release();
      return keys;
    })();
    let expired = false;
    try {
      // isolated-vm's own timeouts above stop the script first; this is for a builtin V8 cannot interrupt.
      const guard = Date.now() + checkTimeoutMs + 1_000;
      return await this.#settleBy(slot, guard, attempt, () => {
        expired = true;
      });
    } catch (err) {
      if (err instanceof ScriptCheckError) throw err;
      if (err instanceof Expired) throw new ScriptCheckError(err.message);
      throw new ScriptCheckError(describeIsolateError(err).message);
    } finally {
      const done = this.#returnSlot(slot, attempt, () => context);
      if (expired) done.catch(() => undefined);
      else await done;
    }
  }

  async run(request: StepRequest): Promise<StepReport> {
    const started = performance.now();
    const capture = new RunCapture(
      { ...request.egress, timeoutMs: this.#httpTimeoutMs, maxResponseBytes: this.#maxResponseBytes },
      this.#captureLimits(),
      this.#now,
      request.onHttpCall,
    );
    const slot = await this.#pool.acquire();
    // The wall time starts once an isolate is ours: waiting for one is not the script's time.
    const deadline = Date.now() + this.#timeoutMs;
    let context: ivm.Context | undefined;
    const attempt = (async (): Promise<Outcome> => {
      const prepared = takeSpare(slot) ?? this.#prepare(slot);
      context = prepared.context;
      prepared.bridge.capture = capture;
      const run = prepared.entry;
      let module: ivm.Module;
      try {
        module = await compileFlowModule(slot, context, request.script, request.modules ?? noModules, request.scriptName, remaining(deadline));
      } catch (err) {
        if (!(err instanceof ScriptCheckError)) throw err;
        return fail('compile_error', err.message);
      }
      const answer = (await run.apply(
        undefined,
        [module.namespace.derefInto(), request.step, new ivm.ExternalCopy(request.ctx).copyInto({ release: true })],
        { result: { promise: true, copy: true }, timeout: remaining(deadline) },
      )) as PreludeAnswer;
      module.release();
      run.release();
      return interpret(answer, request.step);
    })();
    let outcome: Outcome;
    try {
      outcome = await this.#settleBy(slot, deadline, attempt, () => capture.end());
    } catch (err) {
      if (err instanceof Expired) {
        outcome = fail(err.kind, err.kind === 'timeout' ? `the script ran longer than ${this.#timeoutMs} ms` : err.message);
      } else {
        outcome = isolateFailure(err);
        if (outcome.failure?.kind === 'timeout') this.#pool.kill(slot);
      }
    } finally {
      capture.end();
      // Not awaited: the slot goes back (with its next context made ready) after the answer.
      this.#returnSlot(slot, attempt, () => context).catch(() => undefined);
    }
    return report(outcome);

    function report(result: Outcome): StepReport {
      const { redactor } = request;
      const failure = result.failure && { kind: result.failure.kind, message: redactor.text(result.failure.message) };
      return {
        ok: result.ok,
        value: result.ok ? redactor.value(result.value) : null,
        failure,
        meta: {
          logs: keyed(capture.logs.map((entry) => ({ ...entry, message: redactor.text(entry.message) }))),
          http: keyed(capture.http.map((exchange) => redactExchange(redactor, exchange))),
        },
        reachedServer: capture.http.some((exchange) => exchange.reached),
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      };
    }
  }

  /**
   * Answers `work`, or rejects with Expired at the deadline and kills the isolate. Killing stops a
   * script within milliseconds, except inside V8 builtins that loop without checking for
   * termination: `Array.prototype.lastIndexOf.call({ length: 2 ** 30 }, 1)` runs on for seconds
   * after its isolate is disposed, `new Array(5e7).fill(0)` for tens of seconds past its memory
   * limit. The caller still gets its answer on time, and #returnSlot keeps the slot counted
   * (so maxIsolates still bounds the threads in use) until its thread is actually free.
   */
  #settleBy<T>(slot: IsolateSlot, deadline: number, work: Promise<T>, onExpire: () => void): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          // Until the kill below only isolated-vm disposes an isolate, and only for its memory limit.
          const kind = slot.isolate.isDisposed ? 'memory' : 'timeout';
          onExpire();
          this.#pool.kill(slot);
          reject(new Expired(kind));
        },
        Math.max(0, deadline - Date.now()),
      );
    });
    return Promise.race([work, expiry]).finally(() => clearTimeout(timer));
  }

  /** Releases the run's context and slot once the isolate is done with `work`, however it ended. */
  async #returnSlot(slot: IsolateSlot, work: Promise<unknown>, context: () => ivm.Context | undefined): Promise<void> {
    await work.catch(() => undefined);
    const used = context();
    if (used !== undefined && !slot.isolate.isDisposed) used.release();
    await this.#pool.release(slot, (kept) => {
      // The next run finds its context created and the prelude run: ~0.4 ms off its latency.
      kept.spare ??= this.#prepare(kept);
    });
  }

  #captureLimits(): RunCaptureLimits {
    return { ...logLimits, maxHttpCalls: this.#maxHttpCalls };
  }

  /**
   * A fresh context with the host calls wired in and the prelude run; answers its run entry point.
   * Synchronous on purpose: it is ~0.4 ms of trusted code, and the async variants would each cost a
   * thread hop. The host calls reach whichever capture the run puts on the bridge; a context serves
   * exactly one run, so nothing is shared between runs.
   */
  #prepare(slot: IsolateSlot): PreparedContext {
    const context = slot.isolate.createContextSync();
    const bridge: Bridge = { capture: undefined };
    const global = context.global;
    global.setSync('globalThis', global.derefInto());
    global.setSync('__connxtCall', new ivm.Reference(syncDispatcher(bridge)));
    global.setSync('__connxtAwait', new ivm.Reference(asyncDispatcher(bridge)));
    slot.prelude.runSync(context, { timeout: 1_000 });
    // Taken before the script's top level runs, so a script cannot swap the entry point.
    const entry = global.getSync('__connxtRun', { reference: true }) as ivm.Reference;
    return { context, entry, bridge };
  }
}

export class ScriptCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptCheckError';
  }
}

/** A run or check that reached its deadline; `kind` tells a memory kill from plain wall time. */
class Expired extends Error {
  constructor(readonly kind: 'timeout' | 'memory') {
    super(kind === 'memory' ? 'the script exceeded its memory limit' : 'the script ran past its time limit');
  }
}

type Outcome = Pick<StepReport, 'ok' | 'value' | 'failure'>;

/** Wall time for check() to compile a script and run its top level. */
const checkTimeoutMs = 2_000;

const noEgress = { allowedHosts: [], hostMap: {}, timeoutMs: 1, maxResponseBytes: 1 };

async function compileFlowModule(
  slot: IsolateSlot,
  context: ivm.Context,
  script: string,
  modules: SharedModules,
  name: string,
  timeout: number,
): Promise<ivm.Module> {
  const compiled: ivm.Module[] = [];
  // Compiling is parse-only (no script code runs), so the synchronous calls cannot hang the host.
  const compile = (source: string, filename: string): ivm.Module => {
    let module: ivm.Module;
    try {
      module = slot.isolate.compileModuleSync(source, { filename });
    } catch (err) {
      throw new ScriptCheckError(describeIsolateError(err).message);
    }
    compiled.push(module);
    const unknown = module.dependencySpecifiers.filter((specifier) => !flowModules.has(specifier) && !Object.hasOwn(modules, specifier));
    if (unknown.length > 0) throw new ScriptCheckError(`import of ${JSON.stringify(unknown[0])} is not available in the sandbox`);
    return module;
  };
  // One instance per specifier, shared by every importer (a module graph, as in any ES runtime).
  const linked = new Map<string, ivm.Module>();
  const dependency = (specifier: string): ivm.Module => {
    let module = linked.get(specifier);
    if (module === undefined) {
      module = Object.hasOwn(modules, specifier)
        ? compile(modules[specifier]!, `connxt:flow/${name}/${specifier.replace(/^\.\//, '')}`)
        : compile(flowModules.get(specifier)!, specifier);
      linked.set(specifier, module);
    }
    return module;
  };
  try {
    const module = compile(script, `connxt:flow/${name}`);
    module.instantiateSync(context, dependency);
    await module.evaluate({ timeout });
    return module;
  } catch (err) {
    for (const module of compiled) module.release();
    if (err instanceof ScriptCheckError) throw err;
    const described = describeIsolateError(err);
    if (described.kind === 'script_error') throw new ScriptCheckError(described.message);
    throw err;
  }
}

function interpret(answer: PreludeAnswer, step: StepName): Pick<StepReport, 'ok' | 'value' | 'failure'> {
  if (answer.missing) return fail('missing_step', `the script does not export a "${step}" step`);
  if (answer.error?.name === 'InvalidResult') return fail('invalid_result', answer.error.message);
  if (answer.error !== undefined) return fail('script_error', `${answer.error.name}: ${answer.error.message}`);
  return { ok: true, value: answer.value, failure: null };
}

function fail(kind: SandboxFailureKind, message: string): Pick<StepReport, 'ok' | 'value' | 'failure'> {
  return { ok: false, value: null, failure: { kind, message } };
}

function isolateFailure(err: unknown): Pick<StepReport, 'ok' | 'value' | 'failure'> {
  const { kind, message } = describeIsolateError(err);
  return fail(kind, message);
}

/** isolated-vm reports limits as plain errors; their messages are the only way to tell them apart. */
function describeIsolateError(err: unknown): { kind: SandboxFailureKind; message: string } {
  const message = err instanceof Error ? err.message : String(err);
  if (/memory limit/i.test(message)) return { kind: 'memory', message: 'the script exceeded its memory limit' };
  if (/timed out/i.test(message)) return { kind: 'timeout', message: 'the script ran past its time limit' };
  if (/disposed/i.test(message)) return { kind: 'timeout', message: 'the script was stopped' };
  const name = err instanceof Error && err.name !== 'Error' ? `${err.name}: ` : '';
  return { kind: 'script_error', message: `${name}${message}`.split('\n')[0]! };
}

function remaining(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}

function keyed<T>(items: T[]): Record<string, T> {
  const out: Record<string, T> = {};
  items.forEach((item, index) => {
    out[String(index)] = item;
  });
  return out;
}

function redactExchange(redactor: Redactor, exchange: HttpExchange): PublicHttpExchange {
  return {
    request: {
      url: redactor.text(exchange.request.url),
      method: exchange.request.method,
      headers: redactor.headers(exchange.request.headers),
      data: redactor.value(exchange.request.data),
    },
    response: exchange.response && {
      status: exchange.response.status,
      headers: redactor.headers(exchange.response.headers),
      data: redactor.value(exchange.response.data),
    },
    ...(exchange.error === undefined ? {} : { error: redactor.text(exchange.error) }),
    duration: exchange.duration,
  };
}

interface Bridge {
  capture: RunCapture | undefined;
}

interface PreparedContext {
  context: ivm.Context;
  entry: ivm.Reference;
  bridge: Bridge;
}

function takeSpare(slot: IsolateSlot): PreparedContext | undefined {
  const spare = slot.spare as PreparedContext | undefined;
  slot.spare = undefined;
  return spare;
}

/** Host calls the prelude makes synchronously. They never throw into the isolate: errors are data. */
function syncDispatcher(bridge: Bridge): (op: string, args: unknown[]) => unknown {
  return (op, args) => {
    const capture = bridge.capture;
    if (capture === undefined) return { error: 'no run is using this context' };
    if (op === 'log') {
      capture.log(args[0], args[1]);
      return { ok: null };
    }
    const handler = hostSyncOps[op];
    if (handler === undefined) return { error: `unknown host call ${op}` };
    try {
      return { ok: handler(args) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err), name: err instanceof Error ? err.name : 'Error' };
    }
  };
}

/**
 * Host calls that await (sdk.http). Rejecting a promise across the isolate boundary takes the
 * host process down with an unhandled rejection, so the answer is always a resolved envelope.
 */
function asyncDispatcher(bridge: Bridge): (op: string, args: unknown[]) => Promise<unknown> {
  return async (op, args) => {
    const capture = bridge.capture;
    if (capture === undefined) return { error: 'no run is using this context' };
    if (op !== 'http') return { error: `unknown host call ${op}` };
    try {
      return await capture.request(args[0], args[1], args[2]);
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  };
}
