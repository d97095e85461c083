import { logLimits } from './run-capture.js';
import { globalsSource } from './sandbox-globals.js';

/**
 * Runs first in every fresh context, as plain JavaScript inside the isolate. It takes the two host
 * references the sandbox put on the global object, removes them (scripts never see a Reference),
 * installs the web globals, and defines the non-writable entry point `__connxtRun` that builds the
 * `sdk` and calls a step.
 *
 * Host calls answer `{ok}` or `{error, name}` and never throw across the boundary; the helpers
 * below turn errors back into exceptions inside the isolate.
 */
export const preludeSource = `(() => {
  'use strict';
  const callRef = globalThis.__connxtCall;
  const awaitRef = globalThis.__connxtAwait;
  delete globalThis.__connxtCall;
  delete globalThis.__connxtAwait;

  const errorTypes = { TypeError, RangeError, SyntaxError };
  const unwrap = (answer) => {
    if (answer !== null && typeof answer === 'object' && 'error' in answer) {
      const Type = errorTypes[answer.name] || Error;
      throw new Type(answer.error);
    }
    return answer.ok;
  };
  // Arguments reach the host as copies of plain data. A SharedArrayBuffer (or a view of one) would
  // cross still shared with this isolate, and its memory goes with the isolate while the host may
  // still hold it: that corrupts the host process once the isolate is disposed. So arguments are
  // rebuilt here, not merely checked (a getter or a Proxy could show a check one thing and the copy
  // another), from helpers taken before any script runs; shared bytes become a fresh ArrayBuffer.
  const Bytes = Uint8Array;
  const OwnDate = Date;
  const apply = Reflect.apply;
  const isView = ArrayBuffer.isView;
  const isArray = Array.isArray;
  const keysOf = Object.keys;
  const defineOwn = Object.defineProperty;
  const getterOf = (prototype, name) => Object.getOwnPropertyDescriptor(prototype, name).get;
  const bufferOf = getterOf(Object.getPrototypeOf(Bytes.prototype), 'buffer');
  const plainLength = getterOf(ArrayBuffer.prototype, 'byteLength');
  const sharedLength = getterOf(SharedArrayBuffer.prototype, 'byteLength');
  const hasBrand = (getter, value) => { try { apply(getter, value, []); return true; } catch { return false; } };
  const freshCopy = (view) => apply(bufferOf, new Bytes(view), []);
  const toHost = (value, depth) => {
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    if (value === null || typeof value !== 'object') return value;
    if (depth > 64) throw new RangeError('a value handed to the host is nested deeper than 64 levels');
    if (isView(value)) return new Bytes(freshCopy(new Bytes(value.buffer, value.byteOffset, value.byteLength)));
    if (hasBrand(sharedLength, value)) return freshCopy(new Bytes(value));
    if (hasBrand(plainLength, value)) return value;
    if (value instanceof OwnDate) return new OwnDate(+value);
    const own = (out, key) => defineOwn(out, key, { value: toHost(value[key], depth + 1), enumerable: true, writable: true, configurable: true });
    if (isArray(value)) {
      const out = [];
      for (let i = 0, length = value.length; i < length; i++) own(out, i);
      return out;
    }
    const out = {};
    for (const key of keysOf(value)) own(out, key);
    return out;
  };
  const copy = { arguments: { copy: true }, result: { copy: true } };
  const host = (op, args) => unwrap(callRef.applySync(undefined, [op, toHost(args, 0)], copy));
  const hostAsync = async (op, args) =>
    unwrap(await awaitRef.apply(undefined, [op, toHost(args, 0)], { arguments: { copy: true }, result: { promise: true, copy: true } }));

  const installGlobals = ${globalsSource};
  const web = installGlobals(host);

  Object.defineProperty(globalThis, '__connxtStdCrypto', { value: web.stdCrypto, enumerable: false });

  const format = (value) => {
    if (typeof value === 'string') return value;
    if (value instanceof Error) return value.name + ': ' + value.message;
    try {
      const text = JSON.stringify(value);
      return text === undefined ? String(value) : text;
    } catch {
      return String(value);
    }
  };
  // Limits are applied here as well as in the host, so that a logging or calling loop stops at the
  // boundary instead of flooding the host (each log waits for the host: backpressure). One
  // character more than the host keeps, so that the host still marks the line as cut. The call
  // cap is only a flood guard: the host's own (lower, configurable) limit is the one scripts meet.
  const maxLogs = ${logLimits.maxLogEntries};
  const maxLogChars = ${logLimits.maxLogMessageChars + 1};
  const maxCalls = 100;
  let logs = 0;
  let calls = 0;
  const logAt = (level) => (...parts) => {
    logs += 1;
    if (logs > maxLogs) return;
    const text = parts.map(format).join(' ');
    host('log', [level, text.length > maxLogChars ? text.slice(0, maxLogChars) : text]);
  };
  const logger = Object.freeze({
    debug: logAt('debug'), log: logAt('log'), info: logAt('info'), warn: logAt('warn'), error: logAt('error'),
  });

  const request = (method) => (url, options = {}) => {
    calls += 1;
    if (calls > maxCalls) return Promise.reject(new Error('sdk.http: too many calls in one run'));
    return hostAsync('http', [method, String(url), { headers: options.headers, body: options.body ?? options.data }]);
  };
  const http = Object.freeze({
    get: request('GET'), post: request('POST'), put: request('PUT'), patch: request('PATCH'), delete: request('DELETE'),
  });

  const response = Object.freeze({
    success: (data) => ({ __type: 'success', data }),
    failure: (message, status = 400) => ({ __type: 'failure', message, status }),
    redirect: (url, data = {}) => ({ __type: 'redirect', url, data }),
  });

  const sdk = Object.freeze({ logger, http, response, encoding: web.encoding, crypto: web.sdkCrypto });

  // Results cross back as JSON: functions, symbols and cycles cannot leak out as live objects.
  const plain = (value) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

  async function run(flow, step, ctx) {
    const fn = flow[step];
    if (typeof fn !== 'function') return { missing: true };
    try {
      const value = await fn(ctx, sdk);
      try {
        return { value: plain(value) };
      } catch (err) {
        return { error: { name: 'InvalidResult', message: 'the step returned a value that is not JSON: ' + format(err) } };
      }
    } catch (err) {
      const name = err instanceof Error ? err.name : 'Error';
      const message = err instanceof Error ? err.message : format(err);
      return { error: { name: String(name), message: String(message) } };
    }
  }
  Object.defineProperty(globalThis, '__connxtRun', { value: run, enumerable: false });
})();`;

/** What `import { crypto } from "jsr:@std/crypto"` resolves to: Deno's std crypto, MD5 included. */
export const stdCryptoModuleSource = 'export const crypto = globalThis.__connxtStdCrypto;\nexport default crypto;\n';
