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

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      serializers: { err: serializeError },
      base: { service: 'connxt' },
      redact: { paths: redactedLogPaths, censor: '***' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
