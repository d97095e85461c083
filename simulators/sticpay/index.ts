import type { FastifyError, FastifyInstance } from 'fastify';
import { registerCommonControls } from '../kit/control-routes.js';
import { Faults, routeKeyFor } from '../kit/faults.js';
import type { SimulatorDefinition, SimulatorOptions } from '../kit/simulator.js';
import { WebhookSender } from '../kit/webhooks.js';
import { callbackAttemptTimeoutMs, callbackRetryScheduleMs } from './callbacks.js';
import { registerControlRoutes } from './control-routes.js';
import { registerDetailRoute } from './detail-route.js';
import { httpErrorBody, SticpayError } from './errors.js';
import { registerPayPage } from './pay-page.js';
import { registerPayRoute } from './pay-route.js';
import { registerRefundRoute } from './refund-route.js';
import { acceptApiBodies } from './request-fields.js';
import { createState, type SticpayState } from './state.js';
import { registerWithdrawRoute } from './withdraw-route.js';

/**
 * Sticpay (https://api.sticpay.com): pay through a hosted pay page, withdraw to a Sticpay
 * wallet, full refunds, and the detail call, authenticated by the `sign` field. See README.md.
 */
export const simulator: SimulatorDefinition = {
  name: 'sticpay',
  origins: ['https://api.sticpay.com'],
  create: (options: SimulatorOptions) => async (app) => {
    const faults = new Faults();
    const webhooks = new WebhookSender({
      retryScheduleMs: callbackRetryScheduleMs,
      timeScale: options.timeScale,
      attemptTimeoutMs: callbackAttemptTimeoutMs,
      faults,
      now: options.now,
    });
    const state = createState(options, webhooks);

    app.setErrorHandler((error: FastifyError, _request, reply) => {
      if (error instanceof SticpayError) return reply.code(error.httpStatus).send(error.body());
      const status = error.statusCode ?? 500;
      // Body problems (bad JSON, wrong content type, too large) are the caller's: a validation error, as the API answers them.
      if (status < 500) return reply.code(200).send(SticpayError.validation([{ field: 'body', defaultMessage: error.message }]).body());
      return reply.code(500).send(httpErrorBody(500));
    });
    app.setNotFoundHandler((_request, reply) => reply.code(404).send(httpErrorBody(404)));

    await app.register(apiScope(state, faults, routeKeyFor(app.prefix)));
    await app.register(async (pages) => registerPayPage(pages, state));
    registerCommonControls(app, faults, webhooks);
    registerControlRoutes(app, state);

    app.addHook('preClose', async () => faults.releaseHeld());
    app.addHook('onClose', async () => {
      webhooks.close();
      state.settlement.close();
    });
  },
};

/** The gateway API: its own body parsers and the fault hook, which hosted pages and `/_sim` do not get. */
function apiScope(state: SticpayState, faults: Faults, routeKey: ReturnType<typeof routeKeyFor>) {
  return async (api: FastifyInstance) => {
    acceptApiBodies(api);
    api.addHook('onRequest', faults.apiHook(routeKey, httpErrorBody));
    registerPayRoute(api, state);
    registerWithdrawRoute(api, state);
    registerRefundRoute(api, state);
    registerDetailRoute(api, state);
  };
}
