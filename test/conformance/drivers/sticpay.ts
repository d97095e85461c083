/**
 * Sticpay through its simulator (simulators/sticpay/README.md): a fresh merchant per run, the
 * hosted pay page for the payer, the back office's approve for settling, and the README's test
 * amounts (x.02 refused at creation, x.13 held until approved).
 */
import { callbackBody } from '../../../simulators/sticpay/callbacks.js';
import type { GatewayDriver, KnownTransaction, SimulatorClient, TransactionRequest } from '../driver.js';
import { pressThrough } from '../hosted-pages.js';

const customer = { id: 'cust_conformance_001' };

/** The back office settling a pending payment or payout by its order number (our transaction id). */
async function approve(tx: KnownTransaction, sim: SimulatorClient): Promise<void> {
  await sim.call('POST', `/_sim/transactions/${encodeURIComponent(tx.id)}/approve`);
}

export const driver: GatewayDriver = {
  name: 'sticpay',
  targetId: 'ftg_01jt2ctt8veh48mkpcx2bdeatz',
  actions: ['DEPOSIT', 'WITHDRAW', 'REFUND'],
  partialRefunds: false,
  depositCreateRoute: 'POST /rest_pay/pay',
  withdrawalCreateRoute: 'POST /rest_withdraw/withdraw',
  refundRoute: 'POST /rest_withdraw/refund',

  async credential(sim) {
    const account = await sim.call<{ merchantEmail: string; apiKey: string; signType: string }>('POST', '/_sim/accounts', {});
    return { merchantEmail: account.merchantEmail, apiKey: account.apiKey, signType: account.signType };
  },

  depositRequest(): TransactionRequest {
    return { txnAmount: '25.00', txnCurrency: 'USD', executePayload: { body: { customer } } };
  },
  declinedDepositRequest(): TransactionRequest {
    // x.02: the simulator's risk decline at creation (code 1200).
    return { txnAmount: '10.02', txnCurrency: 'USD', executePayload: { body: { customer } } };
  },
  withdrawalRequest(): TransactionRequest {
    // x.13: the payout stays pending until the back office settles it.
    return {
      txnAmount: '15.13',
      txnCurrency: 'USD',
      executePayload: { body: { customer: { ...customer, email: 'payee@sticpay.example' } } },
    };
  },
  refundRequest(parent): TransactionRequest {
    return { txnAmount: parent.amount, txnCurrency: parent.currency, executePayload: { body: {} }, parentTxnId: parent.id };
  },

  async payer(tx, decision) {
    if (tx.navigationUrl === undefined) throw new Error(`deposit ${tx.id} has no pay link`);
    await pressThrough(tx.navigationUrl, decision);
  },
  settleDeposit: approve,
  settleWithdrawal: approve,
  // Refunds are settled in the refund answer itself.
  async settleRefund() {},

  forgedSuccessWebhook(tx) {
    const values = {
      merchant_email: 'merchant@sticpay.example',
      order_no: tx.id,
      order_time: new Date().toISOString().slice(0, 19).replace('T', ' '),
      order_amount: tx.amount,
      order_currency: tx.currency,
      transaction_code: 'ST0000000000000001',
      status: 'approved',
    };
    return {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: callbackBody('pay', values, { apiKey: 'not-the-merchant-key', signType: 'MD5' }, 'Payment approved'),
    };
  },
};
