import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mask, Redactor } from './redaction.js';

const apiKey = 'sk_live_51HxQpZ2eZvKYlo2C';
const password = 'p@ss w/rd+1é';
const credential = {
  apiKey,
  account: { merchantId: 'merchant_4242', password },
  terminal: 77123456,
  algorithm: 'MD5',
  currency: 'USD',
};
const redactor = Redactor.fromCredential(credential);
// No credential values: card and label rules only, so numbers are not masked by accident of a numeric secret.
const plain = new Redactor([]);

describe('Redactor: credential values', () => {
  it('masks a credential value inside URLs, log lines and JSON strings', () => {
    assert.equal(
      redactor.text(`https://psp.test/v1/pay?key=${apiKey}&currency=USD`),
      'https://psp.test/v1/pay?key=***&currency=USD',
    );
    assert.equal(redactor.text(`Bearer ${apiKey}`), 'Bearer ***');
    assert.equal(redactor.text(`login failed for merchant_4242`), 'login failed for ***');
    assert.equal(redactor.text(JSON.stringify({ note: `pw was ${password}` })), '{"note":"pw was ***"}');
  });

  it('masks numeric credential values as strings and as numbers', () => {
    assert.equal(redactor.text('terminal 77123456 ready'), 'terminal *** ready');
    assert.deepEqual(redactor.value({ terminal: 77123456, amount: 100 }), { terminal: mask, amount: 100 });
  });

  it('masks the URL-encoded, form-encoded and JSON-escaped forms', () => {
    assert.equal(redactor.text(`pw=${encodeURIComponent(password)}`), 'pw=***');
    assert.equal(redactor.text(new URLSearchParams({ pw: password }).toString()), 'pw=***');
    const withQuote = new Redactor(['se"cr\\et']);
    assert.equal(withQuote.text(JSON.stringify({ note: 'x se"cr\\et y' })), '{"note":"x *** y"}');
  });

  it('masks the base64 forms, also inside a larger base64 blob such as Basic auth', () => {
    const b64 = Buffer.from(apiKey).toString('base64');
    assert.equal(redactor.text(`encoded ${b64}`), 'encoded ***');
    assert.equal(redactor.text(`encoded ${Buffer.from(apiKey).toString('base64url')}`), 'encoded ***');
    for (const user of ['u', 'us', 'user', 'acme-shop']) {
      const basic = Buffer.from(`${user}:${apiKey}`).toString('base64');
      const out = redactor.text(`Basic ${basic}`);
      assert.ok(out.includes(mask), out);
      // What is left around the mask is the username's own bytes plus at most two boundary characters.
      const visible = out.replace('Basic ', '').replace(mask, '');
      assert.ok(visible.length <= Math.ceil(((user.length + 1) * 4) / 3) + 4, `${user}: ${out}`);
    }
  });

  it('does not mask credential values shorter than four characters', () => {
    const line = 'signing with MD5, amount 10.00 USD';
    assert.equal(redactor.text(line), line);
    assert.deepEqual(redactor.value({ currency: 'USD', algorithm: 'MD5' }), { currency: 'USD', algorithm: 'MD5' });
    assert.equal(new Redactor(['    ', 'ab']).text('a    b ab'), 'a    b ab');
  });

  it('masks the longest secret first when secrets overlap', () => {
    const overlapping = new Redactor(['abcd1234', 'abcd1234efgh5678']);
    assert.equal(overlapping.text('x abcd1234efgh5678 y abcd1234 z'), 'x *** y *** z');
  });

  it('walks nested credentials, arrays included, and adds the extra secrets', () => {
    const nested = Redactor.fromCredential({ keys: [{ value: 'first-secret' }, 'second-secret'] }, ['extra-secret']);
    assert.equal(nested.text('first-secret second-secret extra-secret'), '*** *** ***');
  });
});

