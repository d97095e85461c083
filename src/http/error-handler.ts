import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorKinds } from '../errors.js';
import { errorEnvelope } from './envelope.js';

/** Fastify's own errors that are the client's fault, as AppErrors with messages of ours. */
function fromFastify(err: FastifyError): AppError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'Content-Type must be application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'Request body is larger than 1 MB');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return AppError.validation([{ field: 'body', message: 'is empty; send a JSON object' }]);
    default:
      if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
        return new AppError('validation', 'Malformed request');
      }
      return undefined;
  }
}

/**
 * Every error leaves in the Connxt envelope. Anything unexpected is logged with its stack and
 * answered 500 / 1000 with a fixed message, so no internals (SQL, paths, values) reach the client.
 */
export function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const appError = err instanceof AppError ? err : fromFastify(err as FastifyError);
  if (appError === undefined) {
    request.log.error({ err }, 'request failed');
    const { status, code } = errorKinds.internal;
    void reply.code(status).send(errorEnvelope(code, 'Internal server error'));
    return;
  }
  const { status, code } = errorKinds[appError.kind];
  if (status >= 500) request.log.error({ err }, 'request failed');
  void reply.code(status).send(errorEnvelope(code, appError.message, appError.errors));
}
