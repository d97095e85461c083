import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';
import { Redactor } from './flows/redaction.js';
import { requestIdMixin } from './log-context.js';

export type { Logger };

/**
 * Paths pino replaces with "***" wherever they appear in a log object. They are a safety net: code
 * never logs bodies or headers on purpose, and the log-scan tests check that nothing slips through.
 */
export const redactedLogPaths = [
  'req.headers["x-secret-token"]',
  'req.headers.authorization',
  'headers["x-secret-token"]',
  'headers.authorization',
  'secretToken',
  '*.secretToken',
  'credential',
  '*.credential',
  'token',
  '*.token',
  'masterKey',
  '*.masterKey',
];

/**
 * Errors are logged as type, message, code and stack only. Driver errors carry more (PGlite adds
 * the SQL text and every bound parameter: ciphertexts, names, later payer data), and none of that
 * belongs in a log line.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  if (typeof err !== 'object' || err === null) return { message: String(err) };
  const { name, message, code, stack } = err as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown };
  return { type: name, message, code, stack };
}

/**
 * The request line as logged. A callback URL's last segment is the token that lets anyone reach
 * that transaction's callbacks, and a returning payer's query string is the gateway's data about
 * them: neither belongs in a log.
 */
export function urlForLog(url: string): string {
  const callback = /^(\/connxt\/v2\/callbacks\/[^/?]+\/[^/?]+\/)[^?]*(\?.*)?$/.exec(url);
  if (callback === null) return redactedUrl(url);
  return `${callback[1]}***${callback[2] === undefined ? '' : '?***'}`;
}

/** The shape of a callback URL token (callback-tokens.ts); no id the engine issues is 32 characters long. */
const tokenSegment = /(?<=\/)[A-Za-z0-9_-]{32}(?=\/|$)/g;

/** Masks card numbers and labelled secrets (`?card=4111…`, `&token=…`): no credentials at all here. */
const urlRedactor = new Redactor([]);

/**
 * Any other URL: a callback URL the router did not take (its kind left out, dot segments) still
 * carries a token, and a query string may carry a card number; neither may be logged.
 */
function redactedUrl(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return urlRedactor.text(path.replace(tokenSegment, '***') + (query === -1 ? '' : url.slice(query)));
}

/** Fastify's request fields, with the URL as urlForLog has it (the logger's serializer wins over Fastify's). */
function serializeRequest(req: { method?: string; url?: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
  return { method: req.method, url: typeof req.url === 'string' ? urlForLog(req.url) : req.url, host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      serializers: { err: serializeError, req: serializeRequest },
      base: { service: 'connxt' },
      redact: { paths: redactedLogPaths, censor: '***' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: requestIdMixin,
    },
    destination,
  );
}
