import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { paymentRequest, startHarness, type Harness } from './test-harness.js';

const ddmmyyyy = (time: number) => {
  const d = new Date(time);
  return `${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${d.getUTCFullYear()}`;
};
const day = 24 * 60 * 60 * 1000;

describe('Cube Pay transaction lookups', () => {
  let h: Harness;
  let account: Awaited<ReturnType<Harness['account']>>;
  before(async () => {
    h = await startHarness();
    account = await h.account();
  });
  after(() => h.close());

  it('gets one by the merchant tracking id; 1021 without an id, 1039 for an unknown one', async () => {
    const body = paymentRequest({ provider_id: 210 });
    await h.api('POST', '/v1/checkout', body, account.api_key);
    const found = await h.api('GET', `/v1/transactions/${body.request.tracking_id}`, undefined, account.api_key);
    assert.deepEqual(found.body, { transaction_status: 'pending', rejected_reason: null });
    assert.deepEqual((await h.api('GET', '/v1/transactions/%20', undefined, account.api_key)).body, { code: 1021, message: 'Transaction ID is missing' });
    assert.deepEqual((await h.api('GET', '/v1/transactions/unknown', undefined, account.api_key)).body, { code: 1039, message: 'Transaction ID does not exist' });
  });

  it("lists today's transactions by default, in 004's shape", async () => {
    const body = paymentRequest({ provider_id: 210, amount: 8.56, currency: 'GBP' });
    const created = await h.api('POST', '/v1/checkout', body, account.api_key);
    const list = await h.api('GET', '/v1/transactions', undefined, account.api_key);
    assert.equal(list.status, 200);
    const entry = list.body.find((e: { transaction: { tracking_id: string } }) => e.transaction.tracking_id === body.request.tracking_id);
    assert.deepEqual(Object.keys(entry), ['transaction', 'provider', 'customer']);
    assert.equal(entry.transaction.transaction_id, created.body.transaction_id);
    assert.equal(entry.transaction.type, 'deposit');
    assert.equal(entry.transaction.status, 'pending');
    assert.match(entry.transaction.date, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.deepEqual(entry.provider.amount, { value: 8.56, currency: 'GBP' });
    assert.equal(entry.customer.first_name, 'John');
    assert.equal(entry.customer.IP, '127.34.125.54');
  });

  it('takes a range of at most 7 days in DD-MM-YYYY', async () => {
    const now = Date.now();
    const week = await h.api('GET', `/v1/transactions?from=${ddmmyyyy(now - 7 * day)}&to=${ddmmyyyy(now)}`, undefined, account.api_key);
    assert.equal(week.status, 200);
    assert.ok(week.body.length >= 1);
    const past = await h.api('GET', `/v1/transactions?from=${ddmmyyyy(now - 7 * day)}&to=${ddmmyyyy(now - 6 * day)}`, undefined, account.api_key);
    assert.deepEqual(past.body, []);
    const tooLong = await h.api('GET', `/v1/transactions?from=${ddmmyyyy(now - 8 * day)}&to=${ddmmyyyy(now)}`, undefined, account.api_key);
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.code, 1025);
    const reversed = await h.api('GET', `/v1/transactions?from=${ddmmyyyy(now)}&to=${ddmmyyyy(now - day)}`, undefined, account.api_key);
    assert.equal(reversed.status, 400);
    const badDate = await h.api('GET', '/v1/transactions?from=2024-08-01', undefined, account.api_key);
    assert.deepEqual(badDate.body.errors, [{ field: 'from', message: 'must be a date in DD-MM-YYYY format' }]);
    assert.equal((await h.api('GET', '/v1/transactions?from=31-02-2024', undefined, account.api_key)).status, 400);
  });
});