describe('Redactor: headers', () => {
  it('masks sensitive header names whatever their case, and keeps the others', () => {
    const out = redactor.headers({
      Authorization: 'Basic dXNlcjpwYXNz',
      'X-Api-Key': 'k1',
      'X-Signature': 'abc',
      DigitalSignature: 'def',
      'x-connect-signature': 'ghi',
      Cookie: 'session=1',
      'Set-Cookie': 'session=2',
      'X-Auth-Token': 't',
      ApplicationToken: 't2',
      'Content-Type': 'application/json',
      'X-Request-Id': 'req-1',
    });
    assert.deepEqual(out, {
      Authorization: mask,
      'X-Api-Key': mask,
      'X-Signature': mask,
      DigitalSignature: mask,
      'x-connect-signature': mask,
      Cookie: mask,
      'Set-Cookie': mask,
      'X-Auth-Token': mask,
      ApplicationToken: mask,
      'Content-Type': 'application/json',
      'X-Request-Id': 'req-1',
    });
  });

  it('runs the other header values through text()', () => {
    assert.deepEqual(redactor.headers({ 'X-Merchant': 'merchant_4242', Location: `/pay?key=${apiKey}` }), {
      'X-Merchant': mask,
      Location: '/pay?key=***',
    });
  });

  it('applies the header rules to a headers object met inside value()', () => {
    const out = redactor.value({ request: { headers: { Cookie: 'a=b', 'x-signature': 's', Accept: '*/*' } } });
    assert.deepEqual(out, { request: { headers: { Cookie: mask, 'x-signature': mask, Accept: '*/*' } } });
  });
});

describe('Redactor: card numbers', () => {
  it('masks Luhn-valid card numbers in free text, with or without separators', () => {
    assert.equal(plain.text('card 4111 1111 1111 1111 declined'), 'card *** declined');
    assert.equal(plain.text('4111-1111-1111-1111'), mask);
    assert.equal(plain.text('pan=5555555555554444;'), 'pan=***;');
    assert.equal(plain.text('amex 3782 822463 10005 ok'), 'amex *** ok');
    assert.equal(plain.text('{"n":"6011111111111117"}'), '{"n":"***"}');
    assert.equal(plain.text('visa13 4222222222222'), 'visa13 ***');
  });

  it('finds a card number that runs into neighbouring numbers', () => {
    assert.equal(plain.text('qty 2 4111 1111 1111 1111 x'), 'qty 2 *** x');
    assert.equal(plain.text('order 12345 4111-1111-1111-1111 2025'), 'order 12345 *** 2025');
  });

  it('masks Luhn-valid card numbers held as JSON numbers', () => {
    assert.deepEqual(plain.value({ a: 4111111111111111, b: [5555555555554444] }), { a: mask, b: [mask] });
  });

  it('keeps digit runs that fail Luhn, and epoch timestamps', () => {
    const ids = 'order 1234567890123456 ref 4111111111111112 at 1758818848508 id 20250925123456789';
    assert.equal(plain.text(ids), ids);
    assert.equal(plain.text('1758818848508'), '1758818848508');
    assert.deepEqual(plain.value({ createdAt: 1758818848508, id: 1234567890123456 }), {
      createdAt: 1758818848508,
      id: 1234567890123456,
    });
    // Luhn-valid, but a 13-digit number starting with 1 is a millisecond timestamp: no card scheme issues one.
    assert.equal(plain.text('at 1758818848501'), 'at 1758818848501');
    assert.deepEqual(plain.value({ at: 1758818848501 }), { at: 1758818848501 });
  });

  it('keeps identifiers whose digits happen to pass Luhn (a gateway transaction code the engine must store as it is)', () => {
    assert.equal(plain.text('code ST4111111111111111 paid'), 'code ST4111111111111111 paid');
    assert.deepEqual(plain.value({ pspTxnId: 'ST4111111111111111', ref: 'tx_5555555555554444', n: '4111111111111111x' }), {
      pspTxnId: 'ST4111111111111111',
      ref: 'tx_5555555555554444',
      n: '4111111111111111x',
    });
    assert.equal(plain.text('card: 4111111111111111.'), 'card: ***.');
  });

  it('never masks the middle of a digit run inside an identifier (hex ids, codes with a digit before the card-like part)', () => {
    // Regression: the run was matched from its second digit on, which a digit does not stop.
    for (const id of ['605ef47cadd341111111111111119db7de', 'ST84111111111111111', 'pg_94111111111111111']) {
      assert.equal(plain.text(`id ${id} ok`), `id ${id} ok`);
      assert.deepEqual(plain.value({ id }), { id });
    }
  });

  it('keeps digit runs longer than any card number', () => {
    const long = 'trace 41111111111111110000';
    assert.equal(plain.text(long), long);
  });
});

