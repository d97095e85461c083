// Paymaxis simulator: its payments API (Bearer shop API key), hosted card checkout, signed
// webhooks and a back-office control API. See README.md for what is modeled where facts are unknown.
import { registerCommonControls } from '../kit/control-routes.js';
import { Faults, routeKeyFor } from '../kit/faults.js';
import { acceptFormBodies } from '../kit/form-body.js';
import type { SimulatorDefinition } from '../kit/simulator.js';
import { ShopAccounts } from './accounts.js';
import { bearerAuth } from './auth.js';
import { registerCheckoutPages } from './checkout-pages.js';
import { registerPaymentControls } from './control-routes.js';
import { errorBody, registerErrorHandlers, statusReason } from './errors.js';
import { acceptPaymaxisJson } from './json-body.js';
import { registerPaymentRoutes } from './payment-routes.js';
import { PaymentBook } from './payments.js';
import { PaymentWebhooks } from './webhooks.js';

export const simulator: SimulatorDefinition = {
  name: 'paymaxis',
  origins: ['https://app.paymaxis.com', 'https://app-sandbox.paymaxis.com'],
  create: (options) => async (app) => {
    const { publicBaseUrl, timeScale, now } = options;
    const faults = new Faults();
    const webhooks = new PaymentWebhooks({ faults, timeScale, now, publicBaseUrl });
    const accounts = new ShopAccounts();
    const book = new PaymentBook({ now, timeScale, onFinal: (payment) => webhooks.paymentReachedFinalState(payment) });

    registerErrorHandlers(app, now);
    acceptPaymaxisJson(app);
    acceptFormBodies(app);
    app.addHook('preClose', async () => faults.releaseHeld());
    app.addHook('onClose', async () => {
      book.close();
      webhooks.close();
    });

    // The gateway API: faults first (a 5xx needs no valid key), then the shop's key.
    await app.register(async (api) => {
      api.addHook('onRequest', faults.apiHook(routeKeyFor(app.prefix), (status) => errorBody(status, statusReason(status), now())));
      api.addHook('onRequest', bearerAuth(accounts));
      registerPaymentRoutes(api, { book, publicBaseUrl, now });
    });
    registerCheckoutPages(app, { book, publicBaseUrl, now });
    registerCommonControls(app, faults, webhooks.sender);
    registerPaymentControls(app, { accounts, book, publicBaseUrl });
  },
};
