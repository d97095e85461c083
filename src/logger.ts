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

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'connxt' },
      redact: { paths: redactedLogPaths, censor: '***' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