describe('Redactor: sensitive keys', () => {
  it('masks sensitive keys at any depth, whatever the value type', () => {
    const out = plain.value({
      payment: {
        card: { number: '4111111111111112', cvv: '123', expiryMonth: '12', holder: 'Jo' },
        client_secret: 'pi_123_secret_456',
        Access_Token: { nested: true },
        'api-key': 42,
        pin: 1234,
      },
      Password: null,
      securityCode: '999',
      card_security_code: '9999',
      CVC2: 123,
      invoice: { number: 'INV-1' },
    });
    assert.deepEqual(out, {
      payment: {
        card: { number: mask, cvv: mask, expiryMonth: '12', holder: 'Jo' },
        client_secret: mask,
        Access_Token: mask,
        'api-key': mask,
        pin: mask,
      },
      Password: mask,
      securityCode: mask,
      card_security_code: mask,
      CVC2: mask,
      invoice: { number: 'INV-1' },
    });
  });

  it('masks number keys under any card-named ancestor, arrays included', () => {
    assert.deepEqual(plain.value({ cards: [{ number: '1' }], cardDetails: { info: { number: '2' } } }), {
      cards: [{ number: mask }],
      cardDetails: { info: { number: mask } },
    });
  });

  it('keeps the key names themselves', () => {
    const out = plain.value({ token: 'x', tokenType: 'Bearer' }) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ['token', 'tokenType']);
    assert.equal(out.tokenType, 'Bearer');
  });
});

describe('Redactor: labelled values in free text', () => {
  it('masks labelled CVC values and keeps the label', () => {
    assert.equal(plain.text('cvv=123&amount=100'), 'cvv=***&amount=100');
    assert.equal(plain.text('{"cvc": "1234", "amount": 100}'), '{"cvc": "***", "amount": 100}');
    assert.equal(plain.text('cvc2: 123 then'), 'cvc2: *** then');
    assert.equal(plain.text('{"card_cvv":123}'), '{"card_cvv":"***"}');
    assert.equal(plain.text('card%5Bcvc%5D=123&x=1'), 'card%5Bcvc%5D=***&x=1');
    assert.equal(plain.text(JSON.stringify({ body: JSON.stringify({ cvv: '123' }) })), '{"body":"{\\"cvv\\":\\"***\\"}"}');
  });

  it('masks other labelled secrets in URLs, JSON text and log lines', () => {
    assert.equal(
      plain.text('https://h.test/p?password=hunter2&sign=abc&sign_type=MD5'),
      'https://h.test/p?password=***&sign=***&sign_type=MD5',
    );
    assert.equal(plain.text('{"access_token":"eyJhbGciOi.x.y","token_type":"Bearer"}'), '{"access_token":"***","token_type":"Bearer"}');
    assert.equal(plain.text('Authorization: Bearer abc.def'), 'Authorization: Bearer ***');
  });

  it('leaves unlabelled short numbers and ordinary labels alone', () => {
    const line = 'amount=123 code: 456 design=7 shipping: 8 "tokens": 3';
    assert.equal(plain.text(line), line);
  });
});

