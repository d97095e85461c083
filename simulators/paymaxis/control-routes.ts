import type { FastifyInstance } from 'fastify';
import type { ShopAccounts } from './accounts.js';
import { paymentResult } from './payment-view.js';
import type { FinalState, PaymentBook } from './payments.js';

export interface ControlDeps {
  accounts: ShopAccounts;
  book: PaymentBook;
  publicBaseUrl: string;
}

const actions: Readonly<Record<string, { state: FinalState; errorCode?: string; errorMessage?: string }>> = {
  complete: { state: 'COMPLETED' },
  decline: { state: 'DECLINED', errorCode: 'DECLINED_BY_BACK_OFFICE', errorMessage: 'Declined in the back office' },
  cancel: { state: 'CANCELLED', errorCode: 'CHECKOUT_EXPIRED', errorMessage: 'The payment was cancelled before it completed' },
};

/**
 * Paymaxis's back office, for tests and demos (not part of its API, no auth, no faults):
 *   POST /_sim/accounts                  a fresh shop → {shopId, apiKey}
 *   GET  /_sim/payments/{id}             any shop's payment, as the API shows it
 *   POST /_sim/payments/{id}/complete    CHECKOUT or PENDING → COMPLETED, webhook
 *   POST /_sim/payments/{id}/decline     CHECKOUT or PENDING → DECLINED, webhook
 *   POST /_sim/payments/{id}/cancel      CHECKOUT or PENDING → CANCELLED (an expired checkout), webhook
 * Asking for the state a payment is already in answers 200 and sends nothing; a payment in
 * another final state answers 409.
 */
export function registerPaymentControls(app: FastifyInstance, deps: ControlDeps): void {
  const { accounts, book, publicBaseUrl } = deps;

  app.post('/_sim/accounts', async (_request, reply) => reply.code(201).send(accounts.create()));

  app.get('/_sim/payments/:id', async (request, reply) => {
    const payment = book.find((request.params as { id: string }).id);
    if (payment === undefined) return reply.code(404).send({ error: 'no such payment' });
    return { result: paymentResult(payment, publicBaseUrl) };
  });

  app.post('/_sim/payments/:id/:action', async (request, reply) => {
    const { id, action } = request.params as { id: string; action: string };
    const wanted = Object.hasOwn(actions, action) ? actions[action] : undefined;
    if (wanted === undefined) return reply.code(404).send({ error: `no such control: ${action}` });
    const payment = book.find(id);
    if (payment === undefined) return reply.code(404).send({ error: 'no such payment' });
    const { state, ...outcome } = wanted;
    const moved = book.move(payment, state, outcome);
    if (moved === 'refused') return reply.code(409).send({ error: `payment ${id} is already ${payment.state}` });
    return { moved: moved === 'moved', result: paymentResult(payment, publicBaseUrl) };
  });
}
