import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';

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
  if (callback === null) return url;
  return `${callback[1]}***${callback[2] === undefined ? '' : '?***'}`;
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
    },
    destination,
  );
}