describe('Redactor.value', () => {
  it('keeps the structure and makes non-plain objects plain', () => {
    class Thing {
      label = 'x';
    }
    const out = plain.value({
      list: [1, 'a', null, true, undefined],
      date: new Date('2025-09-25T10:00:00.000Z'),
      map: new Map([['k', 'v']]),
      set: new Set(['s']),
      thing: new Thing(),
      bytes: new Uint8Array([1, 2, 3]),
      error: new Error('boom'),
    });
    assert.deepEqual(out, {
      list: [1, 'a', null, true, undefined],
      date: '2025-09-25T10:00:00.000Z',
      map: { k: 'v' },
      set: ['s'],
      thing: { label: 'x' },
      bytes: mask,
      error: { name: 'Error', message: 'boom' },
    });
  });

  it('never mutates its input and shares no objects with it', () => {
    const input = {
      logs: [`key ${apiKey}`],
      http: [{ request: { url: `https://psp.test/?key=${apiKey}`, headers: { Authorization: 'x' }, data: { cvv: '123' } } }],
    };
    const before = structuredClone(input);
    const out = redactor.value(input) as typeof input;
    assert.deepEqual(input, before);
    assert.notEqual(out, input);
    assert.notEqual(out.http[0], input.http[0]);
    assert.notEqual(out.http[0]!.request.data, input.http[0]!.request.data);
    assert.deepEqual(out, {
      logs: ['key ***'],
      http: [{ request: { url: 'https://psp.test/?key=***', headers: { Authorization: mask }, data: { cvv: mask } } }],
    });
  });

  it('replaces cycles and excessive depth with the mask instead of throwing', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    cyclic.list = [cyclic];
    assert.deepEqual(plain.value(cyclic), { name: 'a', self: mask, list: [mask] });

    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 200; i++) deep = { child: deep };
    let node = plain.value(deep);
    let levels = 0;
    while (typeof node === 'object' && node !== null) {
      node = (node as Record<string, unknown>).child;
      levels++;
    }
    assert.equal(node, mask);
    assert.equal(levels, 64);
  });

  it('copies an object shared by two branches into both', () => {
    const shared = { v: 1 };
    assert.deepEqual(plain.value({ a: shared, b: shared }), { a: { v: 1 }, b: { v: 1 } });
  });

  it('keeps a __proto__ key as data instead of changing the prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as unknown;
    const out = plain.value(input) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ['__proto__', 'ok']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('masks an object whose getter throws rather than crashing', () => {
    const hostile = {
      get boom(): string {
        throw new Error('no');
      },
    };
    assert.deepEqual(plain.value({ ok: 1, hostile }), { ok: 1, hostile: mask });
  });

  it('redacts a typical meta quickly (sanity bound, not a benchmark)', () => {
    const headers: Record<string, string> = { Authorization: `Bearer ${apiKey}` };
    for (let i = 0; i < 19; i++) headers[`X-Header-${i}`] = `value-${i}-abcdefghijklmnop`;
    const items = Array.from({ length: 20 }, (_, i) => ({
      sku: `SKU-${i}`,
      name: `Item ${i} with a description`,
      qty: i,
      price: 100 + i,
      tags: ['a', 'b'],
    }));
    const body = JSON.stringify({ amount: 1999, currency: 'EUR', createdAt: 1758818848508, items });
    // A message of its own: Node 20's generated assert.ok message re-parses the source and can hang under tsx.
    assert.ok(body.length > 1800 && body.length < 2500, `body is ${body.length} bytes`);
    const meta = {
      logs: ['calling PSP', `merchant merchant_4242`],
      http: [{ request: { url: 'https://psp.test/v1/pay', method: 'POST', headers, data: body }, response: { status: 200, headers, data: body } }],
    };
    const started = performance.now();
    for (let i = 0; i < 1000; i++) redactor.value(meta);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 500, `1000 redactions took ${elapsed.toFixed(1)} ms`);
  });
});
