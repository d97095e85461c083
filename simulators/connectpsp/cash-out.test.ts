import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Merchant, startSimulator, testCpf, webhookReceiver, type RunningSimulator } from './test-support.js';

type CashOutBody = { transactionId: string; status: string; amount: number; endToEndId: string | null; failure: { code: string } | null; code?: string };
type Balance = { consolidated: { totalBalance: number; transactionalBalance: number; proprietaryBalance: number }; banks: { accounts: { transactional: { balance: number } } }[] };

function cashOutBody(overrides: Record<string, unknown> = {}, destination: Record<string, unknown> = { type: 'PIX', pixKeyType: 'EMAIL', pixKey: 'joao@example.com' }) {
  return {
    amount: 100,
    externalReference: `payout-${randomUUID()}`,
    payee: { name: 'João Souza', document: testCpf, destination },
    ...overrides,
  };
}

describe('connectpsp simulator: cash-out, balance and rebalance', () => {
  let sim: RunningSimulator;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  before(async () => {
    sim = await startSimulator();
    receiver = await webhookReceiver();
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  const newMerchant = async (options: Record<string, unknown> = { cashOutSettlement: 'manual' }) => new Merchant(sim, await sim.newAccount(options));
  const send = (merchant: Merchant, body: unknown, key: string | null = randomUUID()) =>
    merchant.call<CashOutBody>('POST', '/cash-out', body, key === null ? {} : { 'x-idempotency-key': key }, true);
  const balance = async (merchant: Merchant) => (await merchant.call<Balance>('GET', '/account/balance')).body;

  it('accepts a cash-out with 202 PROCESSING and reserves the amount', async () => {
    const merchant = await newMerchant({ cashOutSettlement: 'manual', transactionalBalance: 500, proprietaryBalance: 1000 });
    const answer = await send(merchant, cashOutBody({ amount: 120.25, webhookUrl: receiver.url }));
    assert.equal(answer.status, 202);
    assert.equal(answer.body.status, 'PROCESSING');
    assert.equal(answer.body.amount, 120.25);
    const after = await balance(merchant);
    assert.deepEqual(after.consolidated, { totalBalance: 1379.75, transactionalBalance: 379.75, proprietaryBalance: 1000 });
    assert.equal(after.banks[0]!.accounts.transactional.balance, 379.75);
  });

  it('needs an X-Idempotency-Key, and replays the original response for a repeated one', async () => {
    const merchant = await newMerchant();
    const missing = await send(merchant, cashOutBody(), null);
    assert.deepEqual([missing.status, missing.body.code], [400, 'VALIDATION_ERROR']);
    const key = randomUUID();
    const body = cashOutBody();
    const first = await send(merchant, body, key);
    const second = await send(merchant, body, key);
    assert.deepEqual(second.body, first.body);
    const duplicate = await send(merchant, body);
    assert.deepEqual([duplicate.status, duplicate.body.code], [409, 'DUPLICATE_EXTERNAL_REFERENCE']);
  });

  it('refuses more than the transactional balance with INSUFFICIENT_FUNDS', async () => {
    const merchant = await newMerchant({ transactionalBalance: 50 });
    const answer = await send(merchant, cashOutBody({ amount: 50.01 }));
    assert.deepEqual([answer.status, answer.body.code], [422, 'INSUFFICIENT_FUNDS']);
    assert.equal((await send(merchant, cashOutBody({ amount: 50 }))).status, 202);
  });

  it('validates the destination: PIX key formats and bank accounts', async () => {
    const merchant = await newMerchant();
    const bad = [
      { type: 'PIX', pixKeyType: 'EMAIL', pixKey: 'not-an-email' },
      { type: 'PIX', pixKeyType: 'PHONE', pixKey: '11999999999' },
      { type: 'PIX', pixKeyType: 'CPF', pixKey: '12345678900' },
      { type: 'BANK_ACCOUNT', bankAccount: { ispb: '123', branch: '0001', account: '12345-6', accountType: 'PAYMENT' } },
      { type: 'IBAN' },
    ];
    for (const destination of bad) assert.equal((await send(merchant, cashOutBody({}, destination))).status, 400, JSON.stringify(destination));
    const good = [
      { type: 'PIX', pixKeyType: 'PHONE', pixKey: '+5511999999999' },
      { type: 'PIX', pixKeyType: 'EVP', pixKey: randomUUID() },
      { type: 'BANK_ACCOUNT', bankAccount: { ispb: '00000000', branch: '0001', account: '12345-6', accountType: 'PAYMENT' } },
    ];
    for (const destination of good) assert.equal((await send(merchant, cashOutBody({}, destination))).status, 202, JSON.stringify(destination));
  });

  it('settles by itself on an auto account: COMPLETED with a signed CASHOUT_COMPLETED', async () => {
    const merchant = await newMerchant({ cashOutSettlement: 'auto' });
    const { body } = await send(merchant, cashOutBody({ webhookUrl: receiver.url }));
    const webhooks = await receiver.waitFor(1);
    const webhook = webhooks.find((w) => w.body.includes(body.transactionId))!;
    const event = JSON.parse(webhook.body) as { eventType: string; data: CashOutBody };
    assert.equal(event.eventType, 'CASHOUT_COMPLETED');
    assert.match(event.data.endToEndId ?? '', /^E13935893/);
    assert.equal(webhook.headers['x-connect-signature'], createHmac('sha256', merchant.credentials.cryptoToken).update(webhook.body).digest('hex'));
    assert.equal((await merchant.call<CashOutBody>('GET', `/cash-out/${body.transactionId}`)).body.status, 'COMPLETED');
  });

  it('fails with PIX_KEY_NOT_FOUND for the test key, and gives the money back', async () => {
    const merchant = await newMerchant({ cashOutSettlement: 'manual', transactionalBalance: 100 });
    const { body } = await send(merchant, cashOutBody({ amount: 100 }, { type: 'PIX', pixKeyType: 'EMAIL', pixKey: 'notfound@connectpsp.test' }));
    assert.equal((await balance(merchant)).consolidated.transactionalBalance, 0);
    assert.equal((await sim.call('POST', `/_sim/cash-out/${body.transactionId}/settle`)).status, 200);
    const failed = (await merchant.call<CashOutBody>('GET', `/cash-out/${body.transactionId}`)).body;
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.failure?.code, 'PIX_KEY_NOT_FOUND');
    assert.equal((await balance(merchant)).consolidated.transactionalBalance, 100);
  });

  it('controls complete, fail and return a cash-out, each once', async () => {
    const merchant = await newMerchant();
    const one = (await send(merchant, cashOutBody())).body;
    assert.equal((await sim.call('POST', `/_sim/cash-out/${one.transactionId}/complete`)).status, 200);
    assert.equal((await sim.call('POST', `/_sim/cash-out/${one.transactionId}/complete`)).status, 409);
    assert.equal((await sim.call<CashOutBody>('POST', `/_sim/cash-out/${one.transactionId}/return`)).body.status, 'REFUNDED');
    const two = (await send(merchant, cashOutBody())).body;
    const failed = await sim.call<CashOutBody>('POST', `/_sim/cash-out/${two.transactionId}/fail`, { code: 'ACCOUNT_CLOSED', message: 'closed' });
    assert.deepEqual([failed.body.status, failed.body.failure?.code], ['FAILED', 'ACCOUNT_CLOSED']);
  });

  it('rebalances between the proprietary and transactional accounts', async () => {
    const merchant = await newMerchant({ transactionalBalance: 100, proprietaryBalance: 1000 });
    const rebalance = (targetAmount: unknown) =>
      merchant.call<{ success: boolean; message: string; code?: string }>('POST', '/account/rebalance', { targetAmount }, {}, true);
    const up = await rebalance(600);
    assert.equal(up.body.success, true);
    assert.deepEqual((await balance(merchant)).consolidated, { totalBalance: 1100, transactionalBalance: 600, proprietaryBalance: 500 });
    await rebalance(0);
    assert.deepEqual((await balance(merchant)).consolidated, { totalBalance: 1100, transactionalBalance: 0, proprietaryBalance: 1100 });
    const tooMuch = await rebalance(1100.01);
    assert.deepEqual([tooMuch.status, tooMuch.body.code], [422, 'INSUFFICIENT_FUNDS']);
  });
});
