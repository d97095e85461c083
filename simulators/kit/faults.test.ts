import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { Faults, routeKeyFor, type FaultPlan } from './faults.js';

/** A gateway API of two routes behind the fault hook; answers whether each call was faulted. */
async function gateway(faults: Faults) {
  const app = Fastify();
  app.addHook('onRequest', faults.apiHook(routeKeyFor(''), (status) => ({ injected: status })));
  app.post('/pay', async () => ({ ok: true }));
  app.get('/pay/:id', async () => ({ ok: true }));
  await app.ready();
  const call = async (method: 'GET' | 'POST', url: string) => (await app.inject({ method, url })).statusCode;
  return { app, call };
}

const webhookKinds = (faults: Faults, n: number) => Array.from({ length: n }, () => faults.nextWebhookFault().kind);

describe('simulator kit: fault plans', () => {
  it('consumes in-order faults first, one matching request each, and counts them', async () => {
    const faults = new Faults();
    const { app, call } = await gateway(faults);
    faults.set({ api: [{ fault: 'error', status: 503, route: 'POST /pay', times: 2 }] });
    assert.deepEqual([await call('GET', '/pay/1'), await call('POST', '/pay'), await call('POST', '/pay'), await call('POST', '/pay')], [200, 503, 503, 200]);
    assert.deepEqual(faults.describe().api, []);
    assert.equal(faults.injected().error, 2);
    await app.close();
  });

  it('a standing fault affects about `rate` of the requests, is never used up, and the same seed repeats it', async () => {
    const plan: FaultPlan = { seed: 42, api: [{ fault: 'error', status: 502, route: 'POST /pay', rate: 0.2 }] };
    const run = async () => {
      const faults = new Faults();
      const { app, call } = await gateway(faults);
      faults.set(plan);
      const statuses: number[] = [];
      for (let i = 0; i < 500; i += 1) statuses.push(await call('POST', '/pay'));
      const others = await call('GET', '/pay/1');
      await app.close();
      return { statuses, others, injected: faults.injected().error, left: faults.describe().api ?? [] };
    };
    const first = await run();
    const faulted = first.statuses.filter((status) => status === 502).length;
    assert.ok(faulted > 60 && faulted < 140, `about 100 of 500 faulted, got ${faulted}`);
    assert.equal(first.injected, faulted);
    assert.equal(first.others, 200, 'another route is not affected');
    assert.equal(first.left.length, 1, 'still standing');
    assert.deepEqual((await run()).statuses, first.statuses, 'same seed, same faults');
  });

  it('an in-order fault goes before the standing ones; rate 0 never and rate 1 always hits', async () => {
    const faults = new Faults();
    faults.set({ seed: 7, webhooks: [{ fault: 'drop', rate: 0 }, { fault: 'duplicate', rate: 1 }, { fault: 'delay', delayMs: 5 }] });
    assert.deepEqual(webhookKinds(faults, 3), ['delay', 'duplicate', 'duplicate']);
    assert.deepEqual(faults.injected(), { error: 0, timeout: 0, drop: 0, duplicate: 2, delay: 1, replay: 0 });
  });

  it('draws delays and replays within their range, and keeps counting across plans', () => {
    const faults = new Faults();
    faults.set({ seed: 3, webhooks: [{ fault: 'replay', delayMs: 100, maxDelayMs: 200, rate: 1 }] });
    const delays = Array.from({ length: 50 }, () => {
      const fault = faults.nextWebhookFault();
      assert.equal(fault.kind, 'replay');
      return fault.kind === 'replay' ? fault.delayMs : -1;
    });
    assert.ok(delays.every((ms) => ms >= 100 && ms <= 200), delays.join(','));
    assert.ok(new Set(delays).size > 10, 'spread over the range');
    faults.clear();
    assert.deepEqual(webhookKinds(faults, 2), ['none', 'none']);
    assert.equal(faults.injected().replay, 50);
  });

  it('a timeout fault holds the request until the server closes', async () => {
    const faults = new Faults();
    const { app, call } = await gateway(faults);
    try {
      faults.set({ api: [{ fault: 'timeout', rate: 1 }] });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address() as { port: number };
      const held = fetch(`http://127.0.0.1:${address.port}/pay`, { method: 'POST' }).then(
        () => 'answered',
        () => 'cut',
      );
      while (faults.injected().timeout === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      faults.clear();
      assert.equal(await call('POST', '/pay'), 200);
      faults.releaseHeld();
      assert.equal(await held, 'cut');
      assert.equal(faults.injected().timeout, 1);
    } finally {
      await app.close();
    }
  });
});
