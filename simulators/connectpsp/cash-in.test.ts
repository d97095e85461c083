import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { pressThrough } from '../../test/conformance/hosted-pages.js';
import { crc16 } from './br-code.js';
import {
  cashInBody,
  invalidCpf,
  Merchant,
  startSimulator,
  submitForm,
  testCnpj,
  webhookReceiver,
  type Credentials,
  type RunningSimulator,
} from './test-support.js';

type CashInBody = {
  transactionId: string;
  internalCode: string;
  status: string;
  amount: number;
  endToEndId: string | null;
  originalEndToEndId: string | null;
  paymentUrl?: string;
  pixData: { copyAndPaste: string; qrCodeImageBase64: string };
  payer: { bankData: unknown };
  code?: string;
  detail?: string;
};

describe('connectpsp simulator: cash-in', () => {
  let sim: RunningSimulator;
  let credentials: Credentials;
  let merchant: Merchant;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  before(async () => {
    sim = await startSimulator();
    credentials = await sim.newAccount();
    merchant = new Merchant(sim, credentials);
    receiver = await webhookReceiver();
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  const create = (overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    merchant.call<CashInBody>('POST', '/cash-in', cashInBody({ webhookUrl: receiver.url, ...overrides }), headers);
  const get = (id: string) => merchant.call<CashInBody>('GET', `/cash-in/${encodeURIComponent(id)}`);
  const refund = (id: string, body: unknown = { reason: 'CUSTOMER_REQUEST' }) =>
    merchant.call<CashInBody>('POST', `/cash-in/${id}/refund`, body, {}, true);
  const eventsFor = (id: string) =>
    receiver.received.filter((w) => (JSON.parse(w.body) as { data: { transactionId: string } }).data.transactionId === id);
  async function waitForEvent(id: string, eventType: string) {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = eventsFor(id).find((w) => (JSON.parse(w.body) as { eventType: string }).eventType === eventType);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${eventType} for ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('creates a charge with a BR Code that embeds the payload location and a PNG', async () => {
    const answer = await create({ amount: 150.5 });
    assert.equal(answer.status, 201);
    assert.equal(answer.body.status, 'AWAITING_PAYMENT');
    assert.equal(answer.body.amount, 150.5);
    assert.match(answer.body.transactionId, /^[0-9a-f-]{36}$/);
    assert.match(answer.body.internalCode, /^[A-Z]{10}$/);
    const code = answer.body.pixData.copyAndPaste;
    assert.ok(code.startsWith('000201010212'), code);
    assert.ok(code.includes(`${sim.base.replace('http://', '')}/pix/`), 'location points at the simulator');
    assert.ok(code.includes('5406150.50'), 'amount tag');
    assert.equal(code.slice(-4), crc16(code.slice(0, -4)), 'CRC16 matches');
    assert.equal(Buffer.from(answer.body.pixData.qrCodeImageBase64, 'base64').subarray(1, 4).toString(), 'PNG');
    assert.equal(answer.body.paymentUrl, undefined);
  });

  it('finds a charge by transactionId and internalCode, only for its own application', async () => {
    const { body } = await create();
    assert.equal((await get(body.transactionId)).body.internalCode, body.internalCode);
    assert.equal((await get(body.internalCode)).body.transactionId, body.transactionId);
    const stranger = new Merchant(sim, await sim.newAccount());
    const hidden = await stranger.call<CashInBody>('GET', `/cash-in/${body.transactionId}`);
    assert.equal(hidden.status, 404);
    assert.equal(hidden.body.code, 'RESOURCE_NOT_FOUND');
  });

  it('validates the payer document, verifier digits included, and the amount', async () => {
    const badCpf = await create({ payer: { name: 'Maria', document: invalidCpf } });
    assert.equal(badCpf.status, 400);
    assert.deepEqual([badCpf.body.code, badCpf.body.detail], ['VALIDATION_ERROR', 'payer.document is not a valid CPF (verifier digits do not match).']);
    assert.equal((await create({ payer: { name: 'ACME', document: testCnpj } })).status, 201);
    assert.equal((await create({ payer: { name: 'Maria', document: '529.982.247-25' } })).status, 400);
    for (const amount of ['150.50', 0, -1, 1.005, 0.1 + 0.2]) {
      const answer = await create({ amount });
      assert.equal(answer.status, 400, `amount ${amount}`);
      assert.equal(answer.body.code, 'VALIDATION_ERROR');
    }
  });

  it('refuses a second cash-in with the same externalReference (409)', async () => {
    const body = cashInBody();
    assert.equal((await merchant.call('POST', '/cash-in', body)).status, 201);
    const again = await merchant.call<CashInBody>('POST', '/cash-in', body);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'DUPLICATE_EXTERNAL_REFERENCE');
  });

  it('replays the original response for a repeated X-Idempotency-Key', async () => {
    const key = randomUUID();
    const body = cashInBody();
    const first = await merchant.call<CashInBody>('POST', '/cash-in', body, { 'x-idempotency-key': key });
    const second = await merchant.call<CashInBody>('POST', '/cash-in', body, { 'x-idempotency-key': key });
    assert.equal(second.status, 201);
    assert.deepEqual(second.body, first.body);
    const malformed = await merchant.call<CashInBody>('POST', '/cash-in', cashInBody(), { 'x-idempotency-key': 'not-a-uuid' });
    assert.equal(malformed.status, 400);
  });

  it('the bank app pays a pasted code: PAID with an E endToEndId, a signed CASHIN_PAID webhook', async () => {
    const { body } = await create();
    const visit = await pressThrough(`${sim.base}/bank-app`, 'pay', { fields: { code: body.pixData.copyAndPaste } });
    assert.match(visit.body, /Pix sent/);
    const paid = (await get(body.transactionId)).body;
    assert.equal(paid.status, 'PAID');
    assert.match(paid.endToEndId ?? '', /^E\d{8}\d{12}[A-Z0-9]{11}$/);
    assert.ok(paid.payer.bankData);
    assert.equal((await get(paid.endToEndId!)).body.transactionId, body.transactionId, 'found by endToEndId');

    const webhook = await waitForEvent(body.transactionId, 'CASHIN_PAID');
    assert.equal(webhook.headers['x-connect-signature'], createHmac('sha256', credentials.cryptoToken).update(webhook.body).digest('hex'));
    assert.match(String(webhook.headers['x-event-id']), /^[0-9a-f-]{36}$/);
    const event = JSON.parse(webhook.body) as { eventType: string; eventAt: string; data: CashInBody };
    assert.equal(event.data.status, 'PAID');
    assert.equal(event.data.endToEndId, paid.endToEndId);
    assert.match(event.eventAt, /^\d{4}-/);
  });

  it('declining in the bank app leaves the charge awaiting payment', async () => {
    const { body } = await create();
    const visit = await pressThrough(`${sim.base}/bank-app?code=${encodeURIComponent(body.pixData.copyAndPaste)}`, 'decline');
    assert.match(visit.body, /You did not pay/);
    assert.equal((await get(body.transactionId)).body.status, 'AWAITING_PAYMENT');
    const page = await fetch(`${sim.base}/bank-app?code=nonsense`);
    assert.equal(page.status, 404);
  });

  it('expires after expirationInMinutes on the simulator clock, or at once by control; no event', async () => {
    const { body } = await create({ expirationInMinutes: 1 });
    await sim.call('POST', '/_sim/clock/advance', { seconds: 60 });
    const expired = (await get(body.transactionId)).body as CashInBody & { expiredAt: string };
    assert.equal(expired.status, 'EXPIRED');
    assert.ok(expired.expiredAt);
    const pay = await submitForm(`${sim.base}/bank-app`, { code: body.pixData.copyAndPaste, decision: 'pay' });
    assert.equal(pay.status, 409);

    const other = (await create()).body;
    assert.equal((await sim.call('POST', `/_sim/cash-in/${other.transactionId}/expire`)).status, 200);
    assert.equal((await get(other.transactionId)).body.status, 'EXPIRED');
    assert.equal((await sim.call('POST', `/_sim/cash-in/${other.transactionId}/expire`)).status, 409);
    assert.equal(eventsFor(other.transactionId).length, 0);
  });

  it('refunds a PAID charge in full: 202, a D endToEndId, REFUNDED, CASHIN_REFUNDED', async () => {
    const { body } = await create({ amount: 20 });
    await sim.call('POST', `/_sim/cash-in/${body.transactionId}/pay`);
    const paid = (await get(body.transactionId)).body;
    const partial = await refund(body.transactionId, { reason: 'CUSTOMER_REQUEST', amount: 10 });
    assert.equal(partial.status, 400);
    const answer = await refund(body.transactionId);
    assert.equal(answer.status, 202);
    assert.match(answer.body.endToEndId ?? '', /^D\d{8}/);
    assert.equal(answer.body.originalEndToEndId, paid.endToEndId);
    assert.equal(answer.body.status, 'REFUNDED');
    const after = (await get(body.transactionId)).body;
    assert.equal(after.status, 'REFUNDED');
    assert.equal(after.endToEndId, answer.body.endToEndId);
    assert.equal((await get(answer.body.endToEndId!)).body.transactionId, body.transactionId, 'found by the D id');
    const webhook = JSON.parse((await waitForEvent(body.transactionId, 'CASHIN_REFUNDED')).body) as { data: CashInBody };
    assert.equal(webhook.data.status, 'REFUNDED');

    const again = await refund(body.transactionId);
    assert.deepEqual([again.status, again.body.code], [422, 'CASH_IN_ALREADY_REFUNDED']);
  });

  it('refuses to refund what is not PAID, with the documented codes', async () => {
    const awaiting = (await create()).body;
    assert.deepEqual(
      [(await refund(awaiting.transactionId)).body.code, (await refund(awaiting.transactionId, { reason: 'OOPS' })).status],
      ['CASH_IN_NOT_PAID', 400],
    );
    await sim.call('POST', `/_sim/cash-in/${awaiting.transactionId}/expire`);
    assert.equal((await refund(awaiting.transactionId)).body.code, 'CASH_IN_EXPIRED');
    assert.equal((await refund('00000000-0000-4000-8000-000000000000')).status, 404);
  });

  it('OpenFinance: paymentUrl to a consent page; Pay returns the payer to redirectUrl, paid', async () => {
    const redirectUrl = 'https://merchant.example/return?from=merchant';
    const { body } = await create({ openFinance: { redirectUrl } });
    assert.ok(body.paymentUrl?.startsWith(`${sim.base}/open-finance/`));
    const visit = await pressThrough(body.paymentUrl!, 'pay');
    const back = new URL(visit.url);
    assert.equal(`${back.origin}${back.pathname}`, 'https://merchant.example/return');
    assert.equal(back.searchParams.get('from'), 'merchant');
    assert.equal(back.searchParams.get('transactionId'), body.transactionId);
    assert.equal((await get(body.transactionId)).body.status, 'PAID');
    await waitForEvent(body.transactionId, 'CASHIN_PAID');
  });

  it('OpenFinance: Decline cancels the charge and returns the payer; a cancelled charge is not refundable', async () => {
    const { body } = await create({ openFinance: { redirectUrl: 'http://127.0.0.1:9/return' } });
    const answer = await submitForm(body.paymentUrl!, { decision: 'decline' });
    assert.equal(answer.status, 303);
    assert.match(answer.headers.get('location') ?? '', /status=CANCELLED/);
    assert.equal((await get(body.transactionId)).body.status, 'CANCELLED');
    assert.equal((await refund(body.transactionId)).body.code, 'CASH_IN_CANCELLED');
  });
});
