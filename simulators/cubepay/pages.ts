import type { FastifyInstance, FastifyReply } from 'fastify';
import { decisionForm, escapeHtml, htmlPage } from '../kit/html.js';
import type { CubePayContext } from './context.js';
import { formatAmount, parseAmount } from './money.js';
import { pageUrl, type PageKind, type PageSession } from './page-sessions.js';
import { depositProviders, findProvider, payoutProviders, type Provider } from './providers.js';
import { isFinal, type Transaction } from './transactions.js';

/**
 * The hosted pages a payer acts on, plain HTML forms (no JavaScript):
 *   GET/POST /cashier/{token}    deposit cashier (choose a provider → checkout) or withdrawal
 *                                cashier (choose a payout provider, give the payee account)
 *   GET/POST /checkout/{token}   Direct Integration checkout: Pay or Decline
 *   GET/POST /3ds/{token}        the card's 3DS challenge: Pay (authenticate) or Decline
 * After a decision the payer goes (303) to the next page or to the merchant's return URL.
 */
export function registerPages(app: FastifyInstance, context: CubePayContext): void {
  const { sessions, lifecycle, options } = context;

  const withSession = (kind: PageKind) => (token: string, reply: FastifyReply): PageSession | undefined => {
    const session = sessions.get(kind, token);
    // A transaction the back office settled meanwhile has nothing left to decide: the page is gone.
    if (session !== undefined && isFinal(session.transaction) && reply.request.method === 'GET') {
      void sendPage(reply, 200, 'Already finished', `<p>This transaction is already ${escapeHtml(session.transaction.status)}.</p>`);
      return undefined;
    }
    if (session === undefined) {
      void sendPage(reply, 404, 'Page expired', '<p>This payment page has expired or has already been used.</p>');
      return undefined;
    }
    return session;
  };
  const cashierSession = withSession('cashier');
  const checkoutSession = withSession('checkout');
  const threeDsSession = withSession('three-ds');

  app.get('/cashier/:token', async (request, reply) => {
    const session = cashierSession(tokenOf(request.params), reply);
    if (session === undefined) return reply;
    return sendPage(reply, 200, ...cashierPage(session));
  });

  app.post('/cashier/:token', async (request, reply) => {
    const session = cashierSession(tokenOf(request.params), reply);
    if (session === undefined) return reply;
    const { account, transaction } = session;
    const form = formOf(request.body);
    if (isFinal(transaction)) return finish(session, reply);
    if (form.decision === 'decline') {
      lifecycle.move(account, transaction, 'rejected', 'done', 'Cancelled by customer');
      return finish(session, reply);
    }
    if (form.decision !== 'pay') return sendPage(reply, 400, ...cashierPage(session, 'Choose a button.'));

    if (transaction.type === 'withdrawal') {
      const provider = findProvider(payoutProviders, form.provider_id);
      const accountNumber = (form.account_number ?? '').replace(/\s+/g, '').toUpperCase();
      if (provider === undefined) return sendPage(reply, 400, ...cashierPage(session, 'Choose a payout method.'));
      if (!/^[A-Z0-9]{8,34}$/.test(accountNumber)) return sendPage(reply, 400, ...cashierPage(session, 'Enter the account number (8 to 34 letters and digits).'));
      transaction.provider = provider;
      transaction.payoutAccount = `${accountNumber.slice(0, 4)}****${accountNumber.slice(-4)}`;
      lifecycle.move(account, transaction, 'pending', 'approval');
      return finish(session, reply);
    }

    const provider = findProvider(depositProviders, form.provider_id);
    if (provider === undefined) return sendPage(reply, 400, ...cashierPage(session, 'Choose a payment method.'));
    if (!transaction.amountRestricted) {
      const amount = parseAmount(form.amount, transaction.amount.currency);
      if (!amount.ok) return sendPage(reply, 400, ...cashierPage(session, `The amount ${amount.message}.`));
      transaction.amount = { minor: amount.minor, currency: transaction.amount.currency };
    }
    transaction.provider = provider;
    lifecycle.move(account, transaction, 'pending', 'payer');
    sessions.close(session.token);
    const checkoutToken = sessions.open('checkout', account, transaction);
    return reply.code(303).header('location', pageUrl(options.publicBaseUrl, 'checkout', checkoutToken)).send();
  });

  app.get('/checkout/:token', async (request, reply) => {
    const session = checkoutSession(tokenOf(request.params), reply);
    if (session === undefined) return reply;
    return sendPage(reply, 200, ...decisionPage(session, 'Checkout', 'Pay', 'Decline'));
  });

  app.post('/checkout/:token', async (request, reply) => {
    const session = checkoutSession(tokenOf(request.params), reply);
    if (session === undefined) return reply;
    return decide(session, formOf(request.body).decision, 'Cancelled by customer', reply);
  });

  app.get('/3ds/:token', async (request, reply) => {
    const session = threeDsSession(tokenOf(request.params), reply);
    if (session === undefined) return reply;
    return sendPage(reply, 200, ...decisionPage(session, '3-D Secure verification', 'Authenticate', 'Fail authentication'));
  });

  app.post('/3ds/:token', async (request, reply) => {
    const session = threeDsSession(tokenOf(request.params), reply);
    if (session === undefined) return reply;
    return decide(session, formOf(request.body).decision, '3DS authentication failed', reply);
  });

  /** Checkout and 3DS: Pay lets the provider (the amount's test rule) decide; Decline rejects. */
  function decide(session: PageSession, decision: string | undefined, declineReason: string, reply: FastifyReply) {
    const { account, transaction } = session;
    if (!isFinal(transaction)) {
      if (decision === 'pay') lifecycle.paid(account, transaction);
      else if (decision === 'decline') lifecycle.move(account, transaction, 'rejected', 'done', declineReason);
      else return sendPage(reply, 400, 'Choose a button', '<p>Press Pay or Decline.</p>');
    }
    return finish(session, reply);
  }

  /** The page is used up; the payer goes back to the merchant (004's flows end on the merchant's site). */
  function finish(session: PageSession, reply: FastifyReply) {
    sessions.close(session.token);
    const { transaction } = session;
    if (transaction.returnUrl === null) {
      return sendPage(reply, 200, 'Thank you', `<p>Transaction <code>${escapeHtml(transaction.transactionId)}</code> is ${escapeHtml(transaction.status)}. You can close this window.</p>`);
    }
    return reply.code(303).header('location', returnLocation(transaction, transaction.returnUrl)).send();
  }
}

