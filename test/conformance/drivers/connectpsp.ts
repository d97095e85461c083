/**
 * ConnectPSP through its simulator (simulators/connectpsp/README.md): a fresh application per run
 * whose cash-outs wait for the back office, deposits through the OpenFinance link, and the
 * README's test data (a CPF with wrong verifier digits is refused at creation).
 *
 * Why OpenFinance: the suite's payer must be able to decline and have the deposit end. A plain
 * PIX charge that the payer does not pay simply stays open until it expires, and ConnectPSP sends
 * no event for an expiry (only a status lookup sees it), whereas a declined OpenFinance consent
 * cancels the charge and returns the payer to the engine, whose redirect step looks it up. The
 * BR Code path is still handled below (bank-app page) for anyone driving a plain PIX deposit.
 */
import { randomUUID } from 'node:crypto';
import { invalidCpf, validCpf } from '../../../simulators/connectpsp/test-data.js';
import { webhookSignature } from '../../../simulators/connectpsp/webhooks.js';
import type { GatewayDriver, KnownTransaction, TransactionRequest } from '../driver.js';
import { pressThrough } from '../hosted-pages.js';

const customer = { id: 'cust_conformance_001', name: 'Maria da Silva', document: validCpf };

const deposit = (payer = customer): TransactionRequest => ({
  txnAmount: '150.50',
  txnCurrency: 'BRL',
  executePayload: { body: { customer: payer, openFinance: true } },
});

function pspIdOf(tx: KnownTransaction): string {
  if (tx.pspTxnId === null) throw new Error(`transaction ${tx.id} has no ConnectPSP transactionId`);
  return encodeURIComponent(tx.pspTxnId);
}

/** The "Pix Copia e Cola" text from the connector's html navigation (its textarea #pix-copy-and-paste). */
function pixCodeOf(tx: KnownTransaction): string {
  const navigation = (tx.createResponse.data as { data?: { navigation?: { value?: string } } } | undefined)?.data?.navigation;
  const match = /<textarea id="pix-copy-and-paste"[^>]*>([^<]*)<\/textarea>/.exec(navigation?.value ?? '');
  if (match === null) throw new Error(`deposit ${tx.id} has neither a pay link nor a PIX code`);
  return match[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export const driver: GatewayDriver = {
  name: 'connectpsp',
  targetId: 'ftg_01m7xp29ckthhgg83nqzk5zw83',
  actions: ['DEPOSIT', 'WITHDRAW', 'REFUND'],
  partialRefunds: false,
  depositCreateRoute: 'POST /cash-in',
  withdrawalCreateRoute: 'POST /cash-out',
  refundRoute: 'POST /cash-in/:id/refund',

  async credential(sim) {
    // manual: a cash-out waits for /_sim/cash-out/:id/complete instead of settling by itself.
    const account = await sim.call<Record<string, string>>('POST', '/_sim/accounts', { cashOutSettlement: 'manual' });
    return { clientId: account.clientId, clientSecret: account.clientSecret, applicationToken: account.applicationToken, cryptoToken: account.cryptoToken };
  },

  depositRequest: () => deposit(),
  declinedDepositRequest: () => deposit({ ...customer, document: invalidCpf }),
  withdrawalRequest(): TransactionRequest {
    return {
      txnAmount: '75.25',
      txnCurrency: 'BRL',
      executePayload: { body: { customer, destination: { type: 'PIX', pixKeyType: 'EMAIL', pixKey: 'maria@example.com' } } },
    };
  },
  refundRequest(parent): TransactionRequest {
    return { txnAmount: parent.amount, txnCurrency: parent.currency, executePayload: { body: { reason: 'CUSTOMER_REQUEST' } }, parentTxnId: parent.id };
  },

  async payer(tx, decision, sim) {
    if (tx.navigationUrl !== undefined) {
      // OpenFinance consent: Pay settles, Decline cancels; both return the payer to the engine.
      await pressThrough(tx.navigationUrl, decision);
      return;
    }
    // A plain PIX charge: the payer's bank app. Declining leaves it open, so the back office then
    // expires it (which only a status lookup, not a webhook, reports to the engine).
    await pressThrough(`${sim.baseUrl}/bank-app?code=${encodeURIComponent(pixCodeOf(tx))}`, decision);
    if (decision === 'decline') await sim.call('POST', `/_sim/cash-in/${pspIdOf(tx)}/expire`);
  },
  async settleDeposit(tx, sim) {
    await sim.call('POST', `/_sim/cash-in/${pspIdOf(tx)}/pay`);
  },
  async settleWithdrawal(tx, sim) {
    await sim.call('POST', `/_sim/cash-out/${pspIdOf(tx)}/complete`);
  },
  // ConnectPSP refunds synchronously: the refund's 202 already made it SUCCESS.
  async settleRefund() {},

  forgedSuccessWebhook(tx) {
    const body = JSON.stringify({
      eventType: 'CASHIN_PAID',
      eventAt: new Date().toISOString(),
      data: {
        transactionId: tx.pspTxnId,
        externalReference: tx.id,
        status: 'PAID',
        amount: Number(tx.amount),
        endToEndId: 'E00000000202501011200ABCDEFGHIJK',
        paidAt: new Date().toISOString(),
      },
    });
    return {
      headers: { 'content-type': 'application/json', 'x-event-id': randomUUID(), 'x-connect-signature': webhookSignature('not-the-crypto-token', body) },
      body,
    };
  },
};
