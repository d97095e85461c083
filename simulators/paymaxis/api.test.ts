import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningSimulator, call, depositBody, eventually, startSimulator } from './test-support.js';

type Result = Record<string, unknown>;
type Envelope = { result: Result; status: number; timestamp: string };
type ErrorBody = { status: number; timestamp: string; error: string; message: string; errors?: { field: string; message: string }[] };

const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('paymaxis simulator: API', () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.close());

  const create = (body: unknown, headers?: Record<string, string>) => sim.api<Envelope>('POST', '/api/v1/payments', body, headers);
  const fresh = (extra: Record<string, unknown> = {}) => ({ ...depositBody, referenceId: `ref-${Math.random()}`, ...extra });

  describe('auth', () => {
    const expectUnauthorized = (answer: { status: number; headers: Headers; body: unknown }) => {
      assert.equal(answer.status, 401);
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer');
      const body = answer.body as ErrorBody;
      assert.match(body.timestamp, isoTimestamp);
      assert.deepEqual(body, {
        status: 401,
        timestamp: body.timestamp,
        error: 'Unauthorized',
        message: 'Full authentication is required: send Authorization: Bearer <shop API key>',
      });
    };

    it('refuses a call without Authorization', async () => {
      expectUnauthorized(await call(`${sim.baseUrl}/api/v1/payments`, 'POST', fresh()));
    });

    it('refuses an unknown key, another scheme, and an empty bearer', async () => {
      expectUnauthorized(await create(fresh(), { authorization: 'Bearer not-a-key' }));
      expectUnauthorized(await create(fresh(), { authorization: `Basic ${sim.apiKey}` }));
      expectUnauthorized(await sim.api('GET', '/api/v1/payments', undefined, { authorization: 'Bearer ' }));
    });

    it('keeps shops apart: another shop cannot see a payment', async () => {
      const other = await call<{ shopId: string; apiKey: string }>(`${sim.baseUrl}/_sim/accounts`, 'POST');
      assert.equal(other.status, 201);
      assert.match(other.body.apiKey, /^pmx_/);
      const created = await create(fresh());
      const seen = await sim.api<ErrorBody>('GET', `/api/v1/payments/${String(created.body.result.id)}`, undefined, {
        authorization: `Bearer ${other.body.apiKey}`,
      });
      assert.equal(seen.status, 404);
      assert.equal(seen.body.message, `Payment ${String(created.body.result.id)} not found`);
    });
  });

  describe('deposits', () => {
    it('creates a CHECKOUT payment with a hosted checkout redirectUrl', async () => {
      const referenceId = `order-${Date.now()}`;
      const answer = await create({ ...depositBody, referenceId, billingAddress: { countryCode: 'DE', city: 'Berlin' } });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.status, 200);
      assert.match(answer.body.timestamp, isoTimestamp);
      const { result } = answer.body;
      assert.match(String(result.id), /^[0-9a-f]{32}$/);
      assert.deepEqual(result, {
        id: result.id,
        paymentType: 'DEPOSIT',
        paymentMethod: 'BASIC_CARD',
        state: 'CHECKOUT',
        amount: 25,
        currency: 'EUR',
        referenceId,
        redirectUrl: `${sim.baseUrl}/checkout/${String(result.id)}`,
        customer: depositBody.customer,
        billingAddress: { countryCode: 'DE', city: 'Berlin' },
      });
      const fetched = await sim.api<Envelope>('GET', `/api/v1/payments/${String(result.id)}`);
      assert.deepEqual(fetched.body.result, result);
    });

    it('reads the amount from its JSON literal, exactly, at the currency precision', async () => {
      const raw = (amount: string, currency = 'EUR') =>
        create(`{"paymentType":"DEPOSIT","currency":"${currency}","amount":${amount},"referenceId":"${Math.random()}"}`);
      const big = await raw('1234567890123.45');
      assert.equal(big.status, 200);
      assert.match(big.text, /"amount":1234567890123\.45,/);
      assert.equal((await raw('150.50')).body.result.amount, 150.5);
      assert.equal((await raw('0.30')).body.result.amount, 0.3);
      assert.equal((await raw('1.5e1')).body.result.amount, 15);
      assert.equal((await raw('10.000')).body.result.amount, 10);
      assert.equal((await raw('100', 'JPY')).body.result.amount, 100);
      assert.equal((await raw('1.234', 'KWD')).body.result.amount, 1.234);
      const problems = async (amount: string, currency?: string) => ((await raw(amount, currency)).body as unknown as ErrorBody).errors;
      assert.deepEqual(await problems('10.005'), [{ field: 'amount', message: 'must have at most 2 decimal places' }]);
      assert.deepEqual(await problems('100.5', 'JPY'), [{ field: 'amount', message: 'must have at most 0 decimal places' }]);
      assert.deepEqual(await problems('0.30000000000000004'), [{ field: 'amount', message: 'must have at most 2 decimal places' }]);
      assert.deepEqual(await problems('-5'), [{ field: 'amount', message: 'must be greater than 0' }]);
      assert.deepEqual(await problems('0'), [{ field: 'amount', message: 'must be greater than 0' }]);
      assert.deepEqual(await problems('10000000000000.00'), [{ field: 'amount', message: 'is too large' }]);
      assert.deepEqual(await problems('"10.00"'), [{ field: 'amount', message: 'must be a number' }]);
    });

    it('answers a validation failure with one entry per field', async () => {
      const answer = await create({ paymentType: 'PAYOUT', amount: 5, currency: 'XXX', paymentMethod: 'PIX', returnUrl: 'ftp://x' });
      assert.equal(answer.status, 400);
      const body = answer.body as unknown as ErrorBody;
      assert.deepEqual(body, {
        status: 400,
        timestamp: body.timestamp,
        error: 'Bad Request',
        message: 'Validation failed',
        errors: [
          { field: 'paymentType', message: 'must be one of DEPOSIT, WITHDRAWAL, REFUND' },
          { field: 'currency', message: 'XXX is not supported' },
          { field: 'paymentMethod', message: 'PIX is not enabled for this shop' },
          { field: 'returnUrl', message: 'must be an absolute http(s) URL' },
        ],
      });
    });

    it('refuses malformed JSON and unknown paths in the same error shape', async () => {
      const malformed = await create('{"amount": ');
      assert.equal(malformed.status, 400);
      assert.equal((malformed.body as unknown as ErrorBody).message, 'Malformed JSON request body');
      const missing = await sim.api<ErrorBody>('GET', '/api/v2/nothing');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error, 'Not Found');
    });

    it('refuses a second payment with the same referenceId (409)', async () => {
      const body = fresh();
      assert.equal((await create(body)).status, 200);
      const again = await create(body);
      assert.equal(again.status, 409);
      assert.equal((again.body as unknown as ErrorBody).message, `Payment with referenceId ${body.referenceId} already exists`);
    });

    it('declines an amount ending in .02 at creation, without a checkout page', async () => {
      const { body } = await create(fresh({ amount: 10.02 }));
      assert.equal(body.result.state, 'DECLINED');
      assert.equal(body.result.errorCode, 'TEST_AMOUNT_DECLINED');
      assert.equal(body.result.redirectUrl, undefined);
    });
  });

  describe('withdrawals', () => {
    it('needs the customer reference, goes PENDING, then completes by itself', async () => {
      const missing = await create({ paymentType: 'WITHDRAWAL', amount: 5, currency: 'EUR' });
      assert.deepEqual((missing.body as unknown as ErrorBody).errors, [{ field: 'customer.referenceId', message: 'is required for a withdrawal' }]);
      const { body } = await create({ paymentType: 'WITHDRAWAL', amount: 40, currency: 'EUR', customer: { referenceId: 'cust-1' } });
      assert.equal(body.result.state, 'PENDING');
      assert.equal(body.result.redirectUrl, undefined);
      const id = String(body.result.id);
      await eventually(async () => {
        const state = (await sim.api<Envelope>('GET', `/api/v1/payments/${id}`)).body.result.state;
        return state === 'COMPLETED' ? state : undefined;
      });
    });

    it('keeps an amount ending in .13 PENDING until the back office completes it', async () => {
      const { body } = await create({ paymentType: 'WITHDRAWAL', amount: 40.13, currency: 'EUR', customer: { referenceId: 'cust-1' } });
      const id = String(body.result.id);
      await new Promise((resolve) => setTimeout(resolve, 300)); // longer than the scaled 15 minutes
      assert.equal((await sim.api<Envelope>('GET', `/api/v1/payments/${id}`)).body.result.state, 'PENDING');
      const done = await call<{ moved: boolean; result: Result }>(`${sim.baseUrl}/_sim/payments/${id}/complete`, 'POST');
      assert.equal(done.body.moved, true);
      assert.equal(done.body.result.state, 'COMPLETED');
    });
  });

  describe('refunds', () => {
    const refund = (parentPaymentId: unknown, extra: Record<string, unknown> = {}) =>
      create({ paymentType: 'REFUND', parentPaymentId, currency: 'EUR', referenceId: `r-${Math.random()}`, ...extra });
    const completedDeposit = async (amount = 25) => {
      const id = String((await create(fresh({ amount }))).body.result.id);
      await call(`${sim.baseUrl}/_sim/payments/${id}/complete`, 'POST');
      return id;
    };
    const refused = async (answer: Promise<{ body: unknown; status: number }>) => {
      const { status, body } = await answer;
      assert.equal(status, 400);
      const { errors, message } = body as ErrorBody;
      return errors ?? message;
    };

    it('refunds only a COMPLETED deposit of the same shop and currency', async () => {
      const open = String((await create(fresh())).body.result.id);
      assert.equal(await refused(refund(open, { amount: 5 })), `Payment ${open} is CHECKOUT and cannot be refunded`);
      assert.equal(await refused(refund('0'.repeat(32), { amount: 5 })), `Payment ${'0'.repeat(32)} not found`);
      assert.deepEqual(await refused(create({ paymentType: 'REFUND', currency: 'EUR', amount: 5 })), [
        { field: 'parentPaymentId', message: 'is required for a refund' },
      ]);
      const paid = await completedDeposit();
      assert.deepEqual(await refused(refund(paid, { currency: 'USD', amount: 5 })), [
        { field: 'currency', message: 'must be EUR, the currency of the deposit' },
      ]);
    });

    it('allows partial refunds up to what is left, and a refund without amount takes the rest', async () => {
      const paid = await completedDeposit(25);
      const first = await refund(paid, { amount: 10 });
      assert.equal(first.body.result.state, 'PENDING');
      assert.equal(first.body.result.parentPaymentId, paid);
      assert.equal(first.body.result.paymentMethod, 'BASIC_CARD');
      assert.deepEqual(await refused(refund(paid, { amount: 20 })), [{ field: 'amount', message: 'must be at most 15.00, what is left to refund' }]);
      const rest = await refund(paid);
      assert.equal(rest.body.result.amount, 15);
      assert.equal(await refused(refund(paid, { amount: 1 })), `Payment ${paid} is already fully refunded`);
    });

    it('gives the amount of a declined refund back', async () => {
      const paid = await completedDeposit(25);
      const declined = await refund(paid, { amount: 10.02 });
      assert.equal(declined.body.result.state, 'DECLINED');
      assert.equal((await refund(paid, { amount: 25 })).status, 200);
    });

    it('completes a refund by itself after the scaled processing time', async () => {
      const id = String((await refund(await completedDeposit())).body.result.id);
      await eventually(async () => ((await sim.api<Envelope>('GET', `/api/v1/payments/${id}`)).body.result.state === 'COMPLETED' ? true : undefined));
    });
  });

  describe('list', () => {
    it('lists newest first with limit, offset, hasMore and created/updated ranges', async () => {
      const shop = (await call<{ apiKey: string }>(`${sim.baseUrl}/_sim/accounts`, 'POST')).body;
      const auth = { authorization: `Bearer ${shop.apiKey}` };
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        ids.push(String((await create(fresh(), auth)).body.result.id));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      type Page = Envelope & { result: Result[]; hasMore: boolean };
      const page = (query: string) => sim.api<Page>('GET', `/api/v1/payments${query}`, undefined, auth);
      const all = await page('');
      assert.deepEqual(all.body.result.map((p) => p.id), [...ids].reverse());
      assert.equal(all.body.hasMore, false);
      const second = await page('?limit=1&offset=1');
      assert.deepEqual(second.body.result.map((p) => p.id), [ids[1]]);
      assert.equal(second.body.hasMore, true);
      const future = new Date(Date.now() + 60_000).toISOString();
      assert.deepEqual((await page(`?created.gte=${future}`)).body.result, []);
      assert.equal((await page(`?created.lt=${future}&updated.lt=${future}`)).body.result.length, 3);
      const bad = await page('?limit=0&created.gte=yesterday');
      assert.equal(bad.status, 400);
      assert.deepEqual((bad.body as unknown as ErrorBody).errors, [
        { field: 'limit', message: 'must be an integer from 1 to 100' },
        { field: 'created.gte', message: 'must be an ISO 8601 date-time' },
      ]);
    });
  });

  describe('faults', () => {
    it('answers an injected 5xx on the named route only, in Paymaxis shape, and counts requests', async () => {
      const before = (await call<Record<string, number>>(`${sim.baseUrl}/_sim/requests`, 'GET')).body['POST /api/v1/payments'] ?? 0;
      await call(`${sim.baseUrl}/_sim/faults`, 'PUT', { api: [{ fault: 'error', status: 503, route: 'POST /api/v1/payments' }] });
      const listed = await sim.api('GET', '/api/v1/payments?limit=1');
      assert.equal(listed.status, 200);
      const failed = await create(fresh());
      assert.equal(failed.status, 503);
      const body = failed.body as unknown as ErrorBody;
      assert.deepEqual(body, { status: 503, timestamp: body.timestamp, error: 'Service Unavailable', message: 'Service Unavailable' });
      assert.equal((await create(fresh())).status, 200);
      const after = (await call<Record<string, number>>(`${sim.baseUrl}/_sim/requests`, 'GET')).body['POST /api/v1/payments'];
      assert.equal(after, before + 2);
    });

    it('holds a request open on a timeout fault, and the next one answers', async () => {
      await call(`${sim.baseUrl}/_sim/faults`, 'PUT', { api: [{ fault: 'timeout', route: 'POST /api/v1/payments' }] });
      await assert.rejects(
        fetch(`${sim.baseUrl}/api/v1/payments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${sim.apiKey}` },
          body: JSON.stringify(fresh()),
          signal: AbortSignal.timeout(200),
        }),
        /timeout|aborted/i,
      );
      assert.equal((await create(fresh())).status, 200);
    });
  });
});
