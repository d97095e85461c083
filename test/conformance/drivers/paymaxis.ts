// Conformance driver for Paymaxis: its sandbox test data and back-office controls, as documented
// in simulators/paymaxis/README.md.
import { createHmac } from 'node:crypto';
import type { GatewayDriver, KnownTransaction, SimulatorClient, TransactionRequest } from '../driver.js';
import { pressThrough } from '../hosted-pages.js';

const customer = {
  id: 'cust-conformance-1',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  phone: { countryCode: '49', phoneNumber: '1701234567' },
  address: { line1: 'Unter den Linden 1', city: 'Berlin', zipCode: '10117', country: 'DE' },
};

const request = (txnAmount: string): TransactionRequest => ({ txnAmount, txnCurrency: 'EUR', executePayload: { body: { customer } } });

/** The back office moves a payment and sends its webhook; a payment already there is left alone. */
async function complete(tx: KnownTransaction, sim: SimulatorClient): Promise<void> {
  if (tx.pspTxnId === null) throw new Error(`transaction ${tx.id} has no Paymaxis payment id to settle`);
  await sim.call('POST', `/_sim/payments/${encodeURIComponent(tx.pspTxnId)}/complete`);
}

export const driver: GatewayDriver = {
  name: 'paymaxis',
  targetId: 'ftg_01jwra8pvkfey9h1f71gsw1qsw',
  actions: ['DEPOSIT', 'WITHDRAW', 'REFUND'],
  partialRefunds: true,
  depositCreateRoute: 'POST /api/v1/payments',
  withdrawalCreateRoute: 'POST /api/v1/payments',
  refundRoute: 'POST /api/v1/payments',

  async credential(sim) {
    const shop = await sim.call<{ shopId: string; apiKey: string }>('POST', '/_sim/accounts');
    return { apiKey: shop.apiKey };
  },

  depositRequest: () => request('25.00'),
  // Test data: an amount ending in .02 is DECLINED when the payment is created.
  declinedDepositRequest: () => request('10.02'),
  // Test data: an amount ending in .13 keeps a payout PENDING until the back office completes it.
  withdrawalRequest: () => request('40.13'),
  refundRequest: (parent) => ({
    txnAmount: parent.amount,
    txnCurrency: parent.currency,
    executePayload: { body: { reason: 'conformance refund' } },
    parentTxnId: parent.id,
  }),

  async payer(tx, decision) {
    if (tx.navigationUrl === undefined) throw new Error(`transaction ${tx.id} has no checkout page`);
    await pressThrough(tx.navigationUrl, decision);
  },
  settleDeposit: complete,
  settleWithdrawal: complete,
  // Refunds are PENDING, then complete by themselves after a (scaled) while; completing now is
  // the same, and a no-op if it already happened.
  settleRefund: complete,

  forgedSuccessWebhook(tx) {
    const body = JSON.stringify({
      id: tx.pspTxnId,
      paymentType: 'DEPOSIT',
      paymentMethod: 'BASIC_CARD',
      state: 'COMPLETED',
      amount: Number(tx.amount),
      currency: tx.currency,
      referenceId: tx.id,
    });
    const signature = createHmac('sha256', 'not-the-shop-api-key').update(body).digest('hex');
    return { headers: { 'content-type': 'application/json', signature }, body };
  },
};
