import type { FastifyPluginAsync } from 'fastify';
import type { CallbackKind, CallbackService } from '../../callbacks/callback-service.js';
import { headersOf, queryOf } from '../../callbacks/inbound-request.js';
import { errorKinds } from '../../errors.js';
import { errorEnvelope } from '../envelope.js';

/** Gateways send small notifications; nothing legitimate comes near this. */
export const callbackBodyLimitBytes = 256 * 1024;

const kinds: Record<string, CallbackKind> = { r: 'redirect', w: 'webhook' };

/**
 * `/connxt/v2/callbacks/{r|w}/{transactionId}/{token}`: public endpoints for payers coming back
 * and PSPs notifying. Bodies of any type are taken as text, because signatures are computed over
 * the exact bytes; the service parses them for the script.
 */
export function callbackRoutes(deps: { callbacks: CallbackService }): FastifyPluginAsync {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: callbackBodyLimitBytes }, (_request, body, done) => {
      done(null, body);
    });

    app.route({
      method: ['GET', 'POST'],
      url: '/:kind/:transactionId/:token',
      handler: async (request, reply) => {
        const { kind, transactionId, token } = request.params as { kind: string; transactionId: string; token: string };
        const callbackKind = kinds[kind];
        const answer =
          callbackKind === undefined
            ? ({ kind: 'not_found' } as const)
            : await deps.callbacks.handle(callbackKind, transactionId, token, {
                method: request.method,
                headers: headersOf(request.headers),
                query: queryOf(request.query),
                rawBody: typeof request.body === 'string' ? request.body : '',
              });
        switch (answer.kind) {
          case 'not_found': {
            const { status, code } = errorKinds.not_found;
            return reply.code(status).send(errorEnvelope(code, 'Callback not found'));
          }
          case 'redirect':
            return reply.code(302).header('location', answer.location).header('cache-control', 'no-store').send();
          case 'html':
            return reply.code(answer.httpStatus).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(answer.html);
          case 'json':
            return reply.code(answer.httpStatus).send(answer.body);
        }
      },
    });
  };
}
