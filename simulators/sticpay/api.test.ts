import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoAccount } from './accounts.js';
import { sign, signedPairs } from './signing.js';
import {
  detailFields,
  payFields,
  refundFields,
  requestTime,
  signed,
  startSimulator,
  withdrawFields,
  type Merchant,
  type RunningSimulator,
} from './test-helpers.js';

const urls = { notify: 'http://127.0.0.1:9/notify', return: 'http://127.0.0.1:9/return' };
const signatureInvalid = {
  success: false,
  code: 809,
  message: 'Signature is invalid',
  errors: [{ field: 'sign', defaultMessage: 'signature verification failed' }],
};
let order = 0;
const nextOrder = () => `ord-${process.pid}-${(order += 1)}`;

describe('sticpay API', () => {
  let sim: RunningSimulator;
  let merchant: Merchant;
  before(async () => {
    sim = await startSimulator();
    merchant = await sim.newMerchant();
  });
  after(() => sim.close());

  describe('sign', () => {
    it('refuses a wrong signature with 809 in an HTTP 200 body', async () => {
      const fields = payFields(merchant, nextOrder(), '10.00', urls);
      const res = await sim.post('/rest_pay/pay', { ...fields, sign: sign(signedPairs('pay', fields), 'another-key', 'MD5') });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, signatureInvalid);
    });

    it('refuses an unknown merchant exactly like a wrong signature', async () => {
      const stranger = { merchantEmail: 'nobody@sticpay.example', apiKey: 'k', signType: 'MD5' as const };
      const res = await sim.post('/rest_pay/pay', payFields(stranger, nextOrder(), '10.00', urls));
      assert.deepEqual(res.body, signatureInvalid);
    });

    it('refuses upper-case hex and a field changed after signing', async () => {
      const fields = payFields(merchant, nextOrder(), '10.00', urls);
      assert.deepEqual((await sim.post('/rest_pay/pay', { ...fields, sign: fields.sign!.toUpperCase() })).body, signatureInvalid);
      assert.deepEqual((await sim.post('/rest_pay/pay', { ...fields, order_amount: '10.01' })).body, signatureInvalid);
    });

    it('signs in the fixed field order, not sorted, with &key= last', async () => {
      const fields = payFields(merchant, nextOrder(), '10.00', urls);
      const sorted = Object.entries(fields)
        .filter(([k]) => signedPairs('pay', fields).some(([name]) => name === k))
        .sort(([a], [b]) => a.localeCompare(b)) as [string, string][];
      const res = await sim.post('/rest_pay/pay', { ...fields, sign: sign(sorted, merchant.apiKey, 'MD5') });
      assert.deepEqual(res.body, signatureInvalid);
    });

    it('checks SHA-256 for an account set to SHA-256, and refuses MD5 there', async () => {
      const sha = await sim.newMerchant({ signType: 'SHA256' });
      const fields = payFields(sha, nextOrder(), '10.00', urls);
      assert.equal(fields.sign!.length, 64);
      assert.equal((await sim.post('/rest_pay/pay', fields)).body.success, true);
      const md5 = payFields({ ...sha, signType: 'MD5' }, nextOrder(), '10.00', urls);
      assert.deepEqual((await sim.post('/rest_pay/pay', md5)).body, signatureInvalid);
    });

    it('knows the demo account', async () => {
      const res = await sim.post('/rest_pay/pay', payFields(demoAccount, nextOrder(), '1.00', urls));
      assert.equal(res.body.success, true);
    });
  });

  describe('POST /rest_pay/pay', () => {
    it('answers {success, link} for JSON and for a form, and the order is pending', async () => {
      for (const as of ['json', 'form'] as const) {
        const orderNo = nextOrder();
        const res = await sim.post('/rest_pay/pay', payFields(merchant, orderNo, '25.50', urls), as);
        assert.deepEqual(Object.keys(res.body).sort(), ['link', 'success']);
        assert.match(String(res.body.link), new RegExp(`^${sim.base}/1\\.1/pay/consume_token/[0-9a-f]{60}$`));
        const detail = await sim.post('/rest_transaction/detail', detailFields(merchant, { order_id: orderNo }));
        assert.equal(detail.body.success, true);
        assert.equal(detail.body.status, 'pending');
        assert.equal(detail.body.type, 'pay');
        assert.equal(detail.body.amount, '25.50');
        assert.match(String(detail.body.transaction_code), /^ST\d{16}$/);
      }
    });

    it('lists every invalid field in Spring style', async () => {
      const res = await sim.post('/rest_pay/pay', { merchant_email: merchant.merchantEmail, order_amount: '1.234', order_currency: 'USD' });
      assert.equal(res.status, 200);
      assert.equal(res.body.success, false);
      assert.equal(res.body.code, 1000);
      assert.equal(res.body.message, 'Invalid request parameters');
      const errors = res.body.errors as { field: string; defaultMessage: string }[];
      assert.deepEqual(
        errors.map((e) => e.field),
        ['order_no', 'order_time', 'order_amount', 'interface_version', 'notify_url', 'return_url', 'sign'],
      );
      assert.deepEqual(errors[2], { field: 'order_amount', defaultMessage: 'must have at most 2 decimal places' });
    });

    it('answers a malformed body as a validation error', async () => {
      const response = await fetch(`${sim.base}/rest_pay/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":' });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), {
        success: false,
        code: 1000,
        message: 'Invalid request parameters',
        errors: [{ field: 'body', defaultMessage: 'is not valid JSON' }],
      });
    });

    it('refuses a second order with the same number (1300), across pay and withdraw', async () => {
      const orderNo = nextOrder();
      assert.equal((await sim.post('/rest_pay/pay', payFields(merchant, orderNo, '5.00', urls))).body.success, true);
      const again = await sim.post('/rest_pay/pay', payFields(merchant, orderNo, '5.00', urls));
      assert.deepEqual(again.body, { success: false, code: 1300, message: 'Duplicate order number', errors: [{ field: 'order_no', defaultMessage: 'is already used' }] });
      assert.equal((await sim.post('/rest_withdraw/withdraw', withdrawFields(merchant, orderNo, '1.00'))).body.code, 1300);
    });

    it('declines an amount ending .02 at creation (test data)', async () => {
      const res = await sim.post('/rest_pay/pay', payFields(merchant, nextOrder(), '10.02', urls));
      assert.deepEqual(res.body, { success: false, code: 1200, message: 'Order declined by risk management', errors: [] });
    });
  });

  describe('POST /rest_transaction/detail', () => {
    it('finds by transaction code too, 1401 for unknown, other merchants and the other interface version', async () => {
      const orderNo = nextOrder();
      await sim.post('/rest_pay/pay', payFields(merchant, orderNo, '3.00', urls));
      const byOrder = await sim.post('/rest_transaction/detail', detailFields(merchant, { order_id: orderNo }));
      const byCode = await sim.post('/rest_transaction/detail', detailFields(merchant, { transaction_code: String(byOrder.body.transaction_code) }));
      assert.deepEqual(byCode.body, byOrder.body);
      const notFound = { success: false, code: 1401, message: 'Order not found', errors: [] };
      assert.deepEqual((await sim.post('/rest_transaction/detail', detailFields(merchant, { order_id: 'nope' }))).body, notFound);
      const other = await sim.newMerchant();
      assert.deepEqual((await sim.post('/rest_transaction/detail', detailFields(other, { order_id: orderNo }))).body, notFound);
      assert.deepEqual((await sim.post('/rest_transaction/detail', detailFields(merchant, { order_id: orderNo }, 'sandbox'))).body, notFound);
    });

    it('wants exactly one of order_id and transaction_code', async () => {
      const res = await sim.post('/rest_transaction/detail', detailFields(merchant, { order_id: 'a', transaction_code: 'b' }));
      assert.equal(res.body.code, 1000);
      assert.deepEqual(res.body.errors, [{ field: 'transaction_code', defaultMessage: 'give exactly one of order_id and transaction_code' }]);
    });
  });

  describe('POST /rest_withdraw/withdraw', () => {
    it('debits the wallet at once and answers pending; 700 when the wallet is short', async () => {
      const payer = await sim.newMerchant({ balances: { USD: '100.00' } });
      const orderId = nextOrder();
      const res = await sim.post('/rest_withdraw/withdraw', withdrawFields(payer, orderId, '60.13'));
      assert.equal(res.body.success, true);
      assert.equal(res.body.status, 'pending');
      assert.equal(res.body.order_id, orderId);
      assert.equal(res.body.amount, '60.13');
      assert.equal((await sim.control<{ balances: Record<string, string> }>('GET', `/_sim/accounts/${payer.merchantEmail}`)).body.balances.USD, '39.87');
      const short = await sim.post('/rest_withdraw/withdraw', withdrawFields(payer, nextOrder(), '39.88'));
      assert.deepEqual(short.body, { success: false, code: 700, message: 'Insufficient balance', errors: [] });
    });

    it('settles by itself after the modeled delay (30 s × timeScale)', async () => {
      const orderId = nextOrder();
      await sim.post('/rest_withdraw/withdraw', withdrawFields(merchant, orderId, '1.00'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const detail = await sim.post('/rest_transaction/detail', detailFields(merchant, { order_id: orderId }));
      assert.equal(detail.body.status, 'approved');
      assert.equal(detail.body.type, 'withdraw');
      assert.equal(detail.body.customer, 'payee@sticpay.example');
    });

    it('refuses a payout to the merchant itself', async () => {
      const fields = signed('withdraw', { ...withdrawFields(merchant, nextOrder(), '1.00'), customer: merchant.merchantEmail }, merchant);
      assert.equal((await sim.post('/rest_withdraw/withdraw', fields)).body.code, 1000);
    });
  });

  describe('POST /rest_withdraw/refund', () => {
    it('refunds an approved payment in full once, by order_id or transaction_code; 1402 otherwise', async () => {
      const orderNo = nextOrder();
      await sim.post('/rest_pay/pay', payFields(merchant, orderNo, '7.00', urls));
      const notYet = await sim.post('/rest_withdraw/refund', refundFields(merchant, { order_id: orderNo }));
      assert.deepEqual(notYet.body, {
        success: false,
        code: 1402,
        message: 'Transaction is not refundable',
        errors: [{ field: 'transaction_code', defaultMessage: 'the payment is pending' }],
      });
      await sim.control('POST', `/_sim/transactions/${orderNo}/approve`);
      const detail = await sim.post('/rest_transaction/detail', detailFields(merchant, { order_id: orderNo }));
      const refund = await sim.post('/rest_withdraw/refund', refundFields(merchant, { transaction_code: String(detail.body.transaction_code) }));
      assert.equal(refund.body.success, true);
      assert.equal(refund.body.status, 'approved');
      assert.equal(refund.body.order_id, orderNo);
      assert.equal(refund.body.amount, '7.00');
      assert.equal(refund.body.original_transaction_code, detail.body.transaction_code);
      const refundDetail = await sim.post('/rest_transaction/detail', detailFields(merchant, { transaction_code: String(refund.body.transaction_code) }));
      assert.equal(refundDetail.body.type, 'refund');
      assert.equal(refundDetail.body.status, 'approved');
      const twice = await sim.post('/rest_withdraw/refund', refundFields(merchant, { order_id: orderNo }));
      assert.equal(twice.body.code, 1402);
      assert.deepEqual(twice.body.errors, [{ field: 'transaction_code', defaultMessage: 'the payment is already refunded' }]);
    });

    it('answers 1401 for an unknown order and 701 when the wallet cannot cover the refund', async () => {
      assert.equal((await sim.post('/rest_withdraw/refund', refundFields(merchant, { order_id: 'missing' }))).body.code, 1401);
      const poor = await sim.newMerchant({ balances: { USD: '0' } });
      const orderNo = nextOrder();
      await sim.post('/rest_pay/pay', payFields(poor, orderNo, '9.00', urls));
      await sim.control('POST', `/_sim/transactions/${orderNo}/approve`);
      await sim.control('PUT', `/_sim/accounts/${poor.merchantEmail}/balances`, { USD: '8.99' });
      const res = await sim.post('/rest_withdraw/refund', refundFields(poor, { order_id: orderNo }));
      assert.deepEqual(res.body, { success: false, code: 701, message: 'Insufficient balance', errors: [] });
    });

    it('refuses a refund whose datetime is not the modeled format', async () => {
      const fields = signed('refund', { merchant: merchant.merchantEmail, order_id: 'x', request_datetime: new Date().toISOString() }, merchant);
      const res = await sim.post('/rest_withdraw/refund', fields);
      assert.deepEqual(res.body.errors, [{ field: 'request_datetime', defaultMessage: 'must be "yyyy-MM-dd HH:mm:ss"' }]);
      assert.match(requestTime(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    });
  });

  describe('faults and unknown routes', () => {
    it('injects a 5xx with the error body on the named route only, and counts requests', async () => {
      await sim.control('PUT', '/_sim/faults', { api: [{ fault: 'error', status: 503, route: 'POST /rest_pay/pay' }] });
      const detail = await sim.post('/rest_transaction/detail', detailFields(merchant, { order_id: 'nope' }));
      assert.equal(detail.body.code, 1401);
      const faulted = await sim.post('/rest_pay/pay', payFields(merchant, nextOrder(), '1.00', urls));
      assert.equal(faulted.status, 503);
      assert.deepEqual(faulted.body, { success: false, code: 503, message: 'Service Unavailable', errors: [] });
      assert.equal((await sim.post('/rest_pay/pay', payFields(merchant, nextOrder(), '1.00', urls))).body.success, true);
      const counts = (await sim.control<Record<string, number>>('GET', '/_sim/requests')).body;
      assert.ok((counts['POST /rest_pay/pay'] ?? 0) >= 2);
    });

    it('holds a request open on a timeout fault', async () => {
      await sim.control('PUT', '/_sim/faults', { api: [{ fault: 'timeout', route: 'POST /rest_pay/pay' }] });
      await assert.rejects(
        fetch(`${sim.base}/rest_pay/pay`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payFields(merchant, nextOrder(), '1.00', urls)),
          signal: AbortSignal.timeout(200),
        }),
        /aborted|timeout/i,
      );
    });

    it('answers an unknown path with 404 and the error body', async () => {
      const response = await fetch(`${sim.base}/rest_pay/nothing`, { method: 'POST' });
      assert.equal(response.status, 404);
      assert.deepEqual(await response.json(), { success: false, code: 404, message: 'Not Found', errors: [] });
    });
  });
});

describe('sticpay mounted like the engine mounts it', () => {
  it('keeps its own body parsing and error bodies under a parent with its own JSON parser and error handler', async () => {
    const { default: Fastify } = await import('fastify');
    const { defaultSimulatorOptions } = await import('../kit/simulator.js');
    const { simulator } = await import('./index.js');
    const parent = Fastify();
    parent.removeContentTypeParser('application/json');
    parent.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, { parentParsed: body }));
    parent.setErrorHandler((_error, _request, reply) => reply.code(418).send({ parent: true }));
    await parent.register(
      async (scope) => {
        await scope.register(simulator.create(defaultSimulatorOptions('http://engine.test/simulators/sticpay', { timeScale: 0.001 })), { prefix: '/sticpay' });
      },
      { prefix: '/simulators' },
    );
    try {
      const fields = payFields(demoAccount, nextOrder(), '2.00', urls);
      const created = await parent.inject({ method: 'POST', url: '/simulators/sticpay/rest_pay/pay', payload: fields });
      assert.equal(created.statusCode, 200);
      assert.match(created.json().link, /^http:\/\/engine\.test\/simulators\/sticpay\/1\.1\/pay\/consume_token\//);
      const form = await parent.inject({
        method: 'POST',
        url: '/simulators/sticpay/rest_transaction/detail',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(detailFields(demoAccount, { order_id: fields.order_no! })).toString(),
      });
      assert.equal(form.json().status, 'pending');
      const bad = await parent.inject({ method: 'POST', url: '/simulators/sticpay/rest_pay/pay', headers: { 'content-type': 'text/plain' }, payload: 'x' });
      assert.equal(bad.statusCode, 200);
      assert.equal(bad.json().code, 1000);
      const missing = await parent.inject({ method: 'GET', url: '/simulators/sticpay/nothing' });
      assert.deepEqual(missing.json(), { success: false, code: 404, message: 'Not Found', errors: [] });
    } finally {
      await parent.close();
    }
  });
});
