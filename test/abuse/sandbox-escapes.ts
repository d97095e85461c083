import assert from 'node:assert/strict';
import type { SandboxFailureKind, StepReport } from '../../src/flows/sandbox.js';

/**
 * Scripts that try to get out of the sandbox, or to take the engine down from inside it. Each is
 * the body of an `initiate(ctx, sdk)` step (or a whole module); a script that gets anywhere says so
 * by answering a string starting with ESCAPED. `outcomes` lists what containment looks like for it:
 * an ordinary answer (`answer`, the script caught its own refusal) or the failures allowed.
 *
 * sandbox.test.ts already covers the classic ones (constructor chains to `process`, require,
 * import.meta, static and dynamic imports, stack-frame receivers, global hijacks, leaks between
 * runs, sync/await/top-level loops, a builtin V8 cannot interrupt, chunked memory, a 50 MB
 * response, refused hosts, the call cap); sandbox-catastrophe.test.ts the single huge allocation
 * V8 loses control of, and sandbox-runaway-map.test.ts the ordinary script that gets there by
 * growing a Map (neither can run in a process that must live on). This corpus is the rest, and
 * variations on those.
 *
 * ctx: `trap` is the origin of a local server nothing may reach (`trapHost` its host:port);
 * `redirector` an allowed origin that redirects wherever `?to=` says.
 */
export type Outcome = 'answer' | SandboxFailureKind;

export interface EscapeAttempt {
  name: string;
  category: 'host' | 'prototype' | 'shared-memory' | 'loop' | 'memory' | 'output' | 'promise' | 'timer' | 'egress' | 'cross-run';
  /** Body of `export async function initiate(ctx, sdk)`; a helper `isHost(value)` is in scope. */
  step?: string;
  /** A whole module instead (top-level attacks). */
  module?: string;
  outcomes: readonly Outcome[];
}

/** In scope of every step: whether a value is (or leads to) something of Node's. */
export const helpers = `
const isHost = (v) => {
  try {
    return v !== null && (typeof v === "object" || typeof v === "function") &&
      (typeof v.pid === "number" || typeof v.binding === "function" || typeof v.dlopen === "function" ||
       typeof v.mainModule === "object" || typeof v.require === "function" || typeof v.readFileSync === "function");
  } catch { return false; }
};
const verdict = (v, what) => (isHost(v) ? "ESCAPED: " + what : "contained");
`;

const answerOrError: readonly Outcome[] = ['answer', 'script_error'];
const stopped: readonly Outcome[] = ['timeout', 'memory'];
const refusedCall = (url: string, options = '{}') => `
  try {
    await sdk.http.get(${url}, ${options});
    return "ESCAPED: reached " + ${url};
  } catch (err) {
    return "contained: " + err.message;
  }`;

const allowedCall = (options: string) => `
  const res = await sdk.http.get(ctx.redirector + "/?to=none", ${options}).catch((err) => ({ status: err.message }));
  return "contained: " + res.status;`;

