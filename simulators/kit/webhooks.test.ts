import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Faults } from './faults.js';
import { WebhookSender } from './webhooks.js';

/** A receiver that answers each delivery with the next status of `script` (then 200). */
class Receiver {
  readonly received: { headers: Record<string, string | string[] | undefined>; body: string; at: number }[] = [];
  script: number[] = [];
  #server: Server | undefined;

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body, at: Date.now() });
        res.writeHead(this.script.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }
}

const until = async (condition: () => boolean, timeoutMs = 3_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('simulator kit: webhook sender', () => {
  const receiver = new Receiver();
  const faults = new Faults();
  // The gateway's schedule: 1 s, 2 s, 4 s between attempts, run 100× faster.
  const sender = new WebhookSender({ retryScheduleMs: [1_000, 2_000, 4_000], timeScale: 0.01, attemptTimeoutMs: 1_000, faults, now: Date.now });
  let counter = 0;
  const send = (reference: string) =>
    sender.send({
      reference,
      event: 'PAID',
      url: receiver.url,
      headers: { 'content-type': 'application/json', 'x-signature': 'abc' },
      body: `{"ref":"${reference}"}`,
      perAttemptHeaders: () => ({ 'x-event-id': String((counter += 1)) }),
    });

  before(() => receiver.start());
  after(async () => {
    sender.close();
    await receiver.stop();
  });

  it('retries on its schedule until a 2xx, with the exact body and fresh per-attempt headers', async () => {
    receiver.received.length = 0;
    receiver.script = [500, 503];
    const record = send('retry');
    await until(() => sender.get(record.id)!.delivered);
    const got = sender.get(record.id)!;
    assert.deepEqual(got.attempts.map((a) => a.status), [500, 503, 200]);
    assert.equal(receiver.received.length, 3);
    assert.ok(receiver.received.every((r) => r.body === '{"ref":"retry"}' && r.headers['x-signature'] === 'abc'));
    assert.equal(new Set(receiver.received.map((r) => r.headers['x-event-id'])).size, 3);
    // 10 ms then 20 ms apart at this scale: never all at once.
    assert.ok(receiver.received[2]!.at - receiver.received[0]!.at >= 25);
  });

  it('gives up after the last scheduled attempt', async () => {
    receiver.script = [500, 500, 500, 500];
    const record = send('gives-up');
    await until(() => sender.get(record.id)!.abandoned);
    assert.equal(sender.get(record.id)!.attempts.length, 4);
    assert.equal(sender.get(record.id)!.delivered, false);
  });

  it('drops, duplicates and delays webhooks as the fault plan says, and resends on request', async () => {
    receiver.received.length = 0;
    receiver.script = [];
    faults.set({ webhooks: [{ fault: 'drop' }, { fault: 'duplicate' }, { fault: 'delay', delayMs: 150 }] });
    const dropped = send('dropped');
    const duplicated = send('duplicated');
    const started = Date.now();
    const delayed = send('delayed');
    await until(() => sender.get(delayed.id)!.delivered && sender.get(duplicated.id)!.attempts.length === 2);
    assert.ok(Date.now() - started >= 140);
    assert.equal(sender.get(dropped.id)!.attempts.length, 0);
    assert.equal(sender.get(dropped.id)!.abandoned, true);
    assert.equal(receiver.received.filter((r) => r.body.includes('duplicated')).length, 2);
    assert.deepEqual(faults.describe().webhooks, []);

    sender.resend(dropped.id);
    await until(() => sender.get(dropped.id)!.delivered);
    assert.deepEqual(sender.list('dropped').map((r) => r.id), [dropped.id]);
  });

  it('replays a delivered webhook late, and counts a delayed one that a later webhook overtook', async () => {
    receiver.received.length = 0;
    receiver.script = [];
    const overtakenBefore = sender.outOfOrder;
    faults.set({ webhooks: [{ fault: 'replay', delayMs: 120 }, { fault: 'delay', delayMs: 80 }] });
    const sentAt = Date.now();
    const replayed = send('replayed');
    const earlier = send('payment-1');
    const later = send('payment-1');
    await until(() => sender.get(earlier.id)!.delivered && sender.get(later.id)!.delivered && sender.get(replayed.id)!.attempts.length === 2);
    assert.equal(sender.get(later.id)!.attempts.length, 1);
    assert.equal(sender.outOfOrder - overtakenBefore, 1, 'the delayed earlier webhook went out after the later one');
    const copies = receiver.received.filter((r) => r.body.includes('replayed'));
    assert.equal(copies.length, 2);
    assert.ok(copies[1]!.at - sentAt >= 115, 'the repeat comes late');
    assert.deepEqual(faults.injected(), { error: 0, timeout: 0, drop: 1, duplicate: 1, delay: 2, replay: 1 });
  });
});
