import type { FastifyInstance, FastifyReply } from 'fastify';
import { decisionForm, escapeHtml, htmlPage } from '../kit/html.js';
import { cancelCashIn, payCashIn, refreshCashIn, type BankData, type CashIn, type Change } from './cash-in.js';
import type { Gateway } from './gateway.js';
import { displayBrl, wireAmount } from './money.js';

/**
 * Where a person acts, as plain HTML forms:
 *   - `/bank-app`: the payer's own bank app (simulated), where a "Pix Copia e Cola" code is pasted
 *     and paid. Pay settles the charge (CASHIN_PAID); Decline leaves it AWAITING_PAYMENT, as
 *     closing a real bank app would, until it is paid later or expires. PIX has no return URL,
 *     so the last page is the bank's receipt.
 *   - `/open-finance/:token`: the OpenFinance consent page behind `paymentUrl`. Pay settles the
 *     charge; Decline cancels it (CANCELLED, modeled). Either way the payer is sent back to the
 *     cash-in's `openFinance.redirectUrl`.
 *   - `/pix/:txid`: the payload location the BR Code names (modeled as JSON; the real one is a JWS).
 */

/** The simulated payer's bank. Its account numbers come from the payer's document so they stay stable. */
function payerBank(cashIn: CashIn): BankData {
  const digits = cashIn.payer.document;
  return { ispb: '00000000', bank: 'Banco do Brasil S.A.', branch: digits.slice(0, 4), account: `${digits.slice(4, 10)}-${digits.slice(10, 11) || '0'}` };
}

function html(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(htmlPage(title, body));
}

function chargeSummary(cashIn: CashIn): string {
  return `<p>Pay to <strong>${escapeHtml(cashIn.account.merchantName)}</strong></p>
<p class="amount">${escapeHtml(displayBrl(cashIn.cents))}</p>
<p class="note">Payer: ${escapeHtml(cashIn.payer.name)} · charge ${escapeHtml(cashIn.internalCode)} · status ${escapeHtml(cashIn.status)}</p>`;
}

const statusSentence: Record<CashIn['status'], string> = {
  AWAITING_PAYMENT: 'This charge is waiting for payment.',
  PAID: 'This charge has already been paid.',
  EXPIRED: 'This charge has expired and can no longer be paid.',
  REFUNDED: 'This charge was paid and then refunded.',
  CANCELLED: 'This charge was cancelled.',
};

const fieldOf = (body: unknown, name: string): string => {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value.trim() : '';
};