export const escapeAttempts: readonly EscapeAttempt[] = [
  // Function constructors and evaluators of every kind lead to the context's own global.
  { name: 'async function constructor', category: 'host', step: 'return verdict(await (async function () {}).constructor("return globalThis.process")(), "async ctor");', outcomes: answerOrError },
  { name: 'generator function constructor', category: 'host', step: 'return verdict((function* () {}).constructor("yield globalThis.process")().next().value, "generator ctor");', outcomes: answerOrError },
  { name: 'async generator constructor', category: 'host', step: 'return verdict((await (async function* () {}).constructor("yield globalThis.process")().next()).value, "async generator ctor");', outcomes: answerOrError },
  { name: 'Reflect.construct(Function)', category: 'host', step: 'return verdict(Reflect.construct(Function, ["return this.process"])(), "Reflect.construct");', outcomes: answerOrError },
  { name: 'indirect eval', category: 'host', step: 'return verdict((0, eval)("this.process || (typeof require === \\"function\\" ? require : undefined)"), "indirect eval");', outcomes: answerOrError },
  { name: 'sdk function prototype chain', category: 'host', step: 'return verdict(Object.getPrototypeOf(sdk.crypto.hash).constructor("return this")().process, "sdk prototype");', outcomes: answerOrError },
  { name: 'web global constructors', category: 'host', step: 'return [TextEncoder, URL, URLSearchParams, atob].map((f) => verdict(f.constructor("return this")().process, f.name)).join();', outcomes: answerOrError },
  { name: 'crypto.subtle method constructor', category: 'host', step: 'return verdict(crypto.subtle.digest.constructor("return this")().require, "subtle");', outcomes: answerOrError },
  { name: 'arguments.callee.caller', category: 'host', step: 'return verdict((function () { return arguments.callee.caller; })(), "caller");', outcomes: answerOrError },
  {
    name: 'stack frames of the prelude through a toJSON',
    category: 'host',
    step: `let found = "contained";
      sdk.logger.info({ toJSON() {
        Error.prepareStackTrace = (_, frames) => frames;
        const frames = new Error("probe").stack;
        Error.prepareStackTrace = undefined;
        for (const frame of Array.isArray(frames) ? frames : []) {
          const self = frame.getThis();
          const fn = frame.getFunction();
          if (isHost(self) || isHost(fn)) found = "ESCAPED: frame " + frame.getFunctionName();
        }
        return "x";
      } });
      return found;`,
    outcomes: answerOrError,
  },
  { name: 'WebAssembly host imports', category: 'host', step: 'const mod = new WebAssembly.Module(new Uint8Array([0,97,115,109,1,0,0,0])); return verdict(WebAssembly.Module.imports(mod), "wasm");', outcomes: answerOrError },
  { name: 'globals a runtime would have', category: 'host', step: 'return ["process","require","module","global","Buffer","fetch","XMLHttpRequest","WebSocket","Deno","Bun","importScripts","postMessage"].filter((n) => typeof globalThis[n] !== "undefined").map((n) => "ESCAPED: " + n).join() || "contained";', outcomes: ['answer'] },
  { name: 'dynamic import of a node: module through a string', category: 'host', step: 'const name = ["node", "child_process"].join(":"); const m = await import(name); return verdict(m, "import");', outcomes: ['script_error'] },
  { name: 'import of a data: URL', category: 'host', module: 'import x from "data:text/javascript,export default globalThis";\nexport async function initiate() { return "ESCAPED: data import"; }', outcomes: ['compile_error'] },
  { name: 'import of the engine’s own source by path', category: 'host', module: 'import { buildApp } from "../../src/http/app.js";\nexport async function initiate() { return "ESCAPED: " + typeof buildApp; }', outcomes: ['compile_error'] },

  // Prototype tricks on the sdk and on the prelude's own helpers.
  { name: 'write to a frozen sdk', category: 'prototype', step: 'sdk.http.get = () => "ESCAPED"; return "contained";', outcomes: ['script_error'] },
  { name: 'swap the sdk prototype', category: 'prototype', step: 'Object.setPrototypeOf(sdk.logger, { info() {} }); return "contained";', outcomes: ['script_error'] },
  {
    name: 'Object.prototype.then hijacks the awaits of the prelude',
    category: 'prototype',
    step: 'Object.defineProperty(Object.prototype, "then", { configurable: true, get() { return undefined; } }); Object.prototype.polluted = "yes"; return { answer: "contained" };',
    outcomes: ['answer', 'script_error', 'invalid_result'],
  },
  { name: 'JSON.stringify replaced before the result is copied', category: 'prototype', step: 'JSON.stringify = () => "{\\"__proto__\\":{\\"polluted\\":1}}"; JSON.parse = (t) => ({ polluted: t }); return { a: 1 };', outcomes: ['answer', 'invalid_result'] },
  { name: 'a result with a getter that loops', category: 'loop', step: 'return { get value() { for (;;) {} } };', outcomes: stopped },
  { name: 'a result whose toJSON loops', category: 'loop', step: 'return { toJSON() { for (;;) {} } };', outcomes: stopped },
  { name: 'an error whose message getter loops', category: 'loop', step: 'const err = new Error("x"); Object.defineProperty(err, "message", { get() { for (;;) {} } }); throw err;', outcomes: stopped },
  { name: 'a Proxy handed to the host as headers', category: 'prototype', step: 'await sdk.http.get("https://api.psp.example/", { headers: new Proxy({}, { ownKeys() { for (;;) {} } }) }); return "contained";', outcomes: ['script_error', 'timeout'] },
  { name: 'a Symbol and a function in host call arguments', category: 'prototype', step: 'return sdk.crypto.hash("sha256", { toString() { return "x"; }, [Symbol.toPrimitive]: () => "y" });', outcomes: answerOrError },

  // Shared memory: nothing may block the host or cross into it.
  { name: 'Atomics.wait forever', category: 'shared-memory', step: 'const cell = new Int32Array(new SharedArrayBuffer(4)); Atomics.wait(cell, 0, 0); return "contained";', outcomes: ['timeout', 'script_error'] },
  { name: 'a SharedArrayBuffer handed to the host', category: 'shared-memory', step: 'const shared = new Uint8Array(new SharedArrayBuffer(1024)); return sdk.crypto.hash("sha256", shared, "hex") + await crypto.subtle.digest("SHA-256", shared).then(() => "", () => "");', outcomes: answerOrError },
  { name: 'a huge ArrayBuffer', category: 'memory', step: 'const big = new ArrayBuffer(2 ** 31); return "contained " + big.byteLength;', outcomes: ['script_error', 'memory'] },
  { name: 'a huge SharedArrayBuffer', category: 'memory', step: 'const big = new SharedArrayBuffer(2 ** 31); return "contained " + big.byteLength;', outcomes: ['script_error', 'memory'] },
  { name: 'WebAssembly memory grown without end', category: 'memory', step: 'const memory = new WebAssembly.Memory({ initial: 1 }); for (;;) memory.grow(256); ', outcomes: ['script_error', 'memory', 'timeout'] },

  // Loops and floods V8 must be able to stop.
  { name: 'catastrophic regular expression', category: 'loop', step: 'return /^(a+)+$/.test("a".repeat(40) + "!") ? "matched" : "contained";', outcomes: stopped },
  { name: 'a loop inside finally after termination', category: 'loop', step: 'try { for (;;) {} } finally { for (;;) {} }', outcomes: stopped },
  { name: 'catching the termination to loop again', category: 'loop', step: 'for (;;) { try { for (;;) {} } catch { /* again */ } }', outcomes: stopped },
  { name: 'infinite recursion', category: 'loop', step: 'const f = (n) => f(n + 1) + 1; return f(0);', outcomes: ['script_error'] },
  { name: 'microtasks that schedule themselves', category: 'promise', step: 'const again = () => Promise.resolve().then(again); again(); await new Promise(() => {});', outcomes: stopped },
  { name: 'a promise resolved with itself through a thenable chain', category: 'promise', step: 'const thenable = { then(resolve) { resolve(thenable); } }; await thenable; return "contained";', outcomes: stopped },
  { name: 'a growing chain of promises', category: 'promise', step: 'let p = Promise.resolve(); for (;;) p = p.then(() => {});', outcomes: stopped },
  { name: 'host calls in a tight loop', category: 'loop', step: 'for (;;) sdk.crypto.randomUUID();', outcomes: stopped },

  // Memory bombs made of many small pieces.
  { name: 'objects kept without end', category: 'memory', step: 'const keep = []; for (let i = 0; ; i++) keep.push({ i, s: "x" + i });', outcomes: stopped },
  { name: 'strings concatenated into an array', category: 'memory', step: 'const keep = []; for (let s = "x".repeat(1024); ; ) keep.push(s + keep.length);', outcomes: stopped },
  { name: 'a string doubled until it breaks', category: 'memory', step: 'let s = "x"; for (;;) s += s;', outcomes: ['script_error', 'memory', 'timeout'] },

  // Outputs too big or too strange for the host.
  { name: 'a result nested 100,000 deep', category: 'output', step: 'let v = []; for (let i = 0; i < 100000; i++) v = [v]; return v;', outcomes: ['invalid_result', 'timeout'] },
  { name: 'a result with 200,000 keys', category: 'output', step: 'const o = {}; for (let i = 0; i < 2e5; i++) o["k" + i] = i; return o;', outcomes: ['answer', 'memory', 'timeout'] },
  { name: 'a 16 MB string result', category: 'output', step: 'return "x".repeat(16 * 1024 * 1024);', outcomes: ['answer', 'memory', 'invalid_result', 'timeout'] },
  { name: 'log lines flooding the host', category: 'output', step: 'for (let i = 0; i < 1e6; i++) sdk.logger.info("line " + i, { i }); return "contained";', outcomes: ['answer', 'timeout'] },
  { name: 'a thrown value that is not an Error and has no string form', category: 'output', step: 'throw Object.create(null);', outcomes: ['script_error'] },

  // Timers: there are none, and nothing may run after the answer.
  { name: 'timers', category: 'timer', step: 'return ["setTimeout","setInterval","setImmediate","queueMicrotask","requestAnimationFrame"].filter((n) => typeof globalThis[n] === "function").map((n) => "ESCAPED: timer " + n).join() || "contained";', outcomes: ['answer'] },

  // Egress: every way of naming a host that is not allowed, and of sneaking past the allowed one.
  ...[
    'ctx.trap + "/"',
    '"http://localhost:" + ctx.trapPort + "/"',
    '"http://[::1]:" + ctx.trapPort + "/"',
    '"http://[::ffff:127.0.0.1]:" + ctx.trapPort + "/"',
    '"http://0x7f000001:" + ctx.trapPort + "/"',
    '"http://2130706433:" + ctx.trapPort + "/"',
    '"http://0177.0.0.1:" + ctx.trapPort + "/"',
    '"http://127.1:" + ctx.trapPort + "/"',
    '"http://0.0.0.0:" + ctx.trapPort + "/"',
    '"http://169.254.169.254/latest/meta-data/iam/security-credentials/"',
    '"http://[fd00:ec2::254]/latest/meta-data/"',
    '"http://metadata.google.internal/computeMetadata/v1/"',
    '"http://api.psp.example@127.0.0.1:" + ctx.trapPort + "/"',
    '"http://api.psp.example:443@127.0.0.1:" + ctx.trapPort + "/"',
    '"http://127.0.0.1:" + ctx.trapPort + "#@api.psp.example/"',
    '"http://127.0.0.1:" + ctx.trapPort + "\\\\@api.psp.example/"',
    '"http://api.psp.example.127.0.0.1.nip.io:" + ctx.trapPort + "/"',
    '"HTTP://API.PSP.EXAMPLE@127.0.0.1:" + ctx.trapPort + "/"',
    '"file:///etc/passwd"',
    '"gopher://127.0.0.1:" + ctx.trapPort + "/_GET"',
    '"data:text/plain,hello"',
    '{ toString() { return ctx.trap + "/"; } }',
  ].map((url): EscapeAttempt => ({ name: `egress to ${url}`, category: 'egress', step: refusedCall(url), outcomes: ['answer'] })),
  { name: 'egress to a listed name that resolves to loopback (DNS rebinding style)', category: 'egress', step: refusedCall('"http://rebind.127.0.0.1.nip.io:" + ctx.trapPort + "/"'), outcomes: ['answer'] },
  { name: 'egress redirected from an allowed host to the trap', category: 'egress', step: refusedCall('ctx.redirector + "/?to=" + encodeURIComponent(ctx.trap + "/")'), outcomes: ['answer'] },
  { name: 'egress redirected from an allowed host to the metadata address', category: 'egress', step: refusedCall('ctx.redirector + "/?to=" + encodeURIComponent("http://169.254.169.254/")'), outcomes: ['answer'] },
  // The allowed host itself may answer these; what matters is that the trap hears nothing.
  { name: 'egress with a Host header naming the trap', category: 'egress', step: allowedCall('{ headers: { Host: ctx.trapHost, "X-Forwarded-Host": ctx.trapHost } }'), outcomes: ['answer'] },
  { name: 'egress with a header smuggling a second request', category: 'egress', step: allowedCall('{ headers: { "X-A": "a\\r\\n\\r\\nGET / HTTP/1.1\\r\\nHost: " + ctx.trapHost } }'), outcomes: ['answer'] },
];

