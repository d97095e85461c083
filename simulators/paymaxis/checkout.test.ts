import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pressThrough } from '../../test/conformance/hosted-pages.js';
import { declinedCardNumber } from './test-data.js';
import { type RunningSimulator, call, depositBody, startSimulator } from './test-support.js';

type Envelope = { result: Record<string, unknown> };

describe('paymaxis simulator: hosted checkout', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  const deposit = async (extra: Record<string, unknown> = {}) =>
    (await sim.api<Envelope>('POST', '/api/v1/payments', { ...depositBody, referenceId: `ref-${Math.random()}`, ...extra })).body.result;
  const stateOf = async (id: unknown) => (await sim.api<Envelope>('GET', `/api/v1/payments/${String(id)}`)).body.result;

  it('pays with the pre-filled test card and sends the payer to returnUrl', async () => {
    const payment = await deposit();
    const visit = await pressThrough(String(payment.redirectUrl), 'pay');
    assert.equal(visit.url, depositBody.returnUrl);
    const paid = await stateOf(payment.id);
    assert.equal(paid.state, 'COMPLETED');
    assert.equal(paid.redirectUrl, undefined);
    assert.deepEqual(paid.paymentMethodDetails, {
      customerAccountNumber: '411111******1111',
      cardholderName: 'TEST CARDHOLDER',
      cardExpiryMonth: '12',
      cardExpiryYear: String(new Date().getUTCFullYear() + 3),
    });
  });

  it('declines when the payer presses Decline', async () => {
    const payment = await deposit();
    const visit = await pressThrough(String(payment.redirectUrl), 'decline');
    assert.equal(visit.url, depositBody.returnUrl);
    const declined = await stateOf(payment.id);
    assert.equal(declined.state, 'DECLINED');
    assert.equal(declined.errorCode, 'PAYER_DECLINED');
  });

  it('declines the issuer-declined test card', async () => {
    const payment = await deposit();
    await pressThrough(String(payment.redirectUrl), 'pay', { fields: { cardNumber: declinedCardNumber } });
    const declined = await stateOf(payment.id);
    assert.equal(declined.state, 'DECLINED');
    assert.equal(declined.errorCode, 'CARD_DECLINED');
  });

  it('keeps an amount ending in .13 PENDING after the payer pays, until the back office settles it', async () => {
    const payment = await deposit({ amount: 20.13 });
    await pressThrough(String(payment.redirectUrl), 'pay');
    assert.equal((await stateOf(payment.id)).state, 'PENDING');
    const settled = await call<{ moved: boolean; result: Envelope['result'] }>(`${sim.baseUrl}/_sim/payments/${String(payment.id)}/complete`, 'POST');
    assert.equal(settled.body.result.state, 'COMPLETED');
  });

  it('shows the form again with the problem when the card is not valid', async () => {
    const payment = await deposit();
    const form = new URLSearchParams({ decision: 'pay', cardholderName: 'A', cardNumber: '4111111111111112', expiryMonth: '12', expiryYear: '2099', cvv: '123' });
    const answer = await fetch(String(payment.redirectUrl), { method: 'POST', body: form, redirect: 'manual' });
    assert.equal(answer.status, 422);
    assert.match(await answer.text(), /The card number is not valid\./);
    assert.equal((await stateOf(payment.id)).state, 'CHECKOUT');
  });

  it('ends on a result page when there is no returnUrl, and a second submit changes nothing', async () => {
    const payment = await deposit({ returnUrl: undefined });
    const visit = await pressThrough(String(payment.redirectUrl), 'pay');
    assert.equal(visit.url, `${String(payment.redirectUrl)}/result`);
    assert.match(visit.body, /is <strong>COMPLETED<\/strong>/);
    const again = await fetch(String(payment.redirectUrl), { method: 'POST', body: new URLSearchParams({ decision: 'decline' }), redirect: 'manual' });
    assert.equal(again.status, 303);
    assert.equal((await stateOf(payment.id)).state, 'COMPLETED');
    const page = await (await fetch(String(payment.redirectUrl))).text();
    assert.doesNotMatch(page, /name="decision"/);
  });

  it('escapes what the merchant sent, and has no page for withdrawals or unknown ids', async () => {
    const payment = await deposit({ description: '<script>alert(1)</script>' });
    const page = await (await fetch(String(payment.redirectUrl))).text();
    assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    const payout = (await sim.api<Envelope>('POST', '/api/v1/payments', { paymentType: 'WITHDRAWAL', amount: 5, currency: 'EUR', customer: { referenceId: 'c' } })).body.result;
    assert.equal((await fetch(`${sim.baseUrl}/checkout/${String(payout.id)}`)).status, 404);
    assert.equal((await fetch(`${sim.baseUrl}/checkout/nope`)).status, 404);
  });
});
