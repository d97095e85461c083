import type { FastifyPluginAsync } from 'fastify';
import type { CallbackKind, CallbackService } from '../../callbacks/callback-service.js';
import { headersOf, queryOf } from '../../callbacks/inbound-request.js';
import { errorKinds } from '../../errors.js';
import { errorEnvelope } from '../envelope.js';
import { pathParams } from '../openapi/common-schemas.js';
import { errorResponse, errorResponses } from '../openapi/envelopes.js';

/** What a webhook step's refusal answers the PSP (src/callbacks/callback-service.ts). */
const refusal = {
  type: 'object',
  required: ['received', 'message'],
  properties: { received: { type: 'boolean', enum: [false] }, message: { type: 'string' } },
} as const;

/** Gateways send small notifications; nothing legitimate comes near this. */
export const callbackBodyLimitBytes = 256 * 1024;

const kinds: Record<string, CallbackKind> = { r: 'redirect', w: 'webhook' };

const callbackSchema = {
  tags: ['Callbacks'],
  summary: 'A payer coming back (r) or a PSP notifying (w)',
  description:
    'Public: the token in the URL is the credential. The URLs are made per transaction and handed to its script as ' +
    '`ctx.urls.server.redirect` and `.webhook`; the definition\'s `redirect` or `webhook` step answers. A body of any type ' +
    '(up to 256 KiB) is taken as text, since signatures are computed over its exact bytes.',
  params: pathParams({
    kind: '`r` for a payer\'s redirect, `w` for a PSP webhook.',
    transactionId: 'The transaction the URL was made for.',
    token: 'The URL\'s own secret.',
  }),
  response: {
    200: {
      description: 'The step\'s answer: a status page for a payer, or the JSON the script returned to the PSP.',
      content: {
        'text/html': { schema: { type: 'string' } },
        'application/json': { schema: { type: 'object', properties: { received: { type: 'boolean' } } } },
      },
    },
    302: {
      description: 'The payer is sent on: to the URL the redirect step returned, or the environment\'s redirect URL.',
      type: 'null',
      headers: { Location: { type: 'string' } },
    },
    400: {
      description: 'The webhook step refused the event (`{received: false, message}`), or the URL could not be decoded (4001 envelope).',
      anyOf: [refusal, errorResponse('validation')],
    },
    '4XX': { description: 'The webhook step refused the event with a status of its choosing.', ...refusal },
    ...errorResponses({ 404: 'Unknown kind, transaction or token (4004): one answer for all three.' }),
    503: { description: 'The event could not be processed now; the PSP should retry.', ...refusal },
  },
};

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
      schema: callbackSchema,
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
