import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { cashInBody, Merchant, startSimulator, webhookReceiver, type RunningSimulator } from './test-support.js';
import { retryScheduleMs } from './webhooks.js';

type WebhookLog = { event: string; delivered: boolean; attempts: { status: number | null }[] }[];

describe('connectpsp simulator: faults and webhook delivery', () => {
  let sim: RunningSimulator;
  let merchant: Merchant;
  before(async () => {
    sim = await startSimulator();
    merchant = new Merchant(sim, await sim.newAccount());
  });
  after(() => sim.close());

  it('injects a 5xx on the named route with a problem body, then answers normally', async () => {
    await sim.call('PUT', '/_sim/faults', { api: [{ fault: 'error', status: 503, route: 'POST /cash-in' }] });
    const token = await merchant.headers(); // POST /auth/token is not the faulted route
    const faulted = await sim.call('POST', '/cash-in', cashInBody(), token);
    assert.equal(faulted.status, 503);
    assert.match(faulted.contentType, /^application\/problem\+json/);
    assert.equal((faulted.body as { code: string }).code, 'SERVICE_UNAVAILABLE');
    assert.equal((await sim.call('POST', '/cash-in', cashInBody(), token)).status, 201);
    const counts = (await sim.call<Record<string, number>>('GET', '/_sim/requests')).body;
    assert.equal(counts['POST /cash-in'], 2);
  });

  it('a timeout fault never answers; hosted pages and controls are never faulted', async () => {
    const created = (await merchant.call<{ pixData: { copyAndPaste: string } }>('POST', '/cash-in', cashInBody())).body;
    await sim.call('PUT', '/_sim/faults', { api: [{ fault: 'timeout', times: 5 }] });
    const hung = fetch(`${sim.base}/account/balance`, { signal: AbortSignal.timeout(200) });
    await assert.rejects(hung, /TimeoutError|aborted/i);
    const page = await fetch(`${sim.base}/bank-app?code=${encodeURIComponent(created.pixData.copyAndPaste)}`);
    assert.equal(page.status, 200);
    await sim.call('DELETE', '/_sim/faults');
  });

  it('retries a failing receiver on the backoff schedule with a new X-Event-Id each time, same signed body', async () => {
    const receiver = await webhookReceiver((index) => (index < 2 ? 500 : 200));
    try {
      const created = (await merchant.call<{ transactionId: string }>('POST', '/cash-in', cashInBody({ webhookUrl: receiver.url }))).body;
      await sim.call('POST', `/_sim/cash-in/${created.transactionId}/pay`);
      const deliveries = await receiver.waitFor(3);
      assert.equal(new Set(deliveries.map((d) => d.body)).size, 1, 'same body every attempt');
      assert.equal(new Set(deliveries.map((d) => d.headers['x-event-id'])).size, 3, 'a new event id per attempt');
      const signature = createHmac('sha256', merchant.credentials.cryptoToken).update(deliveries[0]!.body).digest('hex');
      for (const d of deliveries) assert.equal(d.headers['x-connect-signature'], signature);
      const log = (await sim.call<WebhookLog>('GET', `/_sim/webhooks?reference=${created.transactionId}`)).body;
      assert.deepEqual(log[0]!.attempts.map((a) => a.status), [500, 500, 200]);
      assert.equal(log[0]!.delivered, true);
      assert.equal(retryScheduleMs[0], 30_000);
    } finally {
      await receiver.close();
    }
  });

  it('duplicates and drops webhooks on request, and resends from the log', async () => {
    const receiver = await webhookReceiver();
    try {
      await sim.call('PUT', '/_sim/faults', { webhooks: [{ fault: 'duplicate' }, { fault: 'drop' }] });
      const first = (await merchant.call<{ transactionId: string }>('POST', '/cash-in', cashInBody({ webhookUrl: receiver.url }))).body;
      const second = (await merchant.call<{ transactionId: string }>('POST', '/cash-in', cashInBody({ webhookUrl: receiver.url }))).body;
      await sim.call('POST', `/_sim/cash-in/${first.transactionId}/pay`);
      await sim.call('POST', `/_sim/cash-in/${second.transactionId}/pay`);
      await receiver.waitFor(2);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(receiver.received.length, 2, 'the first twice, the second dropped');
      const [dropped] = (await sim.call<(WebhookLog[number] & { id: string })[]>('GET', `/_sim/webhooks?reference=${second.transactionId}`)).body;
      await sim.call('POST', `/_sim/webhooks/${dropped!.id}/resend`);
      await receiver.waitFor(3);
      assert.ok(receiver.received[2]!.body.includes(second.transactionId));
    } finally {
      await receiver.close();
    }
  });

  it('answers unknown routes and bad JSON with problem bodies', async () => {
    const missing = await sim.call<{ code: string; status: number }>('GET', '/nope');
    assert.deepEqual([missing.status, missing.body.code], [404, 'RESOURCE_NOT_FOUND']);
    const response = await fetch(`${sim.base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"clientId":' });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { code: string }).code, 'VALIDATION_ERROR');
  });
});
