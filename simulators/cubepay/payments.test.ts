import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pressThrough } from '../../test/conformance/hosted-pages.js';
import { cardDetails, paymentRequest, startHarness, type Harness } from './test-harness.js';
import { testCards } from './test-data.js';

describe('Cube Pay deposits', () => {
  let h: Harness;
  let account: Awaited<ReturnType<Harness['account']>>;
  before(async () => {
    h = await startHarness();
    account = await h.account();
  });
  after(() => h.close());

  const lookup = async (trackingId: string) => (await h.api('GET', `/v1/transactions/${trackingId}`, undefined, account.api_key)).body;
  const returnUrl = () => `${h.receiver.url}/return?from=cubepay`;

  describe('hosted checkout (Direct Integration)', () => {
    it('answers the payer URL and transaction id; Pay makes it successful and sends the payer back', async () => {
      const body = paymentRequest({ provider_id: account.provider_id, settings: { return_url: returnUrl() } });
      const created = await h.api('POST', '/v1/checkout', body, account.api_key);
      assert.equal(created.status, 200);
      assert.deepEqual(Object.keys(created.body), ['url', 'transaction_id']);
      assert.match(created.body.transaction_id, /^[a-z0-9]{15}$/);
      assert.ok(created.body.url.startsWith(`${h.base}/checkout/`));
      assert.deepEqual(await lookup(body.request.tracking_id), { transaction_status: 'pending', rejected_reason: null });

      const visit = await pressThrough(created.body.url, 'pay');
      const back = new URL(visit.url);
      assert.equal(back.origin + back.pathname, `${h.receiver.url}/return`);
      assert.equal(back.searchParams.get('from'), 'cubepay');
      assert.equal(back.searchParams.get('tracking_id'), body.request.tracking_id);
      assert.equal(back.searchParams.get('status'), 'successful');
      assert.deepEqual(await lookup(body.request.tracking_id), { transaction_status: 'successful', rejected_reason: null });
      // The page was one-time.
      assert.equal((await fetch(created.body.url)).status, 404);
    });

    it('Decline rejects it', async () => {
      const body = paymentRequest({ provider_id: account.provider_id });
      const created = await h.api('POST', '/v1/checkout', body, account.api_key);
      await pressThrough(created.body.url, 'decline');
      assert.deepEqual(await lookup(body.request.tracking_id), { transaction_status: 'rejected', rejected_reason: 'Cancelled by customer' });
    });

    it('an amount ending in .13 stays pending after Pay until the back office settles it', async () => {
      const body = paymentRequest({ provider_id: account.provider_id, amount: 25.13 });
      const created = await h.api('POST', '/v1/checkout', body, account.api_key);
      await pressThrough(created.body.url, 'pay');
      assert.equal((await lookup(body.request.tracking_id)).transaction_status, 'pending');
      const settled = await h.control('POST', `/_sim/transactions/${body.request.tracking_id}/settle`);
      assert.equal(settled.body.status, 'successful');
      assert.equal((await lookup(body.request.tracking_id)).transaction_status, 'successful');
      assert.equal((await h.control('POST', `/_sim/transactions/${body.request.tracking_id}/fail`)).status, 409, 'final never moves');
    });

    it('an amount ending in .51 is rejected for insufficient funds', async () => {
      const body = paymentRequest({ provider_id: account.provider_id, amount: '30.51' });
      const created = await h.api('POST', '/v1/checkout', body, account.api_key);
      await pressThrough(created.body.url, 'pay');
      assert.deepEqual(await lookup(body.request.tracking_id), { transaction_status: 'rejected', rejected_reason: 'Insufficient funds' });
    });

    it('refuses an unknown provider with 1016, a missing tracking_id with 1089, a reused one with 1076', async () => {
      const unknown = await h.api('POST', '/v1/checkout', paymentRequest({ provider_id: 999 }), account.api_key);
      assert.deepEqual(unknown.body, { code: 1016, message: 'Credential not found' });
      const missing = await h.api('POST', '/v1/checkout', paymentRequest({ provider_id: 210, tracking_id: undefined }), account.api_key);
      assert.deepEqual(missing.body, { code: 1089, message: 'Client Transaction ID is missing' });
      const body = paymentRequest({ provider_id: 210 });
      assert.equal((await h.api('POST', '/v1/checkout', body, account.api_key)).status, 200);
      const again = await h.api('POST', '/v1/checkout', body, account.api_key);
      assert.deepEqual(again.body, { code: 1076, message: "You can't change this transaction" });
    });

    it('names every invalid field with 1025, and a bad webhook URL with 1229', async () => {
      const res = await h.api('POST', '/v1/checkout', paymentRequest({ provider_id: 210, amount: 10.005, currency: 'eur', mode: 'prod', customer: { first_name: 'J' } }), account.api_key);
      assert.equal(res.status, 400);
      assert.equal(res.body.code, 1025);
      assert.deepEqual(
        res.body.errors.map((e: { field: string }) => e.field).sort(),
        ['request.amount', 'request.currency', 'request.customer.country_code', 'request.customer.email', 'request.customer.last_name', 'request.mode'],
      );
      const hook = await h.api('POST', '/v1/checkout', paymentRequest({ provider_id: 210, settings: { webhook_url: 'ftp://x' } }), account.api_key);
      assert.deepEqual(hook.body, { code: 1229, message: 'Your Webhook URL is not available at this time' });
      const notJson = await h.api('POST', '/v1/checkout', '{"request": {"card_number": "4111111111111111"', account.api_key);
      assert.equal(notJson.status, 400);
      assert.equal(notJson.body.code, 1025);
      assert.doesNotMatch(JSON.stringify(notJson.body), /4111/);
      const unwrapped = await h.api('POST', '/v1/checkout', { provider_id: 210 }, account.api_key);
      assert.deepEqual(unwrapped.body.errors, [{ field: 'request', message: 'the body must be {"request": {...}}' }]);
    });

    it('parses amounts exactly: 10.05 is 10.05, not a float neighbour', async () => {
      const body = paymentRequest({ provider_id: 210, amount: 10.05 });
      await h.api('POST', '/v1/checkout', body, account.api_key);
      const view = await h.control('GET', `/_sim/transactions/${body.request.tracking_id}`);
      assert.equal(view.body.amount, '10.05');
      const yen = paymentRequest({ provider_id: 210, amount: 1500, currency: 'JPY' });
      await h.api('POST', '/v1/checkout', yen, account.api_key);
      assert.equal((await h.control('GET', `/_sim/transactions/${yen.request.tracking_id}`)).body.amount, '1500');
    });
  });

  describe('all-in-one cashier', () => {
    it('answers a token; the cashier page lists providers and leads to the checkout', async () => {
      const body = paymentRequest({ theme: 'dark', amount_restricted: true, settings: { return_url: returnUrl() } });
      const created = await h.api('POST', '/v1/cashier', body, account.api_key);
      assert.equal(created.status, 200);
      assert.deepEqual(Object.keys(created.body), ['token']);
      assert.match(created.body.token, /^[A-Za-z0-9]{50}$/);
      assert.equal((await lookup(body.request.tracking_id)).transaction_status, 'initiated');
      const page = await (await fetch(`${h.base}/cashier/${created.body.token}`)).text();
      assert.match(page, /Card \(simulator\)/);
      assert.match(page, /Bank transfer \(simulator\)/);

      const visit = await pressThrough(`${h.base}/cashier/${created.body.token}`, 'pay', { fields: { provider_id: '211' } });
      assert.equal(visit.trail.filter((step) => step.includes('/checkout/')).length, 2, visit.trail.join('\n'));
      const view = await h.control('GET', `/_sim/transactions/${body.request.tracking_id}`);
      assert.equal(view.body.status, 'successful');
      assert.equal(view.body.provider.name, 'simulator_bank');
    });

    it('lets the payer change the amount when amount_restricted is false', async () => {
      const body = paymentRequest({ amount_restricted: false });
      const created = await h.api('POST', '/v1/cashier', body, account.api_key);
      await pressThrough(`${h.base}/cashier/${created.body.token}`, 'pay', { fields: { amount: '42.50' } });
      assert.equal((await h.control('GET', `/_sim/transactions/${body.request.tracking_id}`)).body.amount, '42.50');
    });
  });

  describe('server-to-server card', () => {
    const s2s = (card: string, overrides: Record<string, unknown> = {}) =>
      paymentRequest({ routing_id: account.routing_id, card_details: cardDetails(card), ...overrides });

    it('approves 4111 1111 1111 1111 straight away with an empty url, and notifies', async () => {
      const start = h.receiver.received.length;
      const body = s2s(testCards.approved);
      const res = await h.api('POST', '/v1/payments/s2s', body, account.api_key);
      assert.equal(res.status, 200);
      assert.equal(res.body.url, '');
      assert.equal(res.body.transaction_status, 'successful');
      assert.equal(res.body.error, undefined);
      // Other tests' webhooks may still arrive meanwhile: wait for this payment's own.
      const trackingId = (body as { request: { tracking_id: string } }).request.tracking_id;
      const ours = () => h.receiver.received.slice(start).filter((r) => JSON.parse(r.body).tracking_id === trackingId);
      for (let waited = 0; ours().length === 0 && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      const [hook] = ours();
      assert.equal(JSON.parse(hook!.body).status, 'successful');
      assert.equal(JSON.parse(hook!.body).provider, 'simulator_card');
    });

    it('declines 4000 0000 0000 0002 with an error', async () => {
      const res = await h.api('POST', '/v1/payments/s2s', s2s(testCards.declined), account.api_key);
      assert.deepEqual({ ...res.body, transaction_id: undefined }, { url: '', transaction_status: 'rejected', error: 'Card declined', transaction_id: undefined });
    });

    it('declines an expired card, a card failing Luhn, and 4000 0000 0000 9995 for funds', async () => {
      const expired = await h.api('POST', '/v1/payments/s2s', s2s(testCards.approved, { card_details: { ...cardDetails(testCards.approved), exp_year: '2020' } }), account.api_key);
      assert.equal(expired.body.error, 'Card expired');
      const luhn = await h.api('POST', '/v1/payments/s2s', s2s('4111111111111112'), account.api_key);
      assert.equal(luhn.body.error, 'Invalid card number');
      const funds = await h.api('POST', '/v1/payments/s2s', s2s(testCards.insufficientFunds), account.api_key);
      assert.equal(funds.body.error, 'Insufficient funds');
    });

    it('sends 4000 0000 0000 3220 to a 3DS page; Pay there makes it successful, Decline rejects', async () => {
      const body = s2s(testCards.threeDs, { settings: { return_url: returnUrl() } });
      const res = await h.api('POST', '/v1/payments/s2s', body, account.api_key);
      assert.equal(res.body.transaction_status, 'pending');
      assert.ok(res.body.url.startsWith(`${h.base}/3ds/`));
      const page = await (await fetch(res.body.url)).text();
      assert.match(page, /400000\*{6}3220/);
      await pressThrough(res.body.url, 'pay');
      assert.equal((await lookup(body.request.tracking_id)).transaction_status, 'successful');

      const declined = s2s(testCards.threeDs);
      const second = await h.api('POST', '/v1/payments/s2s', declined, account.api_key);
      await pressThrough(second.body.url, 'decline');
      assert.deepEqual(await lookup(declined.request.tracking_id), { transaction_status: 'rejected', rejected_reason: '3DS authentication failed' });
    });

    it('refuses an unknown routing_id with 1016 and a malformed card with 1025, never echoing card data', async () => {
      const route = await h.api('POST', '/v1/payments/s2s', s2s(testCards.approved, { routing_id: 1 }), account.api_key);
      assert.deepEqual(route.body, { code: 1016, message: 'Credential not found' });
      const bad = await h.api('POST', '/v1/payments/s2s', s2s('4111', { card_details: { ...cardDetails('41111111111111x1'), cvc: '12' } }), account.api_key);
      assert.equal(bad.body.code, 1025);
      assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field), ['request.card_details.card_number', 'request.card_details.cvc']);
      assert.doesNotMatch(JSON.stringify(bad.body), /41111|"12"/);
    });

    it('keeps no full card number or CVC anywhere it shows transactions', async () => {
      const body = s2s(testCards.approved);
      await h.api('POST', '/v1/payments/s2s', body, account.api_key);
      const shown = JSON.stringify([
        (await h.control('GET', '/_sim/transactions')).body,
        (await h.control('GET', '/_sim/webhooks')).body,
        (await h.api('GET', '/v1/transactions', undefined, account.api_key)).body,
        await lookup(body.request.tracking_id),
      ]);
      for (const card of Object.values(testCards)) assert.ok(!shown.includes(card), `full card number ${card} shown`);
      assert.ok(!shown.includes('"444"') && !shown.includes('cvc'), 'CVC shown');
      const view = await h.control('GET', `/_sim/transactions/${body.request.tracking_id}`);
      assert.equal(view.body.card.masked, '411111******1111');
    });
  });
});
