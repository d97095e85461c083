import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { paymentRequest, startHarness, type Harness } from './test-harness.js';

describe('Cube Pay injected faults', () => {
  let h: Harness;
  let account: Awaited<ReturnType<Harness['account']>>;
  before(async () => {
    h = await startHarness();
    account = await h.account();
  });
  after(() => h.close());

  it('answers an injected 5xx on the named route with the generic 1025 body, once', async () => {
    await h.control('PUT', '/_sim/faults', { api: [{ fault: 'error', status: 503, route: 'POST /v1/checkout' }] });
    const lookup = await h.api('GET', '/v1/transactions', undefined, account.api_key);
    assert.equal(lookup.status, 200, 'other routes are not affected');
    const failed = await h.api('POST', '/v1/checkout', paymentRequest({ provider_id: 210 }), account.api_key);
    assert.equal(failed.status, 503);
    assert.deepEqual(failed.body, { code: 1025, message: 'An error has occurred. Please try again later.' });
    assert.equal((await h.api('POST', '/v1/checkout', paymentRequest({ provider_id: 210 }), account.api_key)).status, 200);
  });

  it('holds a request forever on a timeout fault, and counts requests per route', async () => {
    const before = (await h.control('GET', '/_sim/requests')).body['POST /v1/payments/s2s'] ?? 0;
    await h.control('PUT', '/_sim/faults', { api: [{ fault: 'timeout', route: 'POST /v1/payments/s2s' }] });
    const outcome = await fetch(`${h.base}/v1/payments/s2s`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': account.api_key },
      body: JSON.stringify(paymentRequest({ routing_id: 310 })),
      signal: AbortSignal.timeout(200),
    }).then(
      () => 'answered',
      (err: Error) => err.name,
    );
    assert.equal(outcome, 'TimeoutError');
    assert.equal((await h.control('GET', '/_sim/requests')).body['POST /v1/payments/s2s'], before + 1);
  });

  it('never faults hosted pages or the control API, and adds latency when asked', async () => {
    await h.control('PUT', '/_sim/faults', { latencyMs: 100, api: [{ fault: 'error', status: 500 }] });
    const created = await h.control('GET', '/_sim/faults');
    assert.equal(created.status, 200);
    const started = performance.now();
    const failed = await h.api('GET', '/v1/transactions', undefined, account.api_key);
    assert.equal(failed.status, 500);
    assert.ok(performance.now() - started >= 90);
    await h.control('DELETE', '/_sim/faults');
    assert.equal((await h.api('GET', '/v1/transactions', undefined, account.api_key)).status, 200);
  });

  it('answers unknown paths with a 404 in the gateway body shape', async () => {
    const res = await h.api('GET', '/v2/nothing', undefined, account.api_key);
    assert.equal(res.status, 404);
    assert.equal(res.body.code, 1025);
  });
});