export function registerPages(app: FastifyInstance, g: Gateway): void {
  const pasteForm = (code: string): string =>
    decisionForm(`${g.publicBaseUrl}/bank-app`, {}, undefined, `<label for="code">Pix Copia e Cola</label><input id="code" name="code" type="text" value="${escapeHtml(code)}" autocomplete="off">`);

  app.get('/bank-app', async (request, reply) => {
    const code = fieldOf(request.query, 'code');
    if (code === '') return html(reply, 200, 'Your bank · Pix', `<p>Paste the Pix Copia e Cola code to pay.</p>${pasteForm('')}`);
    const cashIn = g.ledger.cashIn(code);
    if (cashIn === undefined) return html(reply, 404, 'Your bank · Pix', `<p>No Pix charge matches this code.</p>${pasteForm(code)}`);
    refreshCashIn(g, cashIn);
    const actions = cashIn.status === 'AWAITING_PAYMENT' ? decisionForm(`${g.publicBaseUrl}/bank-app`, { code }) : `<p>${statusSentence[cashIn.status]}</p>`;
    return html(reply, 200, 'Your bank · Confirm Pix', `${chargeSummary(cashIn)}${actions}`);
  });

  app.post('/bank-app', async (request, reply) => {
    const code = fieldOf(request.body, 'code');
    const decision = fieldOf(request.body, 'decision');
    const cashIn = g.ledger.cashIn(code);
    if (cashIn === undefined) return html(reply, 404, 'Your bank · Pix', `<p>No Pix charge matches this code.</p>${pasteForm(code)}`);
    if (decision !== 'pay' && decision !== 'decline') return html(reply, 400, 'Your bank · Pix', '<p>Choose Pay or Decline.</p>');
    if (decision === 'pay') {
      const change = payCashIn(g, cashIn, payerBank(cashIn));
      if (!change.ok) return html(reply, 409, 'Your bank · Pix not sent', `${chargeSummary(cashIn)}<p>${statusSentence[change.status]}</p>`);
    }
    return reply.code(303).header('location', `${g.publicBaseUrl}/bank-app/receipt/${cashIn.pixTxid}?decision=${decision}`).send();
  });

  app.get('/bank-app/receipt/:txid', async (request, reply) => {
    const cashIn = g.ledger.cashIn((request.params as { txid: string }).txid);
    if (cashIn === undefined) return html(reply, 404, 'Your bank · Pix', '<p>No such receipt.</p>');
    refreshCashIn(g, cashIn);
    const declined = fieldOf(request.query, 'decision') === 'decline';
    const text = declined
      ? `<p>You did not pay. ${statusSentence[cashIn.status]}</p>`
      : `<p>Pix sent. End-to-end id <code>${escapeHtml(cashIn.endToEndId ?? '')}</code>.</p><p>You can close this app.</p>`;
    return html(reply, 200, declined ? 'Your bank · Pix not paid' : 'Your bank · Pix paid', `${chargeSummary(cashIn)}${text}`);
  });

  app.get('/open-finance/:token', async (request, reply) => {
    const cashIn = g.ledger.cashIn((request.params as { token: string }).token);
    if (cashIn?.openFinance === undefined) return html(reply, 404, 'Open Finance', '<p>No such payment request.</p>');
    refreshCashIn(g, cashIn);
    const actions =
      cashIn.status === 'AWAITING_PAYMENT'
        ? `<p>Authorize this Pix payment from your account at ${escapeHtml(payerBank(cashIn).bank)}?</p>${decisionForm(cashIn.openFinance.paymentUrl)}`
        : `<p>${statusSentence[cashIn.status]}</p>`;
    return html(reply, 200, 'Open Finance · Authorize payment', `${chargeSummary(cashIn)}${actions}`);
  });

  app.post('/open-finance/:token', async (request, reply) => {
    const cashIn = g.ledger.cashIn((request.params as { token: string }).token);
    if (cashIn?.openFinance === undefined) return html(reply, 404, 'Open Finance', '<p>No such payment request.</p>');
    const decision = fieldOf(request.body, 'decision');
    let change: Change;
    if (decision === 'pay') change = payCashIn(g, cashIn, payerBank(cashIn));
    else if (decision === 'decline') change = cancelCashIn(g, cashIn);
    else return html(reply, 400, 'Open Finance', '<p>Choose Pay or Decline.</p>');
    const { redirectUrl } = cashIn.openFinance;
    if (redirectUrl === undefined) {
      const text = change.ok ? statusSentence[cashIn.status] : `Nothing changed. ${statusSentence[change.status]}`;
      return html(reply, change.ok ? 200 : 409, 'Open Finance · Done', `${chargeSummary(cashIn)}<p>${escapeHtml(text)}</p>`);
    }
    // Back to the merchant either way; the return proves nothing, the merchant asks GET /cash-in.
    const back = new URL(redirectUrl);
    back.searchParams.set('transactionId', cashIn.transactionId);
    back.searchParams.set('status', cashIn.status);
    return reply.code(303).header('location', back.href).send();
  });

  app.get('/pix/:txid', async (request, reply) => {
    const cashIn = g.ledger.cashIn((request.params as { txid: string }).txid);
    if (cashIn === undefined) return reply.code(404).send({ error: 'no such charge' });
    refreshCashIn(g, cashIn);
    return {
      txid: cashIn.pixTxid,
      status: cashIn.status === 'AWAITING_PAYMENT' ? 'ATIVA' : 'CONCLUIDA',
      valor: { original: wireAmount(cashIn.cents) },
      recebedor: { nome: cashIn.account.merchantName },
      devedor: { nome: cashIn.payer.name },
      calendario: { criacao: cashIn.requestedAt, expiracao: cashIn.expirationInMinutes * 60 },
    };
  });
}
