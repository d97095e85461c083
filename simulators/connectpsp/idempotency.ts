import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from './accounts.js';
import { Problem, problemContentType, validation } from './problems.js';

/**
 * `X-Idempotency-Key` (UUID v4) on POSTs: a repeated key returns the original response, status and
 * body, without acting again (PSP-FACTS.md). Keys are kept per account and per route. What the
 * real gateway does when the same key comes with a different body is not public: the simulator
 * replays the original response regardless, which is what "returns the original response" says.
 * 5xx answers are not kept, so a retry after a server error acts for real.
 */
export interface StoredReply {
  status: number;
  contentType: string;
  body: string;
}

export interface HandlerResult {
  status: number;
  body: unknown;
}

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const maxKeysPerAccount = 10_000;

export function idempotencyKeyOf(request: FastifyRequest, required: boolean): string | undefined {
  const raw = request.headers['x-idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || key === '') {
    if (required) throw validation('The X-Idempotency-Key header is required (UUID v4).');
    return undefined;
  }
  if (!uuidV4.test(key)) throw validation('The X-Idempotency-Key header must be a UUID v4.');
  return key.toLowerCase();
}

/**
 * Runs `handle` once per key: the first answer (success or refusal) is stored and replayed for
 * every later request with the same key on the same route.
 */
export function replayOrRun(
  reply: FastifyReply,
  account: Account,
  routeKey: string,
  key: string | undefined,
  handle: () => HandlerResult,
): FastifyReply {
  const slot = key === undefined ? undefined : `${routeKey} ${key}`;
  const stored = slot === undefined ? undefined : account.idempotency.get(slot);
  if (stored !== undefined) return reply.code(stored.status).header('content-type', stored.contentType).send(stored.body);

  let answer: StoredReply;
  try {
    const result = handle();
    answer = { status: result.status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(result.body) };
  } catch (err) {
    if (!(err instanceof Problem)) throw err;
    answer = { status: err.status, contentType: problemContentType, body: JSON.stringify(err.body()) };
  }
  if (slot !== undefined && answer.status < 500) {
    if (account.idempotency.size >= maxKeysPerAccount) account.idempotency.delete(account.idempotency.keys().next().value!);
    account.idempotency.set(slot, answer);
  }
  return reply.code(answer.status).header('content-type', answer.contentType).send(answer.body);
}
