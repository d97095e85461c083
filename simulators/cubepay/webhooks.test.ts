import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pressThrough } from '../../test/conformance/hosted-pages.js';
import { startHarness, paymentRequest, type Harness } from './test-harness.js';
import { maxAttempts, retryEveryMs, signBody, signWebhook } from './webhooks.js';

describe('Cube Pay webhook signature', () => {
  it('reproduces the test vector of spec/004', () => {
    const payload = {
      transaction_id: 'r21nmrtpcmrcava',
      user_id: '1111222',
      tracking_id: 'b8f04416-116a-11ed-861d-0242ac120002',
      status: 'rejected',
      currency: 'GBP',
      amount: '200.00',
      transaction_type: 'withdrawal',
    };
    const password = 'spg_test_companyxxxxQyGAheyMqcHVmp8ZMQtkYcev27sCu7RF';
    assert.equal(signWebhook(payload, password), '5FDDA8F46411C132DCFBEE53C39BA06298CB48BC');
    assert.equal(signBody(JSON.stringify(payload), password), '5FDDA8F46411C132DCFBEE53C39BA06298CB48BC');
  });

  it('retries every 5 minutes, 15 attempts at most', () => {
    assert.equal(retryEveryMs, 300_000);
    assert.equal(maxAttempts, 15);
  });
});

describe('Cube Pay webhooks delivered to a real receiver', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('sends the signed body of 004 once the payer pays, exactly as JSON.stringify of the payload', async () => {
    const account = await h.account();
    const start = h.receiver.received.length;
    const body = paymentRequest({ provider_id: account.provider_id, amount: 200 });
    const created = await h.api('POST', '/v1/checkout', body, account.api_key);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    await pressThrough(created.body.url, 'pay');
    const [webhook] = (await h.receiver.waitFor(start + 1)).slice(start);
    assert.equal(webhook!.headers['content-type'], 'application/json');
    const payload = JSON.parse(webhook!.body);
    assert.deepEqual(payload, {
      transaction_id: created.body.transaction_id,
      user_id: '128',
      tracking_id: body.request.tracking_id,
      status: 'successful',
      currency: 'EUR',
      amount: '200.00',
      transaction_type: 'deposit',
      provider: 'simulator',
      rejected_reason: null,
    });
    assert.equal(webhook!.body, JSON.stringify(payload));
    assert.equal(webhook!.headers['x-signature'], signBody(webhook!.body, account.signature_password));
    assert.match(String(webhook!.headers['x-signature']), /^[0-9A-F]{40}$/);
  });

  it('retries a refused delivery on the scaled 5-minute schedule until the receiver answers 2xx', async () => {
    const account = await h.account();
    const start = h.receiver.received.length;
    h.receiver.failNext(2, 503);
    const created = await h.api('POST', '/v1/checkout', paymentRequest({ provider_id: account.provider_id }), account.api_key);
    await h.control('POST', `/_sim/transactions/${created.body.transaction_id}/settle`);
    await h.receiver.waitFor(start + 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [record] = (await h.control('GET', `/_sim/webhooks?reference=${created.body.transaction_id}`)).body;
    assert.deepEqual(record.attempts.map((a: { status: number }) => a.status), [503, 503, 200]);
    assert.equal(record.delivered, true);
    assert.equal(h.receiver.received.length, start + 3, 'no attempt after the 200');
  });

  it('gives up after 15 attempts', async () => {
    const account = await h.account();
    const start = h.receiver.received.length;
    h.receiver.failNext(100, 500);
    const created = await h.api('POST', '/v1/checkout', paymentRequest({ provider_id: account.provider_id }), account.api_key);
    await h.control('POST', `/_sim/transactions/${created.body.transaction_id}/fail`, { reason: 'Insufficient funds' });
    await h.receiver.waitFor(start + 15);
    await new Promise((resolve) => setTimeout(resolve, 150));
    h.receiver.failNext(0);
    const [record] = (await h.control('GET', `/_sim/webhooks?reference=${created.body.transaction_id}`)).body;
    assert.equal(record.attempts.length, 15);
    assert.equal(record.abandoned, true);
    assert.equal(JSON.parse(record.body).rejected_reason, 'Insufficient funds');
  });

  it('drops, duplicates and resends webhooks as the fault plan and the control API ask', async () => {
    const account = await h.account();
    await h.control('PUT', '/_sim/faults', { webhooks: [{ fault: 'drop' }] });
    const first = await h.api('POST', '/v1/checkout', paymentRequest({ provider_id: account.provider_id }), account.api_key);
    await h.control('POST', `/_sim/transactions/${first.body.transaction_id}/settle`);
    const [dropped] = (await h.control('GET', `/_sim/webhooks?reference=${first.body.transaction_id}`)).body;
    assert.equal(dropped.abandoned, true);
    assert.equal(dropped.attempts.length, 0);

    const start = h.receiver.received.length;
    await h.control('PUT', '/_sim/faults', { webhooks: [{ fault: 'duplicate' }] });
    const second = await h.api('POST', '/v1/checkout', paymentRequest({ provider_id: account.provider_id }), account.api_key);
    await h.control('POST', `/_sim/transactions/${second.body.transaction_id}/settle`);
    const twice = (await h.receiver.waitFor(start + 2)).slice(start);
    assert.equal(twice[0]!.body, twice[1]!.body);

    const resent = await h.control('POST', `/_sim/webhooks/${dropped.id}/resend`);
    assert.equal(resent.status, 200);
    const [late] = (await h.receiver.waitFor(start + 3)).slice(start + 2);
    assert.equal(JSON.parse(late!.body).transaction_id, first.body.transaction_id);
    assert.equal(late!.headers['x-signature'], signBody(late!.body, account.signature_password));
  });
});
