import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callbackBody } from './callbacks.js';
import { callbackFieldOrder, sign } from './signing.js';
import {
  detailFields,
  eventually,
  payFields,
  readCallback,
  startReceiver,
  startSimulator,
  withdrawFields,
  type Merchant,
  type Receiver,
  type RunningSimulator,
} from './test-helpers.js';

let order = 0;
const nextOrder = () => `page-${process.pid}-${(order += 1)}`;

/** As a browser would: read the page's form, send its fields with the pressed button's decision. */
async function press(link: string, decision: 'pay' | 'decline', extra: Record<string, string> = {}): Promise<Response> {
  const html = await (await fetch(link)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  assert.ok(action, 'the page has a form');
  const fields: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) fields[name!] = value!;
  assert.match(html, new RegExp(`<button type="submit" name="decision" value="${decision}">`));
  return fetch(action.replace(/&amp;/g, '&'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, ...extra, decision }).toString(),
    redirect: 'manual',
  });
}

describe('sticpay pay page and callbacks', () => {
  let sim: RunningSimulator;
  let merchant: Merchant;
  let receiver: Receiver;
  const returnUrl = 'http://127.0.0.1:9/back?session=1';
  before(async () => {
    sim = await startSimulator();
    merchant = await sim.newMerchant();
    receiver = await startReceiver();
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  const create = async (amount: string) => {
    const orderNo = nextOrder();
    const res = await sim.post('/rest_pay/pay', payFields(merchant, orderNo, amount, { notify: receiver.url, return: returnUrl }));
    assert.equal(res.body.success, true);
    return { orderNo, link: String(res.body.link) };
  };
  const status = async (orderNo: string) =>
    (await sim.post('/rest_transaction/detail', detailFields(merchant, { order_id: orderNo }))).body.status;
  const callbacksFor = (orderNo: string) => receiver.received.map((r) => readCallback(r.body)).filter((c) => c.parameters.order_no === orderNo || c.parameters.order_id === orderNo);

  it('Pay approves, sends the payer back with 303, and posts a signed callback', async () => {
    const { orderNo, link } = await create('12.34');
    const page = await fetch(link);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /12\.34 USD/);
    assert.match(html, /name="payer_email"[^>]*value="payer@sticpay.example"/);

    const answer = await press(link, 'pay');
    assert.equal(answer.status, 303);
    const back = new URL(answer.headers.get('location')!);
    assert.equal(back.origin + back.pathname, 'http://127.0.0.1:9/back');
    assert.equal(back.searchParams.get('session'), '1');
    assert.equal(back.searchParams.get('order_no'), orderNo);
    assert.equal(await status(orderNo), 'approved');

    await eventually(() => callbacksFor(orderNo).length === 1);
    const delivery = receiver.received.find((r) => readCallback(r.body).parameters.order_no === orderNo)!;
    assert.equal(delivery.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual([...new URLSearchParams(delivery.body).keys()], ['callback']);
    const { envelope, parameters } = readCallback(delivery.body);
    assert.equal(envelope.type, 'pay');
    assert.equal(envelope.code, 200);
    assert.equal(typeof envelope.parameters, 'string');
    assert.equal(parameters.status, 'approved');
    assert.equal(parameters.order_amount, '12.34');
    assert.match(parameters.transaction_code!, /^ST\d{16}$/);
    // The modeled signature: the pay request's fields in order, then transaction_code and status.
    const pairs = callbackFieldOrder.pay.map((name): [string, string] => [name, parameters[name]!]);
    assert.equal(parameters.sign, sign(pairs, merchant.apiKey, 'MD5'));
    assert.deepEqual(Object.keys(parameters), [...callbackFieldOrder.pay, 'sign']);
    // callbackBody builds the same bytes, which is how tests and drivers forge one.
    assert.equal(delivery.body, callbackBody('pay', parameters, merchant, String(envelope.message)));

    const closed = await fetch(link);
    assert.equal(closed.status, 409);
  });

  it('Decline rejects, and so does a wallet that cannot pay (.12)', async () => {
    const declined = await create('5.00');
    assert.equal((await press(declined.link, 'decline')).status, 303);
    assert.equal(await status(declined.orderNo), 'rejected');
    const poorPayer = await create('5.12');
    assert.equal((await press(poorPayer.link, 'pay')).status, 303);
    assert.equal(await status(poorPayer.orderNo), 'rejected');
    await eventually(() => callbacksFor(poorPayer.orderNo).length === 1);
    assert.equal(callbacksFor(poorPayer.orderNo)[0]!.parameters.status, 'rejected');
  });

  it('.13 stays pending after Pay until the back office approves; approving twice changes nothing', async () => {
    const { orderNo, link } = await create('8.13');
    await press(link, 'pay');
    assert.equal(await status(orderNo), 'pending');
    const approved = await sim.control<{ changed: boolean }>('POST', `/_sim/transactions/${orderNo}/approve`);
    assert.equal(approved.status, 200);
    assert.equal(approved.body.changed, true);
    assert.equal(await status(orderNo), 'approved');
    assert.equal((await sim.control<{ changed: boolean }>('POST', `/_sim/transactions/${orderNo}/approve`)).body.changed, false);
    assert.equal((await sim.control('POST', `/_sim/transactions/${orderNo}/reject`)).status, 409);
    await eventually(() => callbacksFor(orderNo).length === 1);
  });

  it('an unpaid link expires: the page answers 410 and the order is rejected', async () => {
    let now = Date.now();
    const timed = await startSimulator({ now: () => now });
    try {
      const m = await timed.newMerchant();
      const orderNo = nextOrder();
      const res = await timed.post('/rest_pay/pay', payFields(m, orderNo, '3.00', { notify: receiver.url, return: returnUrl }));
      now += 10_001; // 5 min × 0.001 is under the 10 s floor
      const page = await fetch(String(res.body.link));
      assert.equal(page.status, 410);
      assert.match(await page.text(), /expired/);
      const detail = await timed.post('/rest_transaction/detail', detailFields(m, { order_id: orderNo }));
      assert.equal(detail.body.status, 'rejected');
      assert.equal(detail.body.message, 'pay link expired');
    } finally {
      await timed.close();
    }
  });

  it('asks again for a payer e-mail that is not one', async () => {
    const { orderNo, link } = await create('4.00');
    const answer = await press(link, 'pay', { payer_email: 'not an email' });
    assert.equal(answer.status, 400);
    assert.equal(await status(orderNo), 'pending');
  });

  it('retries a callback the merchant does not take, on the modeled schedule', async () => {
    receiver.answers = [500, 503];
    const { orderNo, link } = await create('6.00');
    await press(link, 'pay');
    await eventually(() => callbacksFor(orderNo).length === 3, 10_000);
    const [log] = (await sim.control<{ attempts: { status: number }[]; delivered: boolean }[]>('GET', `/_sim/webhooks?reference=${orderNo}`)).body;
    assert.deepEqual(log!.attempts.map((a) => a.status), [500, 503, 200]);
    assert.equal(log!.delivered, true);
  });

  it('duplicates a callback on a webhook fault, and resends one on request', async () => {
    await sim.control('PUT', '/_sim/faults', { webhooks: [{ fault: 'duplicate' }] });
    const { orderNo, link } = await create('6.50');
    await press(link, 'pay');
    await eventually(() => callbacksFor(orderNo).length === 2);
    const [log] = (await sim.control<{ id: string }[]>('GET', `/_sim/webhooks?reference=${orderNo}`)).body;
    assert.equal((await sim.control('POST', `/_sim/webhooks/${log!.id}/resend`)).status, 200);
    await eventually(() => callbacksFor(orderNo).length === 3);
  });

  it('a payout held by .13 completes by control and calls back with its own signed fields', async () => {
    const orderId = nextOrder();
    const res = await sim.post('/rest_withdraw/withdraw', withdrawFields(merchant, orderId, '20.13', receiver.url));
    assert.equal(res.body.status, 'pending');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await status(orderId), 'pending');
    await sim.control('POST', `/_sim/transactions/${res.body.transaction_code}/approve`);
    assert.equal(await status(orderId), 'approved');
    await eventually(() => callbacksFor(orderId).length === 1);
    const { envelope, parameters } = readCallback(receiver.received.find((r) => readCallback(r.body).parameters.order_id === orderId)!.body);
    assert.equal(envelope.type, 'withdraw');
    const pairs = callbackFieldOrder.withdraw.map((name): [string, string] => [name, parameters[name]!]);
    assert.equal(parameters.sign, sign(pairs, merchant.apiKey, 'MD5'));
  });

  it('a payout ending .02 is rejected when it settles and the wallet gets the money back', async () => {
    const payer = await sim.newMerchant({ balances: { USD: '50.00' } });
    const orderId = nextOrder();
    await sim.post('/rest_withdraw/withdraw', withdrawFields(payer, orderId, '10.02', receiver.url));
    await eventually(async () => (await sim.post('/rest_transaction/detail', detailFields(payer, { order_id: orderId }))).body.status === 'rejected');
    assert.equal((await sim.control<{ balances: Record<string, string> }>('GET', `/_sim/accounts/${payer.merchantEmail}`)).body.balances.USD, '50.00');
  });
});