/** Modeled: the payer returns with the ids and the status in the query; merchants must not trust them. */
function returnLocation(transaction: Transaction, returnUrl: string): string {
  const url = new URL(returnUrl);
  url.searchParams.set('tracking_id', transaction.trackingId);
  url.searchParams.set('transaction_id', transaction.transactionId);
  url.searchParams.set('status', transaction.status);
  return url.href;
}

function cashierPage(session: PageSession, error?: string): [string, string] {
  const { transaction } = session;
  const payout = transaction.type === 'withdrawal';
  const providers = payout ? payoutProviders : depositProviders;
  let fields = `<label for="provider_id">${payout ? 'Payout method' : 'Payment method'}</label>${providerSelect(providers)}`;
  if (payout) {
    fields +=
      `<label for="account_holder">Account holder</label><input id="account_holder" name="account_holder" value="${escapeHtml(`${transaction.customer.first_name} ${transaction.customer.last_name}`)}">` +
      '<label for="account_number">Account number (IBAN)</label><input id="account_number" name="account_number" value="GB33BUKB20201555555555">';
  } else if (!transaction.amountRestricted) {
    fields += `<label for="amount">Amount (${escapeHtml(transaction.amount.currency)})</label><input id="amount" name="amount" value="${escapeHtml(formatAmount(transaction.amount))}">`;
  }
  const buttons = [
    { value: 'pay', label: payout ? 'Request payout' : 'Continue' },
    { value: 'decline', label: 'Cancel' },
  ];
  const body =
    summary(transaction) +
    (error ? `<p class="note"><strong>${escapeHtml(error)}</strong></p>` : '') +
    decisionForm(`${session.token}`, {}, buttons, `<div style="width:100%">${fields}</div>`);
  return [payout ? 'Cube Pay withdrawal' : 'Cube Pay cashier', body];
}

function decisionPage(session: PageSession, title: string, payLabel: string, declineLabel: string): [string, string] {
  const { transaction } = session;
  const card = transaction.card ? `<p class="note">Card ${escapeHtml(transaction.card.masked)} (${escapeHtml(transaction.card.brand)})</p>` : '';
  const provider = transaction.provider ? `<p class="note">Provider: ${escapeHtml(transaction.provider.label)}</p>` : '';
  const buttons = [
    { value: 'pay', label: payLabel },
    { value: 'decline', label: declineLabel },
  ];
  return [`Cube Pay ${title}`, summary(transaction) + provider + card + decisionForm(`${session.token}`, {}, buttons)];
}

function summary(transaction: Transaction): string {
  return (
    `<p class="amount">${escapeHtml(formatAmount(transaction.amount))} ${escapeHtml(transaction.amount.currency)}</p>` +
    `<p class="note">Reference <code>${escapeHtml(transaction.trackingId)}</code></p>`
  );
}

function providerSelect(providers: readonly Provider[]): string {
  const options = providers.map((p, i) => `<option value="${p.id}"${i === 0 ? ' selected' : ''}>${escapeHtml(p.label)}</option>`).join('');
  return `<select id="provider_id" name="provider_id">${options}</select>`;
}

function tokenOf(params: unknown): string {
  return (params as { token?: string }).token ?? '';
}

function formOf(body: unknown): Record<string, string | undefined> {
  return typeof body === 'object' && body !== null ? (body as Record<string, string | undefined>) : {};
}

function sendPage(reply: FastifyReply, status: number, title: string, body: string) {
  return reply.code(status).type('text/html; charset=utf-8').send(htmlPage(title, body));
}
