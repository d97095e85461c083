import type { FastifyInstance } from 'fastify';
import { requestAccount } from './auth.js';
import type { CubePayContext } from './context.js';
import { CubePayError } from './errors.js';
import { pageUrl } from './page-sessions.js';
import { cardRoutes, depositProviders, findProvider } from './providers.js';
import { readCardDetails, readCommonRequest, readIdField, readOptionalBoolean } from './request-body.js';
import { cardBrandOf, cardDecisionFor, maskCardNumber, providerOutcomeFor } from './test-data.js';
import { transactionFrom } from './transaction-factory.js';

/**
 * Deposits (paths modeled, 004 does not give them):
 *   POST /v1/cashier        all-in-one cashier → {token}; the payer opens GET /cashier/{token}
 *   POST /v1/checkout       Direct Integration hosted checkout for one provider_id → {url, transaction_id}
 *   POST /v1/payments/s2s   server-to-server card → {url, transaction_status, transaction_id, error?}
 */
export function registerPaymentRoutes(app: FastifyInstance, context: CubePayContext): void {
  const { lifecycle, sessions, options } = context;

  app.post('/v1/cashier', async (request) => {
    const account = requestAccount(request);
    const common = readCommonRequest(request.body);
    const amountRestricted = readOptionalBoolean(common.raw, 'amount_restricted', true);
    const transaction = transactionFrom(
      account,
      common,
      { type: 'deposit', kind: 'cashier', status: 'initiated', stage: 'payer', provider: null, amountRestricted },
      options.now(),
    );
    lifecycle.open(account, transaction);
    return { token: sessions.open('cashier', account, transaction) };
  });

  // 004 shows no response body for the hosted checkout; modeled as the payer's page URL and
  // Cube Pay's transaction id.
  app.post('/v1/checkout', async (request) => {
    const account = requestAccount(request);
    const common = readCommonRequest(request.body);
    const provider = findProvider(depositProviders, readIdField(common.raw, 'provider_id'));
    if (provider === undefined) throw new CubePayError(1016);
    const transaction = transactionFrom(account, common, { type: 'deposit', kind: 'checkout', status: 'pending', stage: 'payer', provider }, options.now());
    lifecycle.open(account, transaction);
    const token = sessions.open('checkout', account, transaction);
    return { url: pageUrl(options.publicBaseUrl, 'checkout', token), transaction_id: transaction.transactionId };
  });

  // 004: "Check the url on the response; if it is not empty, redirect the user to complete the 3DS
  // process. If the transaction_status is rejected, an error attribute will accompany the
  // response." transaction_id is modeled on top.
  app.post('/v1/payments/s2s', async (request) => {
    const account = requestAccount(request);
    const common = readCommonRequest(request.body);
    const route = findProvider(cardRoutes, readIdField(common.raw, 'routing_id'));
    if (route === undefined) throw new CubePayError(1016);
    const card = readCardDetails(common.raw);
    const decision = cardDecisionFor(card.number, card.expMonth, card.expYear, new Date(options.now()));
    const storedCard = {
      masked: maskCardNumber(card.number),
      brand: cardBrandOf(card.number),
      holderName: card.holderName,
      expMonth: String(card.expMonth).padStart(2, '0'),
      expYear: String(card.expYear),
    };
    const base = { type: 'deposit' as const, kind: 'card' as const, provider: route, card: storedCard };

    if (decision.kind === 'three-ds') {
      const transaction = transactionFrom(account, common, { ...base, status: 'pending', stage: 'three-ds' }, options.now());
      lifecycle.open(account, transaction);
      const token = sessions.open('three-ds', account, transaction);
      return { url: pageUrl(options.publicBaseUrl, 'three-ds', token), transaction_status: 'pending', transaction_id: transaction.transactionId };
    }
    const outcome = decision.kind === 'decline' ? { status: 'rejected' as const, reason: decision.reason } : providerOutcomeFor(common.amount);
    const transaction = transactionFrom(
      account,
      common,
      {
        ...base,
        status: outcome.status,
        stage: outcome.status === 'pending' ? 'provider' : 'done',
        rejectedReason: outcome.status === 'rejected' ? outcome.reason : null,
      },
      options.now(),
    );
    lifecycle.open(account, transaction);
    return {
      url: '',
      transaction_status: transaction.status,
      transaction_id: transaction.transactionId,
      ...(outcome.status === 'rejected' ? { error: outcome.reason } : {}),
    };
  });
}
