import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { WebhookRecord } from '../kit/webhooks.js';
import { pressThrough } from '../../test/conformance/hosted-pages.js';
import { type RunningSimulator, type WebhookReceiver, call, depositBody, eventually, startReceiver, startSimulator } from './test-support.js';

type Envelope = { result: Record<string, unknown> };

describe('paymaxis simulator: webhooks', () => {
  let sim: RunningSimulator;
  const receivers: WebhookReceiver[] = [];
  before(async () => {
    // 1 minute of gateway time becomes 0.6 ms: the whole retry schedule (31 h) runs in about a second.
    sim = await startSimulator({ timeScale: 0.00001 });
  });
  after(async () => {
    await sim.close();
    for (const receiver of receivers) await receiver.close();
  });

  const receiver = async (answer?: (delivery: number) => number) => {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  };
  const deposit = async (webhookUrl: string, extra: Record<string, unknown> = {}) =>
    (await sim.api<Envelope>('POST', '/api/v1/payments', { ...depositBody, webhookUrl, referenceId: `ref-${Math.random()}`, ...extra })).body.result;
  const logOf = async (id: unknown) => (await call<WebhookRecord[]>(`${sim.baseUrl}/_sim/webhooks?reference=${String(id)}`, 'GET')).body;

  it('posts the payment, signed with HMAC-SHA256 of the raw body under the shop API key, lower-case hex', async () => {
    const merchant = await receiver();
    const payment = await deposit(merchant.url);
    await pressThrough(String(payment.redirectUrl), 'pay');
    const [webhook] = await merchant.waitFor(1);
    const expected = createHmac('sha256', sim.apiKey).update(webhook!.rawBody).digest('hex');
    assert.equal(webhook!.headers.signature, expected);
    assert.equal(webhook!.headers['content-type'], 'application/json');
    const fetched = await sim.api<Envelope>('GET', `/api/v1/payments/${String(payment.id)}`);
    assert.deepEqual(JSON.parse(webhook!.rawBody), fetched.body.result);
    assert.equal(fetched.body.result.state, 'COMPLETED');
  });

  it('signs with each shop its own key', async () => {
    const merchant = await receiver();
    const shop = (await call<{ apiKey: string }>(`${sim.baseUrl}/_sim/accounts`, 'POST')).body;
    const created = await sim.api<Envelope>(
      'POST',
      '/api/v1/payments',
      { paymentType: 'WITHDRAWAL', amount: 7.5, currency: 'EUR', webhookUrl: merchant.url, customer: { referenceId: 'c' } },
      { authorization: `Bearer ${shop.apiKey}` },
    );
    const [webhook] = await merchant.waitFor(1);
    assert.equal(webhook!.headers.signature, createHmac('sha256', shop.apiKey).update(webhook!.rawBody).digest('hex'));
    assert.equal(JSON.parse(webhook!.rawBody).id, created.body.result.id);
    assert.equal(JSON.parse(webhook!.rawBody).state, 'COMPLETED');
  });

  it('sends one on a decline at creation, none on CHECKOUT → PENDING, none without webhookUrl', async () => {
    const merchant = await receiver();
    const declined = await deposit(merchant.url, { amount: 3.02 });
    const [webhook] = await merchant.waitFor(1);
    assert.equal(JSON.parse(webhook!.rawBody).id, declined.id);
    assert.equal(JSON.parse(webhook!.rawBody).state, 'DECLINED');
    const held = await deposit(merchant.url, { amount: 3.13 });
    await pressThrough(String(held.redirectUrl), 'pay');
    const silent = (await sim.api<Envelope>('POST', '/api/v1/payments', { ...depositBody, referenceId: `ref-${Math.random()}` })).body.result;
    await call(`${sim.baseUrl}/_sim/payments/${String(silent.id)}/complete`, 'POST');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(merchant.received.length, 1);
    assert.deepEqual(await logOf(held.id), []);
    assert.deepEqual(await logOf(silent.id), []);
  });

  it('retries on the schedule until the merchant answers 2xx', async () => {
    const merchant = await receiver((delivery) => (delivery < 3 ? 500 : 200));
    const payment = await deposit(merchant.url);
    await call(`${sim.baseUrl}/_sim/payments/${String(payment.id)}/complete`, 'POST');
    await merchant.waitFor(3);
    const [record] = await eventually(async () => {
      const log = await logOf(payment.id);
      return log[0]?.delivered === true ? log : undefined;
    });
    assert.deepEqual(record!.attempts.map((a) => a.status), [500, 500, 200]);
    assert.equal(record!.event, 'COMPLETED');
  });

  it('gives up after 7 attempts', async () => {
    const merchant = await receiver(() => 503);
    const payment = await deposit(merchant.url);
    await call(`${sim.baseUrl}/_sim/payments/${String(payment.id)}/decline`, 'POST');
    const [record] = await eventually(async () => {
      const log = await logOf(payment.id);
      return log[0]?.abandoned === true ? log : undefined;
    }, 10_000);
    assert.equal(record!.attempts.length, 7);
  });

  it('duplicates, drops and resends as the fault plan and the log say', async () => {
    const merchant = await receiver();
    await call(`${sim.baseUrl}/_sim/faults`, 'PUT', { webhooks: [{ fault: 'duplicate' }, { fault: 'drop' }] });
    const doubled = await deposit(merchant.url);
    await call(`${sim.baseUrl}/_sim/payments/${String(doubled.id)}/complete`, 'POST');
    await merchant.waitFor(2);
    assert.equal(merchant.received[0]!.rawBody, merchant.received[1]!.rawBody);
    const dropped = await deposit(merchant.url);
    await call(`${sim.baseUrl}/_sim/payments/${String(dropped.id)}/cancel`, 'POST');
    const [record] = await logOf(dropped.id);
    assert.equal(record!.abandoned, true);
    const resent = await call(`${sim.baseUrl}/_sim/webhooks/${record!.id}/resend`, 'POST');
    assert.equal(resent.status, 200);
    const all = await merchant.waitFor(3);
    assert.equal(JSON.parse(all[2]!.rawBody).state, 'CANCELLED');
  });

  it('back-office controls are idempotent and never move a final state', async () => {
    const merchant = await receiver();
    const payment = await deposit(merchant.url);
    const first = await call<{ moved: boolean }>(`${sim.baseUrl}/_sim/payments/${String(payment.id)}/complete`, 'POST');
    const second = await call<{ moved: boolean }>(`${sim.baseUrl}/_sim/payments/${String(payment.id)}/complete`, 'POST');
    assert.deepEqual([first.status, first.body.moved, second.status, second.body.moved], [200, true, 200, false]);
    const other = await call<{ error: string }>(`${sim.baseUrl}/_sim/payments/${String(payment.id)}/decline`, 'POST');
    assert.equal(other.status, 409);
    assert.equal(other.body.error, `payment ${String(payment.id)} is already COMPLETED`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(merchant.received.length, 1);
    assert.equal((await call(`${sim.baseUrl}/_sim/payments/nope/complete`, 'POST')).status, 404);
    assert.equal((await call(`${sim.baseUrl}/_sim/payments/${String(payment.id)}/explode`, 'POST')).status, 404);
  });
});
