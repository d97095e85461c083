import type { FastifyReply, FastifyRequest } from 'fastify';
import { registerCommonControls } from '../kit/control-routes.js';
import { Faults, routeKeyFor } from '../kit/faults.js';
import { acceptFormBodies } from '../kit/form-body.js';
import type { SimulatorDefinition, SimulatorOptions } from '../kit/simulator.js';
import { Accounts } from './accounts.js';
import { apiKeyHook } from './auth.js';
import type { CubePayContext } from './context.js';
import { registerControlRoutes } from './control-routes.js';
import { CubePayError, invalid, serverErrorBody } from './errors.js';
import { acceptJsonBodies } from './json-body.js';
import { Lifecycle } from './lifecycle.js';
import { registerLookupRoutes } from './lookup-routes.js';
import { PageSessions } from './page-sessions.js';
import { registerPages } from './pages.js';
import { registerPaymentRoutes } from './payment-routes.js';
import { registerPayoutRoutes } from './payout-routes.js';
import { createWebhookSender } from './webhooks.js';

/**
 * Cube Pay's base URL is not public (PSP-FACTS): modeled as this origin. Test and live share it
 * (004: a DEV API key is all that differs), so there is no separate staging origin.
 */
export const cubePayOrigin = 'https://api.cubepay.io';

export const simulator: SimulatorDefinition = {
  name: 'cubepay',
  origins: [cubePayOrigin],
  create: (options) => async (app) => {
    const context = createContext(options);
    acceptJsonBodies(app);
    // Hosted-page forms; a parser inherited from where the simulator is mounted gives way to the kit's.
    if (app.hasContentTypeParser('application/x-www-form-urlencoded')) app.removeContentTypeParser('application/x-www-form-urlencoded');
    acceptFormBodies(app);
    app.setErrorHandler(handleError);
    app.setNotFoundHandler(async (_request, reply) =>
      reply.code(404).send({ ...serverErrorBody(), errors: [{ field: 'path', message: 'no such endpoint' }] }),
    );
    app.addHook('preClose', async () => context.faults.releaseHeld());
    app.addHook('onClose', async () => {
      context.sender.close();
      context.lifecycle.close();
    });

    registerCommonControls(app, context.faults, context.sender);
    registerControlRoutes(app, context);
    registerPages(app, context);
    // The gateway API: faults first (an injected 5xx or timeout happens whatever the key), then the key.
    await app.register(async (api) => {
      api.addHook('onRequest', context.faults.apiHook(routeKeyFor(app.prefix), serverErrorBody));
      api.addHook('onRequest', apiKeyHook(context.accounts));
      registerPaymentRoutes(api, context);
      registerPayoutRoutes(api, context);
      registerLookupRoutes(api, context);
    });
  },
};

function createContext(options: SimulatorOptions): CubePayContext {
  const faults = new Faults();
  const sender = createWebhookSender(faults, options.timeScale, options.now);
  return {
    options,
    faults,
    sender,
    accounts: new Accounts(),
    lifecycle: new Lifecycle({ sender, timeScale: options.timeScale, now: options.now }),
    sessions: new PageSessions(),
  };
}

/**
 * Cube Pay answers client errors with 400 and a numbered code. Framework errors (unreadable JSON,
 * wrong content type, too large) become 1025; their messages are never echoed, since a JSON parse
 * error quotes the body it failed on, which may hold a card number.
 */
async function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof CubePayError) return reply.code(400).send(error.body);
  const { statusCode, name, code } = error as { statusCode?: number; name?: string; code?: string };
  const status = statusCode ?? 500;
  if (status >= 400 && status < 500) return reply.code(400).send(invalid([{ field: 'body', message: 'the request could not be read as JSON' }]).body);
  request.log.error({ errorName: name, code }, 'cubepay simulator: unexpected error');
  return reply.code(500).send(serverErrorBody());
}
