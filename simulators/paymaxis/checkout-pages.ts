import type { FastifyInstance, FastifyReply } from 'fastify';
import { decisionForm, escapeHtml, htmlPage } from '../kit/html.js';
import { type CardInput, cardDetails, checkCard } from './card.js';
import { decimalFromMinor } from './money.js';
import type { Payment, PaymentBook } from './payments.js';
import { declinedCardNumber, testCard } from './test-data.js';

export interface CheckoutDeps {
  book: PaymentBook;
  publicBaseUrl: string;
  now: () => number;
}

/**
 * The hosted checkout a deposit's `redirectUrl` opens: a card form pre-filled with the test card,
 * Pay and Decline. After a decision the payer is sent (303) to the payment's `returnUrl`, as given,
 * or to a result page when there is none.
 *
 *   GET  /checkout/{id}          the page
 *   POST /checkout/{id}          decision=pay|decline (+ card fields)
 *   GET  /checkout/{id}/result   where a payer without returnUrl ends
 */
export function registerCheckoutPages(app: FastifyInstance, deps: CheckoutDeps): void {
  const { book, publicBaseUrl, now } = deps;

  app.get('/checkout/:id', async (request, reply) => {
    const payment = depositFor(book, (request.params as { id: string }).id);
    if (payment === undefined) return html(reply, 404, notFoundPage());
    if (payment.state !== 'CHECKOUT') return html(reply, 200, resultPage(payment));
    return html(reply, 200, checkoutPage(payment, publicBaseUrl, defaultCard(now()), undefined));
  });

  app.post('/checkout/:id', async (request, reply) => {
    const payment = depositFor(book, (request.params as { id: string }).id);
    if (payment === undefined) return html(reply, 404, notFoundPage());
    // A second submit (back button, double click) changes nothing and ends where the first did.
    if (payment.state !== 'CHECKOUT') return sendBack(reply, payment, publicBaseUrl);
    const form = (request.body ?? {}) as Record<string, string | undefined>;
    if (form.decision === 'decline') {
      book.move(payment, 'DECLINED', { errorCode: 'PAYER_DECLINED', errorMessage: 'The payer declined the payment' });
      return sendBack(reply, payment, publicBaseUrl);
    }
    const card = cardFrom(form);
    if (form.decision !== 'pay') return html(reply, 400, checkoutPage(payment, publicBaseUrl, card, 'Choose Pay or Decline.'));
    const check = checkCard(card, now());
    if (!check.ok) return html(reply, 422, checkoutPage(payment, publicBaseUrl, card, check.message));
    const paymentMethodDetails = cardDetails(card, check.digits);
    if (check.digits === declinedCardNumber) {
      book.move(payment, 'DECLINED', { errorCode: 'CARD_DECLINED', errorMessage: 'Declined by the card issuer', paymentMethodDetails });
    } else {
      book.move(payment, payment.behaviour === 'hold' ? 'PENDING' : 'COMPLETED', { paymentMethodDetails });
    }
    return sendBack(reply, payment, publicBaseUrl);
  });

  app.get('/checkout/:id/result', async (request, reply) => {
    const payment = depositFor(book, (request.params as { id: string }).id);
    return payment === undefined ? html(reply, 404, notFoundPage()) : html(reply, 200, resultPage(payment));
  });
}

function depositFor(book: PaymentBook, id: string): Payment | undefined {
  const payment = book.find(id);
  return payment?.paymentType === 'DEPOSIT' ? payment : undefined;
}

function sendBack(reply: FastifyReply, payment: Payment, publicBaseUrl: string): FastifyReply {
  return reply.code(303).header('location', payment.returnUrl ?? `${publicBaseUrl}/checkout/${payment.id}/result`).send();
}

function html(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
}

function defaultCard(now: number): CardInput {
  return { ...testCard, expiryYear: String(new Date(now).getUTCFullYear() + 3) };
}

function cardFrom(form: Record<string, string | undefined>): CardInput {
  return {
    cardholderName: form.cardholderName ?? '',
    cardNumber: form.cardNumber ?? '',
    expiryMonth: form.expiryMonth ?? '',
    expiryYear: form.expiryYear ?? '',
    cvv: form.cvv ?? '',
  };
}

function amountText(payment: Payment): string {
  return `${decimalFromMinor(payment.amountMinor, payment.exponent)} ${payment.currency}`;
}

function checkoutPage(payment: Payment, publicBaseUrl: string, card: CardInput, error: string | undefined): string {
  const field = (name: keyof CardInput, label: string, extra = '') =>
    `<label for="${name}">${escapeHtml(label)}</label><input id="${name}" name="${name}" value="${escapeHtml(card[name])}" ${extra}>`;
  const fields = [
    field('cardholderName', 'Name on card', 'autocomplete="cc-name"'),
    field('cardNumber', 'Card number', 'inputmode="numeric" autocomplete="cc-number"'),
    field('expiryMonth', 'Expiry month (MM)', 'inputmode="numeric" autocomplete="cc-exp-month"'),
    field('expiryYear', 'Expiry year (YYYY)', 'inputmode="numeric" autocomplete="cc-exp-year"'),
    field('cvv', 'Security code', 'inputmode="numeric" autocomplete="cc-csc"'),
  ].join('');
  return htmlPage(
    'Paymaxis checkout',
    `<p class="amount">${escapeHtml(amountText(payment))}</p>
${payment.description === undefined ? '' : `<p>${escapeHtml(payment.description)}</p>`}
<p class="note">Payment ${escapeHtml(payment.id)}${payment.referenceId === undefined ? '' : ` · order ${escapeHtml(payment.referenceId)}`}</p>
${error === undefined ? '' : `<p role="alert"><strong>${escapeHtml(error)}</strong></p>`}
${decisionForm(`${publicBaseUrl}/checkout/${payment.id}`, {}, undefined, `<div style="width:100%">${fields}</div>`)}
<p class="note">Sandbox: the test card ${escapeHtml(testCard.cardNumber)} pays; ${escapeHtml(declinedCardNumber)} is declined.</p>`,
  );
}

function resultPage(payment: Payment): string {
  const back = payment.returnUrl === undefined ? '' : `<p><a href="${escapeHtml(payment.returnUrl)}">Back to the merchant</a></p>`;
  return htmlPage('Paymaxis payment', `<p class="amount">${escapeHtml(amountText(payment))}</p><p>Payment ${escapeHtml(payment.id)} is <strong>${escapeHtml(payment.state)}</strong>.</p>${back}`);
}

function notFoundPage(): string {
  return htmlPage('Paymaxis checkout', '<p>This payment does not exist or has no checkout page.</p>');
}
