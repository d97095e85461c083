import type { FastifyInstance } from 'fastify';
import { registerCommonControls } from '../kit/control-routes.js';
import { Faults, routeKeyFor } from '../kit/faults.js';
import { acceptFormBodies } from '../kit/form-body.js';
import type { SimulatorDefinition, SimulatorOptions } from '../kit/simulator.js';
import { WebhookSender } from '../kit/webhooks.js';
import { registerAccountRoutes } from './account-routes.js';
import { Accounts } from './accounts.js';
import { registerApiRoutes, type ApiDeps } from './api-routes.js';
import { Auth } from './auth.js';
import { SimClock } from './clock.js';
import { registerControlRoutes } from './control-routes.js';
import type { Gateway } from './gateway.js';
import { Ledger } from './ledger.js';
import { registerPages } from './pages.js';
import { injectedProblem, Problem, problemBody, problemContentType, sendProblem, validation } from './problems.js';
import { attemptTimeoutMs, Notifier, retryScheduleMs } from './webhooks.js';

/**
 * ConnectPSP (PIX, Brazil; spec/003 and PSP-FACTS.md), in memory: JWT auth with ApplicationToken
 * and DigitalSignature, cash-in (BR Code and OpenFinance), cash-out against a balance, full
 * refunds, balance and rebalance, signed webhooks, hosted payer pages and a control API.
 * See README.md.
 */
export const simulator: SimulatorDefinition = {
  name: 'connectpsp',
  origins: ['https://api.connectpsp.com', 'https://api.homologacao.connectpsp.com'],
  create: (options) => async (app) => {
    const clock = new SimClock(options.now);
    const faults = new Faults();
    const webhooks = new WebhookSender({ retryScheduleMs, timeScale: options.timeScale, attemptTimeoutMs, faults, now: () => clock.now() });
    const accounts = new Accounts();
    const gateway = makeGateway(options, clock, accounts, new Notifier(webhooks, clock), app);
    const auth = new Auth(accounts, clock);

    acceptOnlyJson(app);
    app.setErrorHandler((error, request, reply) => {
      if (error instanceof Problem) return sendProblem(reply, error.body());
      const status = (error as { statusCode?: unknown }).statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        return sendProblem(reply, problemBody(status, 'VALIDATION_ERROR', error instanceof Error ? error.message : 'The request was refused.'));
      }
      request.log.error({ err: error }, 'connectpsp simulator: unexpected error');
      return sendProblem(reply, problemBody(500, 'INTERNAL_ERROR', 'An unexpected error occurred.'));
    });
    app.setNotFoundHandler((request, reply) => sendProblem(reply, problemBody(404, 'RESOURCE_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`)));
    app.addHook('preClose', async () => faults.releaseHeld());
    app.addHook('onClose', async () => webhooks.close());

    await app.register(async (api) => {
      // Faults apply to the gateway's API only, never to hosted pages or the control API.
      api.addHook('onRequest', faults.apiHook(routeKeyFor(api.prefix), injectedProblem));
      // The kit sends injected error bodies as plain JSON; every ConnectPSP error is problem+json.
      api.addHook('onSend', async (_request, reply, payload) => {
        if (reply.statusCode >= 400 && String(reply.getHeader('content-type') ?? '').startsWith('application/json')) {
          void reply.header('content-type', problemContentType);
        }
        return payload;
      });
      const deps: ApiDeps = { gateway, auth, routeKey: routeKeyFor(api.prefix) };
      registerApiRoutes(api, deps);
      registerAccountRoutes(api, deps);
    });
    await app.register(async (pages) => {
      acceptFormBodies(pages);
      registerPages(pages, gateway);
    });
    await app.register(async (control) => {
      registerControlRoutes(control, gateway, accounts);
      registerCommonControls(control, faults, webhooks);
    });
  },
};

/** The simulator's own JSON parser, so it behaves the same inside the engine and standalone. */
function acceptOnlyJson(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(validation('The request body is not valid JSON.'), undefined);
    }
  });
}

function makeGateway(options: SimulatorOptions, clock: SimClock, accounts: Accounts, notifier: Notifier, app: FastifyInstance): Gateway {
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  app.addHook('onClose', async () => {
    closed = true;
    for (const timer of timers) clearTimeout(timer);
  });
  return {
    clock,
    accounts,
    ledger: new Ledger(),
    notifier,
    // Read when used: a test may learn its URL only once the server listens, after registering.
    get publicBaseUrl() {
      return options.publicBaseUrl;
    },
    timeScale: options.timeScale,
    later(delayMs, fn) {
      if (closed) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, delayMs);
      timers.add(timer);
    },
  };
}
