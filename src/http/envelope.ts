import { toEnvelopeTimestamp } from '../api-time.js';
import type { FieldError } from '../errors.js';

export const defaultSuccessMessage = 'Operation completed successfully';

/** `{timestamp, code, message, data}`; `code` is the HTTP status as a string ("200"), as Connxt sends it. */
export function successEnvelope<T>(data: T, options: { status?: number; message?: string; now?: Date } = {}) {
  return {
    timestamp: toEnvelopeTimestamp(options.now ?? new Date()),
    code: String(options.status ?? 200),
    message: options.message ?? defaultSuccessMessage,
    data,
  };
}

/** `{timestamp, code, message, errors}`; `code` is the Connxt error code ("4001"). */
export function errorEnvelope(code: string, message: string, errors: FieldError[] = [], now: Date = new Date()) {
  return { timestamp: toEnvelopeTimestamp(now), code, message, errors };
}
