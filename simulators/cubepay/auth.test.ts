import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoCredentials } from './accounts.js';
import { startHarness, paymentRequest, type Harness } from './test-harness.js';

describe('Cube Pay X-Api-Key', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('answers 400 with code 1026 when the key is missing', async () => {
    const res = await h.api('POST', '/v1/checkout', paymentRequest({ provider_id: 210 }), null);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { code: 1026, message: 'API Key is missing' });
  });

  it('answers 400 with code 1027 for a key it does not know', async () => {
    const res = await h.api('GET', '/v1/transactions/anything', undefined, 'cpk_test_nope');
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { code: 1027, message: 'API Key not found' });
  });

  it('answers 400 with code 1028 once the key has expired, and works again when renewed', async () => {
    const account = await h.account();
    assert.equal((await h.control('PATCH', `/_sim/accounts/${account.api_key}`, { key_expired: true })).status, 200);
    const res = await h.api('GET', '/v1/transactions', undefined, account.api_key);
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { code: 1028, message: 'API Key has expired' });
    await h.control('PATCH', `/_sim/accounts/${account.api_key}`, { key_expired: false });
    assert.equal((await h.api('GET', '/v1/transactions', undefined, account.api_key)).status, 200);
  });

  it('answers 1295 to an address outside the account IP allowlist', async () => {
    const account = await h.account();
    await h.control('PATCH', `/_sim/accounts/${account.api_key}`, { ip_allowlist: ['10.20.30.40'] });
    const res = await h.api('GET', '/v1/transactions', undefined, account.api_key);
    assert.deepEqual(res.body, { code: 1295, message: 'Your IP is blocked' });
    await h.control('PATCH', `/_sim/accounts/${account.api_key}`, { ip_allowlist: ['127.0.0.1'] });
    assert.equal((await h.api('GET', '/v1/transactions', undefined, account.api_key)).status, 200);
  });

  it('keeps each account to its own transactions', async () => {
    const a = await h.account();
    const b = await h.account();
    const body = paymentRequest({ provider_id: a.provider_id });
    assert.equal((await h.api('POST', '/v1/checkout', body, a.api_key)).status, 200);
    const other = await h.api('GET', `/v1/transactions/${body.request.tracking_id}`, undefined, b.api_key);
    assert.deepEqual(other.body, { code: 1039, message: 'Transaction ID does not exist' });
  });

  it('has a fixed demo account', async () => {
    const res = await h.api('POST', '/v1/checkout', paymentRequest({ provider_id: 210 }), demoCredentials.apiKey);
    assert.equal(res.status, 200);
  });

  it('creates accounts with every credential the connector needs', async () => {
    const res = await h.control('POST', '/_sim/accounts', {});
    assert.equal(res.status, 201);
    assert.match(res.body.api_key, /^cpk_test_[A-Za-z0-9]{32}$/);
    assert.match(res.body.signature_password, /^spg_test_[A-Za-z0-9]{40}$/);
    assert.equal(res.body.provider_id, 210);
    assert.equal(res.body.routing_id, 310);
    assert.equal(res.body.webhook_url, null);
  });
});
