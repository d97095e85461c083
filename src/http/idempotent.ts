import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorKinds } from '../errors.js';
import type { IdempotencyStore } from '../idempotency/idempotency-store.js';
import { tenantOf } from './auth.js';
import { errorEnvelope } from './envelope.js';

export interface HandlerAnswer {
  status: number;
  body: unknown;
}

const keyPattern = /^[\x21-\x7e]{1,255}$/;

/**
 * Runs a creating POST under its `Idempotency-Key`, if it has one. The key covers the route and
 * the body, so the same key on another request is a conflict. Client errors (4xx) are kept and
 * replayed like successes; server errors free the key so that the client can retry.
 */
export async function idempotent(
  request: FastifyRequest,
  reply: FastifyReply,
  store: IdempotencyStore,
  handler: () => Promise<HandlerAnswer>,
): Promise<unknown> {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return answer(reply, await handler());
  if (typeof header !== 'string' || !keyPattern.test(header)) {
    throw AppError.validation([{ field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' }]);
  }
  const { environmentId } = tenantOf(request);
  // The route's path parameters belong to the request: one key reused to approve another
  // transaction is another request (409), not a replay. Routes without any hash as they always did.
  const params = request.params as Record<string, string> | undefined;
  const target = params !== undefined && Object.keys(params).length > 0 ? ` ${JSON.stringify(params)}` : '';
  const requestHash = createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url ?? request.url}${target}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
  const claim = await store.claim(environmentId, header, requestHash);
  switch (claim.kind) {
    case 'replay':
      void reply.header('idempotent-replayed', 'true');
      return answer(reply, { status: claim.status, body: claim.body });
    case 'mismatch':
      throw AppError.conflict('Idempotency-Key was already used for a different request');
    case 'in_flight':
      throw AppError.conflict('A request with this Idempotency-Key is still being processed');
    case 'claimed':
      break;
  }
  let result: HandlerAnswer;
  try {
    result = await handler();
  } catch (err) {
    const kind = err instanceof AppError ? errorKinds[err.kind] : undefined;
    if (err instanceof AppError && kind !== undefined && kind.status < 500) {
      await store.complete(environmentId, header, kind.status, errorEnvelope(kind.code, err.message, err.errors));
    } else {
      await store.release(environmentId, header).catch((releaseError: unknown) => {
        request.log.error({ err: releaseError }, 'could not release an idempotency key');
      });
    }
    throw err;
  }
  await store.complete(environmentId, header, result.status, result.body);
  return answer(reply, result);
}

function answer(reply: FastifyReply, result: HandlerAnswer): unknown {
  void reply.code(result.status);
  return result.body;
}
