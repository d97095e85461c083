import { AsyncLocalStorage } from 'node:async_hooks';
import { symbols, type Logger } from 'pino';

/**
 * The request a piece of work runs for, so that every log line it writes carries the request id,
 * also the services' lines, which log through the engine's logger, not the request's.
 */
const currentRequest = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `work` (and everything it awaits) as part of the request `requestId`. */
export function runForRequest<T>(requestId: string, work: () => T): T {
  return currentRequest.run({ requestId }, work);
}

/**
 * pino's mixin: the current request's id, unless the line's logger already carries one (Fastify's
 * request logger does; a key twice would be two keys in the JSON line).
 */
export function requestIdMixin(_object: object, _level: number, logger: Logger): Record<string, string> {
  const request = currentRequest.getStore();
  if (request === undefined || carriesRequestId(logger)) return {};
  return { requestId: request.requestId };
}

/**
 * Whether the logger's own bindings have a requestId: read from pino's serialized bindings (a
 * string such as `,"requestId":"…"`) rather than parsed back with bindings() on every line.
 */
function carriesRequestId(logger: Logger): boolean {
  const serialized = (logger as unknown as Record<symbol, unknown>)[symbols.chindingsSym];
  return typeof serialized === 'string' && serialized.includes('"requestId":');
}
