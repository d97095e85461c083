import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pressThrough } from '../../test/conformance/hosted-pages.js';
import { paymentRequest, startHarness, type Harness } from './test-harness.js';

describe('Cube Pay payouts (withdrawal cashier, approve, reject)', () => {
  let h: Harness;
  let account: Awaited<ReturnType<Harness['account']>>;
  before(async () => {
    h = await startHarness();
    account = await h.account();
  });
  after(() => h.close());

  const lookup = async (id: string) => (await h.api('GET', `/v1/transactions/${id}`, undefined, account.api_key)).body;
  const newPayout = async (overrides: Record<string, unknown> = {}) => {
    const body = paymentRequest(overrides);
    const created = await h.api('POST', '/v1/withdrawals/cashier', body, account.api_key);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.deepEqual(Object.keys(created.body), ['token']);
    return { trackingId: body.request.tracking_id as string, page: `${h.base}/cashier/${created.body.token}` };
  };
  const webhooksFor = async (trackingId: string) => {
    const view = await h.control('GET', `/_sim/transactions/${trackingId}`);
    return (await h.control('GET', `/_sim/webhooks?reference=${view.body.transaction_id}`)).body.map((w: { body: string }) => JSON.parse(w.body));
  };

  it('is initiated until the payer submits the payout page, then pending (notified) until approved', async () => {
    const payout = await newPayout();
    assert.equal((await lookup(payout.trackingId)).transaction_status, 'initiated');
    const approveEarly = await h.api('POST', '/v1/withdrawals/approve', { transaction_id: payout.trackingId }, account.api_key);
    assert.deepEqual(approveEarly.body, { code: 1076, message: "You can't change this transaction" });

    const page = await (await fetch(payout.page)).text();
    assert.match(page, /Bank payout \(simulator\)/);
    await pressThrough(payout.page, 'pay');
    assert.equal((await lookup(payout.trackingId)).transaction_status, 'pending');
    const [pendingHook] = await webhooksFor(payout.trackingId);
    assert.equal(pendingHook.status, 'pending');
    assert.equal(pendingHook.transaction_type, 'withdrawal');
    assert.equal(pendingHook.provider, 'simulator_payout');

    // 004: approve by the id the merchant got in the webhook.
    const approved = await h.api('POST', '/v1/withdrawals/approve', { transaction_id: pendingHook.transaction_id }, account.api_key);
    assert.deepEqual(approved.body, { message: 'Transaction Withdrawal has been approved successfully', transaction_status: 'pending' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await lookup(payout.trackingId)).transaction_status, 'successful');
    assert.deepEqual((await webhooksFor(payout.trackingId)).map((w: { status: string }) => w.status), ['pending', 'successful']);
    const again = await h.api('POST', '/v1/withdrawals/reject', { transaction_id: payout.trackingId }, account.api_key);
    assert.deepEqual(again.body, { code: 1129, message: "You can't cancel this transaction" });
  });

  it('reject makes a pending payout rejected, with a webhook', async () => {
    const payout = await newPayout();
    await pressThrough(payout.page, 'pay');
    const rejected = await h.api('POST', '/v1/withdrawals/reject', { transaction_id: payout.trackingId }, account.api_key);
    assert.deepEqual(rejected.body, { message: 'Withdrawal has been rejected successfully' });
    assert.deepEqual(await lookup(payout.trackingId), { transaction_status: 'rejected', rejected_reason: 'Rejected by merchant' });
    assert.deepEqual((await webhooksFor(payout.trackingId)).map((w: { status: string }) => w.status), ['pending', 'rejected']);
  });

  it('an approved payout of an amount ending in .51 is rejected by the provider', async () => {
    const payout = await newPayout({ amount: 80.51 });
    await pressThrough(payout.page, 'pay');
    await h.control('POST', `/_sim/transactions/${payout.trackingId}/approve`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(await lookup(payout.trackingId), { transaction_status: 'rejected', rejected_reason: 'Insufficient funds' });
  });

  it('the payer cancelling the payout page rejects it', async () => {
    const payout = await newPayout();
    await pressThrough(payout.page, 'decline');
    assert.deepEqual(await lookup(payout.trackingId), { transaction_status: 'rejected', rejected_reason: 'Cancelled by customer' });
  });

  it('answers 1021 without a transaction id and 1039 for one it does not know', async () => {
    assert.deepEqual((await h.api('POST', '/v1/withdrawals/approve', {}, account.api_key)).body, { code: 1021, message: 'Transaction ID is missing' });
    assert.deepEqual((await h.api('POST', '/v1/withdrawals/reject', { transaction_id: 'nope' }, account.api_key)).body, {
      code: 1039,
      message: 'Transaction ID does not exist',
    });
  });

  it('keeps only a masked payee account', async () => {
    const payout = await newPayout();
    await pressThrough(payout.page, 'pay', { fields: { account_number: 'DE89 3704 0044 0532 0130 00' } });
    const view = await h.control('GET', `/_sim/transactions/${payout.trackingId}`);
    assert.equal(view.body.payout_account, 'DE89****3000');
  });
});
