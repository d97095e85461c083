// Conformance driver for Cube Pay: its simulator's test data and back-office controls, as
// documented in simulators/cubepay/README.md.
import { createHash } from 'node:crypto';
import type { GatewayDriver, KnownTransaction, SimulatorClient, TransactionRequest } from '../driver.js';
import { pressThrough } from '../hosted-pages.js';

const customer = {
  id: 'cust-conformance-1',
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada@example.com',
  country_code: 'GB',
  ip: '203.0.113.7',
  dob: '10/12/1985',
  phone: { country: 'GB', number: 7834332520, prefix: 44 },
};

const request = (txnAmount: string, extra: Record<string, unknown> = {}): TransactionRequest => ({
  txnAmount,
  txnCurrency: 'EUR',
  executePayload: { body: { customer, ...extra } },
});

/** Test data: 4000 0000 0000 0002 is declined at once by the server-to-server card API. */
const decliningCard = {
  holder_name: 'Ada Lovelace',
  number: '4000000000000002',
  cvc: '123',
  exp_month: '12',
  exp_year: String(new Date().getUTCFullYear() + 3),
};

function pageOf(tx: KnownTransaction, sim: SimulatorClient): string {
  if (tx.navigationUrl === undefined) throw new Error(`transaction ${tx.id} has no Cube Pay page: ${JSON.stringify(tx.createResponse)}`);
  // Pages built on Cube Pay's real origin (the payout cashier) reach the payer through the
  // environment's host map, as the engine rewrites them outside production.
  if (!tx.navigationUrl.startsWith(`${sim.baseUrl}/`)) throw new Error(`Cube Pay page ${tx.navigationUrl} is not on the simulator ${sim.baseUrl}`);
  return tx.navigationUrl;
}

export const driver: GatewayDriver = {
  name: 'cubepay',
  targetId: 'ftg_01m7xp29ctm6hyfvykqfs4053n',
  actions: ['DEPOSIT', 'WITHDRAW'],
  partialRefunds: false,
  depositCreateRoute: 'POST /v1/checkout',
  withdrawalCreateRoute: 'POST /v1/withdrawals/cashier',
  refundRoute: undefined,

  async credential(sim) {
    const account = await sim.call<{ api_key: string; signature_password: string; provider_id: number; routing_id: number }>('POST', '/_sim/accounts', {});
    return {
      apiKey: account.api_key,
      signaturePassword: account.signature_password,
      providerId: account.provider_id,
      routingId: account.routing_id,
      testMode: true,
    };
  },

  depositRequest: () => request('25.00'),
  declinedDepositRequest: () => request('10.00', { card: decliningCard }),
  withdrawalRequest: () => request('40.00'),
  refundRequest: () => {
    throw new Error('Cube Pay has no refund (spec/004)');
  },

  // Checkout (and cashier, 3DS) pages: Pay or Decline, then back to the engine's redirect callback.
  async payer(tx, decision, sim) {
    await pressThrough(pageOf(tx, sim), decision);
  },

  // The back office marks the pending checkout successful, which sends the webhook.
  async settleDeposit(tx, sim) {
    await sim.call('POST', `/_sim/transactions/${encodeURIComponent(tx.id)}/settle`);
  },

  // The payer submits the payout page (the payout is then pending approval), and the merchant
  // approves it at Cube Pay; it becomes successful after the (scaled) processing delay.
  async settleWithdrawal(tx, sim) {
    await pressThrough(pageOf(tx, sim), 'pay');
    await sim.call('POST', `/_sim/transactions/${encodeURIComponent(tx.id)}/approve`);
  },

  settleRefund: async () => {
    throw new Error('Cube Pay has no refund (spec/004)');
  },

  forgedSuccessWebhook(tx) {
    const body = JSON.stringify({
      transaction_id: tx.pspTxnId ?? 'forgedtxn000001',
      user_id: customer.id,
      tracking_id: tx.id,
      status: 'successful',
      currency: tx.currency,
      amount: tx.amount,
      transaction_type: 'deposit',
      provider: 'simulator',
      rejected_reason: null,
    });
    const signature = createHash('sha1').update(`${body}spg_test_not_the_merchant_password`).digest('hex').toUpperCase();
    return { headers: { 'content-type': 'application/json', 'x-signature': signature }, body };
  },
};