/**
 * One run leaves `ctx.secret` wherever a later run in the same isolate might look; the later run
 * (another transaction) searches for it. Each run has a fresh context, so it finds nothing.
 */
export const crossRun = {
  stash: `const secret = ctx.secret;
    for (const target of [globalThis, Object.prototype, Array.prototype, Function.prototype, Error.prototype, JSON, Math, Reflect, Promise]) {
      try { target.stash = secret; } catch { /* frozen */ }
    }
    try { Object.defineProperty(globalThis, "hidden", { value: secret, enumerable: false, configurable: false }); } catch { /* ignore */ }
    try { sdk.stash = secret; } catch { /* frozen */ }
    Symbol.for("stash:" + secret);
    Error.prepareStackTrace = () => secret;
    return "stashed";`,
  search: `const seen = [];
    const look = (name, target) => {
      for (const key of Reflect.ownKeys(target)) {
        let value;
        try { value = target[key]; } catch { continue; }
        if (typeof value === "string" && value.startsWith("SECRET-")) seen.push(name + "." + String(key));
      }
    };
    for (const [name, target] of Object.entries({ globalThis, ObjectPrototype: Object.prototype, ArrayPrototype: Array.prototype, FunctionPrototype: Function.prototype, ErrorPrototype: Error.prototype, JSON, Math, Reflect, Promise, sdk })) look(name, target);
    if (typeof Error.prepareStackTrace === "function") seen.push("Error.prepareStackTrace");
    return seen.length > 0 ? "ESCAPED: another run's data in " + seen.join() : "contained";`,
};

export function moduleOf(attempt: EscapeAttempt): string {
  return attempt.module ?? `${helpers}\nexport async function initiate(ctx, sdk) {\n${attempt.step}\n}\n`;
}

/** What containment means for every attempt, whichever way it is run. */
export function assertContained(attempt: EscapeAttempt, report: Pick<StepReport, 'ok' | 'value' | 'failure'>): void {
  const outcome = report.ok ? 'answer' : report.failure!.kind;
  assert.doesNotMatch(JSON.stringify(report.value) ?? '', /ESCAPED/, `${attempt.name}: ${JSON.stringify(report.value)?.slice(0, 200)}`);
  assert.ok(attempt.outcomes.includes(outcome), `${attempt.name}: ${outcome} (${report.failure?.message ?? String(report.value).slice(0, 100)}), expected one of ${attempt.outcomes.join(', ')}`);
}

