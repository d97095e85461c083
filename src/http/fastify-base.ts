import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { errorKinds } from '../errors.js';
import { runForRequest } from '../log-context.js';
import type { Logger } from '../logger.js';
import { errorEnvelope } from './envelope.js';
import { handleError } from './error-handler.js';

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's X-Request-ID when it is a sane one (it ends up in logs), else a new one. */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
}

/**
 * What every HTTP surface of the engine shares (the API in app.ts, a worker's probes in
 * worker-app.ts): request ids in logs and answers, our envelopes for errors and unknown routes, no
 * body parser until the surface adds one, and time limits.
 */
export function createFastify(deps: { logger: Logger; bodyLimit: number }): FastifyInstance {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the app's type the default one.
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit,
    genReqId: requestId,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    return503OnClosing: true,
    // A request must arrive whole within 30 s: slow-body clients cannot hold connections for minutes.
    requestTimeout: 30_000,
    // A URL the router cannot decode, or a path parameter over 100 characters: our envelope, not Fastify's echo of the path.
    frameworkErrors: handleError,
    // Fastify's 10 s default for a plugin to boot is about catching a forgotten done(); the
    // reference UI and static plugins read files at boot, which on a busy machine (several engines
    // starting at once) has taken longer. Start-up is not the place to fail for being slow.
    pluginTimeout: 60_000,
  });
  app.removeAllContentTypeParsers();
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  // Right before the handler (after the body has been read, whose stream events would lose it):
  // what the handler does, and everything it awaits, logs with this request's id.
  app.addHook('preHandler', (request, _reply, done) => runForRequest(request.id, done));
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((_request, reply) => {
    const { status, code } = errorKinds.not_found;
    void reply.code(status).send(errorEnvelope(code, 'Route not found'));
  });
  return app;
}
