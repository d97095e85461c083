import { Buffer } from 'node:buffer';
import { egressRequest, EgressError, encodeBody, type EgressPolicy, type EgressRequest } from './egress.js';

/** The documented meta shapes: `meta.logs` and `meta.http` are objects keyed "0", "1", … */
export interface LogEntry {
  level: LogLevel;
  message: string;
  timestamp: string;
}

export interface HttpExchange {
  request: { url: string; method: string; headers: Record<string, string>; data: unknown };
  response: { status: number; headers: Record<string, string>; data: unknown } | null;
  /** Set when the call did not produce a response (refused, timed out, too large). */
  error?: string;
  /** False only when the call certainly never reached the server (refused before connecting). */
  reached: boolean;
  duration: number;
}

/** How one sdk.http call ended: the status answered, or no answer (timed out, or any other failure). */
export interface HttpCallEnd {
  status: number | 'error' | 'timeout';
  seconds: number;
}

export type HttpCallObserver = (call: HttpCallEnd) => void;

export const logLevels = ['debug', 'log', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

/** Log limits per run; the prelude applies the same ones inside the isolate (sandbox-prelude.ts). */
export const logLimits = { maxLogEntries: 200, maxLogMessageChars: 8_192 } as const;

export interface RunCaptureLimits {
  maxLogEntries: number;
  maxLogMessageChars: number;
  maxHttpCalls: number;
}

const methods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

const runOver = new Error('the run is over');

/**
 * What one run did, recorded on the host side so that a run killed for time or memory still
 * reports the logs and calls it made up to then. Values are kept raw here; they are redacted
 * once, when the report is built.
 */
export class RunCapture {
  readonly logs: LogEntry[] = [];
  readonly http: HttpExchange[] = [];
  readonly #abort = new AbortController();

  constructor(
    private readonly egress: EgressPolicy,
    private readonly limits: RunCaptureLimits,
    private readonly now: () => Date,
    private readonly onHttpCall?: HttpCallObserver,
  ) {}

  /** Any HTTP call still in flight is aborted: the run is over. */
  end(): void {
    // A ready-made reason: abort() would otherwise build a DOMException, stack and all, per run.
    this.#abort.abort(runOver);
  }

  log(level: unknown, message: unknown): void {
    if (this.logs.length >= this.limits.maxLogEntries) return;
    const text = typeof message === 'string' ? message : String(message);
    this.logs.push({
      level: logLevels.includes(level as LogLevel) ? (level as LogLevel) : 'log',
      message: text.length > this.limits.maxLogMessageChars ? `${detachedPrefix(text, this.limits.maxLogMessageChars)}…` : text,
      timestamp: this.now().toISOString(),
    });
  }

  /**
   * sdk.http: resolves to the documented `{success, status, headers, data}`. A refusal (host not
   * allowed, timeout, oversize) rejects in the script with the egress message.
   */
  async request(method: unknown, url: unknown, options: unknown): Promise<{ ok: unknown } | { error: string }> {
    const verb = typeof method === 'string' ? method.toUpperCase() : '';
    if (!methods.has(verb)) return { error: `sdk.http: unsupported method ${JSON.stringify(method)}` };
    if (typeof url !== 'string') return { error: 'sdk.http: the url must be a string' };
    if (this.http.length >= this.limits.maxHttpCalls) {
      return { error: `sdk.http: a run may make at most ${this.limits.maxHttpCalls} calls` };
    }
    const { headers, body } = readOptions(options);
    const request: EgressRequest = { method: verb as EgressRequest['method'], url, headers, body };
    const exchange: HttpExchange = {
      request: { url, method: verb, headers: sentHeaders(headers, body), data: body ?? null },
      response: null,
      reached: true,
      duration: 0,
    };
    this.http.push(exchange);
    const started = performance.now();
    let ended: HttpCallEnd['status'] = 'error';
    try {
      const response = await egressRequest(this.egress, request, this.#abort.signal);
      exchange.response = { status: response.status, headers: response.headers, data: response.data };
      ended = response.status;
      const success = response.status >= 200 && response.status < 300;
      return { ok: { success, status: response.status, headers: response.headers, data: response.data } };
    } catch (err) {
      exchange.error = err instanceof EgressError ? err.message : 'the request failed';
      exchange.reached = !(err instanceof EgressError && err.beforeSending);
      if (err instanceof EgressError && err.timedOut) ended = 'timeout';
      return { error: exchange.error };
    } finally {
      const elapsedMs = performance.now() - started;
      exchange.duration = Math.round(elapsedMs);
      this.onHttpCall?.({ status: ended, seconds: elapsedMs / 1000 });
    }
  }
}

/**
 * The first `length` UTF-16 units of `text` as a string of its own. V8's slice() answers a view
 * that keeps the whole original alive, so 200 truncated lines of a 10 MB string would hold 2 GB.
 */
function detachedPrefix(text: string, length: number): string {
  return Buffer.from(text.slice(0, length), 'utf16le').toString('utf16le');
}

function readOptions(options: unknown): { headers: Record<string, string>; body: unknown } {
  const headers: Record<string, string> = {};
  if (typeof options !== 'object' || options === null) return { headers, body: undefined };
  const given = (options as { headers?: unknown }).headers;
  if (typeof given === 'object' && given !== null) {
    for (const [name, value] of Object.entries(given)) {
      if (value !== undefined && value !== null) headers[name] = String(value);
    }
  }
  const record = options as { body?: unknown; data?: unknown };
  return { headers, body: record.body ?? record.data };
}

/** The headers as they go on the wire (defaults included), for meta.http. */
function sentHeaders(headers: Record<string, string>, body: unknown): Record<string, string> {
  try {
    return encodeBody(headers, body).headers;
  } catch {
    return headers;
  }
}
