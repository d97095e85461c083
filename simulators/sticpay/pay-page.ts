import type { FastifyInstance, FastifyReply } from 'fastify';
import { acceptFormBodies } from '../kit/form-body.js';
import { decisionForm, escapeHtml, htmlPage } from '../kit/html.js';
import { formatAmount } from './money.js';
import { payPagePath } from './pay-route.js';
import { emailPattern } from './request-fields.js';
import type { SticpayState } from './state.js';
import type { SticpayTransaction } from './transactions.js';

/** Pre-filled so that pressing Pay just works; any e-mail is a Sticpay wallet in the simulator. */
const defaultPayer = 'payer@sticpay.example';

/**
 * Sticpay's hosted pay page, where the payer signs in to their wallet and pays or declines. After
 * a decision the payer is sent (303) to the merchant's return_url with `order_no` and `status`
 * added, which a merchant must not trust (the detail call is the authority).
 */
export function registerPayPage(app: FastifyInstance, state: SticpayState): void {
  app.removeContentTypeParser('application/x-www-form-urlencoded');
  acceptFormBodies(app);

  app.get(`${payPagePath}/:token`, async (request, reply) => {
    const payment = openPayment(state, (request.params as { token: string }).token);
    if (payment === undefined) return page(reply, 404, 'Payment link not valid', '<p>This payment link does not exist.</p>');
    if (!awaitingPayer(payment)) return closedPage(reply, payment);
    return page(reply, 200, 'Pay with Sticpay', payForm(state, payment));
  });

  app.post(`${payPagePath}/:token`, async (request, reply) => {
    const payment = openPayment(state, (request.params as { token: string }).token);
    if (payment === undefined) return page(reply, 404, 'Payment link not valid', '<p>This payment link does not exist.</p>');
    if (!awaitingPayer(payment)) return closedPage(reply, payment);
    const form = (request.body ?? {}) as Record<string, string | undefined>;
    if (form.decision === 'decline') {
      state.settlement.payerDeclines(payment);
    } else if (form.decision === 'pay') {
      const payer = (form.payer_email ?? '').trim();
      if (!emailPattern.test(payer)) {
        return page(reply, 400, 'Pay with Sticpay', `<p class="note">Enter the e-mail of your Sticpay account.</p>${payForm(state, payment)}`);
      }
      state.settlement.payerPays(payment, payer);
    } else {
      return page(reply, 400, 'Pay with Sticpay', `<p class="note">Choose Pay or Decline.</p>${payForm(state, payment)}`);
    }
    return reply.code(303).header('location', returnUrl(payment)).send();
  });
}

function openPayment(state: SticpayState, token: string): SticpayTransaction | undefined {
  const payment = state.book.byToken(token);
  if (payment !== undefined) state.settlement.expireIfDue(payment);
  return payment;
}

function awaitingPayer(payment: SticpayTransaction): boolean {
  return payment.status === 'pending' && payment.stage === 'awaiting_payer';
}

function payForm(state: SticpayState, payment: SticpayTransaction): string {
  const action = `${state.options.publicBaseUrl}${payPagePath}/${payment.payToken}`;
  const payerField =
    `<label for="payer_email">Your Sticpay account</label>` +
    `<input id="payer_email" name="payer_email" type="email" value="${escapeHtml(defaultPayer)}">`;
  return (
    `<p>${escapeHtml(payment.merchantEmail)} asks you to pay</p>` +
    `<p class="amount">${escapeHtml(formatAmount(payment.amountMinor, payment.currency))} ${escapeHtml(payment.currency)}</p>` +
    `<p class="note">Order <code>${escapeHtml(payment.orderId)}</code>. This link is valid for 5 minutes.</p>` +
    decisionForm(action, {}, undefined, payerField)
  );
}

/** Already paid, declined or expired: nothing to press, only the way back to the merchant. */
function closedPage(reply: FastifyReply, payment: SticpayTransaction) {
  const expired = payment.reason === 'pay link expired';
  const title = expired ? 'Payment link expired' : 'Payment already processed';
  const body =
    `<p>Order <code>${escapeHtml(payment.orderId)}</code> is ${escapeHtml(payment.status)}.</p>` +
    `<p><a href="${escapeHtml(returnUrl(payment))}">Return to the merchant</a></p>`;
  return page(reply, expired ? 410 : 409, title, body);
}

function returnUrl(payment: SticpayTransaction): string {
  const url = new URL(payment.returnUrl ?? '');
  url.searchParams.set('order_no', payment.orderId);
  url.searchParams.set('status', payment.status);
  return url.href;
}

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(htmlPage(title, body));
}
