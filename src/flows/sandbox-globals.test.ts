import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Redactor } from './redaction.js';
import { Sandbox, type StepReport } from './sandbox.js';

// Everything runs through the real Sandbox and is compared with what Node itself answers.
const sandbox = new Sandbox({ timeoutMs: 10_000 });
after(() => sandbox.close());

// The same helpers on both sides: `outcome` answers a value, or the error as "Name: message".
const helpers = `
const hex = (data) => [...new Uint8Array(data instanceof ArrayBuffer ? data : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))]
  .map((byte) => byte.toString(16).padStart(2, '0')).join('');
const utf8 = (text) => new TextEncoder().encode(text);
const outcome = (f) => { try { return f(); } catch (err) { return err.name + ': ' + err.message; } };
`;
const outcome = (f: () => unknown) => {
  try {
    return f();
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
};

function runScript(script: string, ctx: Record<string, unknown> = {}): Promise<StepReport> {
  const egress = { allowedHosts: [], hostMap: {} };
  return sandbox.run({ scriptName: 'globals-test', script, step: 'initiate', ctx, egress, redactor: new Redactor([]) });
}
const stepScript = (body: string, imports: string) => `${imports}\n${helpers}\nexport async function initiate(ctx, sdk) {\n${body}\n}`;

/** Runs `body` as the initiate step (ctx and sdk in scope) and answers what it returns. */
async function inSandbox<T = unknown>(body: string, ctx: Record<string, unknown> = {}, imports = ''): Promise<T> {
  const report = await runScript(stepScript(body, imports), ctx);
  assert.equal(report.failure, null, report.failure?.message);
  return report.value as T;
}

async function failureOf(body: string, imports = ''): Promise<StepReport['failure']> {
  const report = await runScript(stepScript(body, imports));
  assert.equal(report.ok, false);
  return report.failure;
}

const stdImport = 'import { crypto as std } from "jsr:@std/crypto";';
const texts = ['', 'abc', 'The quick brown fox jumps over the lazy dog', 'héllo wörld', '中文字符 😀👍🏽', 'a'.repeat(1000)];
const binary = Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff);
const nodeHash = (algorithm: string, data: string | Uint8Array, encoding: 'hex' | 'base64' | 'base64url' = 'hex') =>
  createHash(algorithm).update(data).digest(encoding);

describe('sandbox digests', () => {
  it('MD5 through jsr:@std/crypto matches Node for text and bytes', async () => {
    const got = await inSandbox<string[]>(
      `const out = [];
       for (const text of ctx.texts) out.push(hex(await std.subtle.digest('MD5', utf8(text))));
       out.push(hex(await std.subtle.digest({ name: 'md5' }, new Uint8Array(ctx.binary))));
       out.push(hex(std.subtle.digestSync('MD5', [utf8('ab'), utf8('c')])), hex(await std.subtle.digest('MD5', 'héllo')));
       out.push(std.subtle.timingSafeEqual(utf8('ab'), utf8('ab')), std.subtle.timingSafeEqual(utf8('ab'), utf8('ac')));
       return out;`,
      { texts, binary },
      stdImport,
    );
    assert.deepEqual(got, [
      ...texts.map((t) => nodeHash('md5', t)), nodeHash('md5', Uint8Array.from(binary)), nodeHash('md5', 'abc'), nodeHash('md5', 'héllo'),
      true, false,
    ]);
  });

  for (const algorithm of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']) {
    it(`${algorithm} through crypto.subtle matches Node`, async () => {
      const got = await inSandbox<string[]>(
        `const out = [];
         for (const text of ctx.texts) out.push(hex(await crypto.subtle.digest(ctx.algorithm, utf8(text))));
         out.push(hex(await crypto.subtle.digest({ name: ctx.algorithm.toLowerCase() }, new Uint8Array(ctx.binary).buffer)));
         return out;`,
        { texts, binary, algorithm },
      );
      const node = algorithm.replace('-', '').toLowerCase();
      assert.deepEqual(got, [...texts.map((t) => nodeHash(node, t)), nodeHash(node, Uint8Array.from(binary))]);
    });
  }

  it('hashes exactly the bytes of a view (offset and length respected)', async () => {
    const got = await inSandbox<string[]>(
      `const buffer = new Uint8Array(ctx.binary).buffer;
       return [
         hex(await crypto.subtle.digest('SHA-256', new Uint8Array(buffer, 10, 20))),
         hex(await crypto.subtle.digest('SHA-256', new DataView(buffer, 3, 7))),
         hex(await crypto.subtle.digest('SHA-256', new Uint16Array(buffer, 4, 8))),
       ];`,
      { binary },
    );
    const bytes = Uint8Array.from(binary);
    assert.deepEqual(got, [[10, 30], [3, 10], [4, 20]].map(([start, end]) => nodeHash('sha256', bytes.subarray(start, end))));
  });

  it('a Sticpay-style MD5 sign via jsr:@std/crypto runs unchanged', async () => {
    const script = `import { crypto } from "jsr:@std/crypto";
const toHex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
async function sign(pairs, credential) {
  const text = pairs.map(([k, v]) => \`\${k}=\${v}\`).join("&") + \`&key=\${credential.apiKey}\`;
  return toHex(await crypto.subtle.digest("MD5", new TextEncoder().encode(text)));
}
export async function initiate(ctx, sdk) {
  const pairs = [["merchant_email", "a@b.c"], ["order_no", "1"], ["order_amount", "10.50"], ["order_currency", "USD"]];
  return sdk.response.success({ digest: await sign(pairs, ctx.credential) });
}`;
    const report = await runScript(script, { credential: { apiKey: 'K' } });
    const expected = nodeHash('md5', 'merchant_email=a@b.c&order_no=1&order_amount=10.50&order_currency=USD&key=K');
    assert.deepEqual(report.value, { __type: 'success', data: { digest: expected } });
  });

  it('computes the Cube Pay webhook signature test vector', async () => {
    // From the Cube Pay spec: upper-case hex SHA-1 of JSON.stringify(payload) + signature password.
    const payload = {
      transaction_id: 'r21nmrtpcmrcava', user_id: '1111222', tracking_id: 'b8f04416-116a-11ed-861d-0242ac120002',
      status: 'rejected', currency: 'GBP', amount: '200.00', transaction_type: 'withdrawal',
    };
    const got = await inSandbox<string[]>(
      `const text = JSON.stringify(ctx.payload) + ctx.pass;
       return [hex(await crypto.subtle.digest('SHA-1', utf8(text))).toUpperCase(), sdk.crypto.hash('sha1', text).toUpperCase()];`,
      { payload, pass: 'spg_test_companyxxxxQyGAheyMqcHVmp8ZMQtkYcev27sCu7RF' },
    );
    assert.deepEqual(got, ['5FDDA8F46411C132DCFBEE53C39BA06298CB48BC', '5FDDA8F46411C132DCFBEE53C39BA06298CB48BC']);
  });
});

describe('sandbox HMAC (crypto.subtle)', () => {
  for (const hash of ['SHA-256', 'SHA-1', 'SHA-512']) {
    it(`HMAC-${hash} sign matches Node and verify accepts it, rejects a changed one`, async () => {
      const got = await inSandbox<[string, boolean, boolean, boolean]>(
        `const key = await crypto.subtle.importKey('raw', utf8(ctx.key), { name: 'HMAC', hash: { name: ctx.hash } }, false, ['sign', 'verify']);
         const signature = await crypto.subtle.sign({ name: 'HMAC' }, key, utf8(ctx.data));
         const changed = new Uint8Array(signature.slice(0)); changed[0] ^= 1;
         return [hex(signature), await crypto.subtle.verify('HMAC', key, signature, utf8(ctx.data)),
           await crypto.subtle.verify('HMAC', key, changed, utf8(ctx.data)),
           await crypto.subtle.verify('HMAC', key, signature, utf8(ctx.data + '!'))];`,
        { key: 'k€y-material', data: 'amount=10.00&currency=EUR', hash },
      );
      const node = hash.replace('-', '').toLowerCase();
      assert.deepEqual(got, [createHmac(node, 'k€y-material').update('amount=10.00&currency=EUR').digest('hex'), true, false, false]);
    });
  }

  it('keeps key bytes out of sight and exports them only when extractable', async () => {
    const got = await inSandbox<unknown[]>(
      `const raw = new Uint8Array([1, 2, 3, 4, 5]);
       const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
       raw[0] = 99;
       const hidden = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
       const refused = await crypto.subtle.exportKey('raw', hidden).then(() => 'exported', (err) => err.name);
       return [key.type, key.extractable, key.algorithm, key.usages, Object.getOwnPropertyNames(key), JSON.stringify(key),
         key instanceof CryptoKey, [...new Uint8Array(await crypto.subtle.exportKey('raw', key))], refused,
         await crypto.subtle.sign('HMAC', hidden, raw).then(() => 'signed', (err) => err.name)];`,
    );
    assert.deepEqual(got, [
      'secret', true, { name: 'HMAC', hash: { name: 'SHA-256' }, length: 40 }, ['sign'], [], '{}', true,
      [1, 2, 3, 4, 5], 'InvalidAccessError', 'InvalidAccessError',
    ]);
  });

  it('rejects unsupported algorithms and formats with WebCrypto error names', async () => {
    const got = await inSandbox<string[]>(
      `const name = (promise) => promise.then(() => 'resolved', (err) => err.name);
       return [
         await name(crypto.subtle.digest('MD5', utf8('x'))),
         await name(crypto.subtle.importKey('raw', utf8('k'), { name: 'AES-GCM' }, false, ['encrypt'])),
         await name(crypto.subtle.importKey('jwk', {}, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])),
         await name(crypto.subtle.importKey('raw', utf8('k'), { name: 'HMAC', hash: 'SHA-256' }, false, ['encrypt'])),
         await name(crypto.subtle.importKey('raw', utf8('k'), { name: 'HMAC' }, false, ['sign'])),
         await name(crypto.subtle.encrypt({ name: 'AES-GCM' }, null, utf8('x'))),
         await name(crypto.subtle.digest('SHA-256', 'not bytes')),
       ];`,
    );
    assert.deepEqual(got, ['NotSupportedError', 'NotSupportedError', 'NotSupportedError', 'SyntaxError', 'TypeError', 'NotSupportedError', 'TypeError']);
  });
});

describe('sandbox sdk.crypto and randomness', () => {
  it('hash and hmac match Node in hex, base64 and base64url, for text and bytes', async () => {
    const got = await inSandbox<string[]>(
      `const out = [];
       for (const algorithm of ['md5', 'sha1', 'SHA-256', 'sha384', 'sha512']) {
         for (const encoding of ['hex', 'base64', 'base64url']) {
           out.push(sdk.crypto.hash(algorithm, ctx.text, encoding), sdk.crypto.hmac(algorithm, ctx.key, ctx.text, encoding));
         }
       }
       out.push(sdk.crypto.hash('sha256', new Uint8Array(ctx.binary)), sdk.crypto.hmac('sha256', new Uint8Array([1, 2, 3]), new Uint8Array(ctx.binary).subarray(5, 50)));
       out.push(sdk.crypto.hash('md5', ctx.text));
       return out;`,
      { text: 'héllo 😀', key: 'secret-key', binary },
    );
    const expected: string[] = [];
    for (const algorithm of ['md5', 'sha1', 'sha256', 'sha384', 'sha512']) {
      for (const encoding of ['hex', 'base64', 'base64url'] as const) {
        expected.push(nodeHash(algorithm, 'héllo 😀', encoding), createHmac(algorithm, 'secret-key').update('héllo 😀').digest(encoding));
      }
    }
    const bytes = Uint8Array.from(binary);
    expected.push(nodeHash('sha256', bytes), createHmac('sha256', Uint8Array.from([1, 2, 3])).update(bytes.subarray(5, 50)).digest('hex'));
    expected.push(nodeHash('md5', 'héllo 😀'));
    assert.deepEqual(got, expected);
  });

  it('timingSafeEqual compares strings and bytes', async () => {
    const got = await inSandbox<boolean[]>(
      `const eq = sdk.crypto.timingSafeEqual;
       return [eq('abc', 'abc'), eq('abc', 'abd'), eq('abc', 'abcd'), eq('', ''), eq(utf8('é'), 'é'),
         eq(new Uint8Array([1, 2]), new Uint8Array([1, 2])), eq(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))];`,
    );
    assert.deepEqual(got, [true, false, false, true, true, true, false]);
  });

  it('randomUUID gives v4 UUIDs and getRandomValues fills the whole view', async () => {
    const got = await inSandbox<unknown[]>(
      `const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
       const uuids = [crypto.randomUUID(), crypto.randomUUID(), sdk.crypto.randomUUID(), std.randomUUID()];
       const big = crypto.getRandomValues(new Uint8Array(65536));
       const words = crypto.getRandomValues(new Uint32Array(8));
       const buffer = new Uint8Array(16);
       crypto.getRandomValues(new Uint8Array(buffer.buffer, 4, 8));
       return [uuids.every((u) => v4.test(u)), new Set(uuids).size, new Set(big).size > 200, words.some((w) => w !== 0),
         buffer.slice(0, 4).every((b) => b === 0) && buffer.slice(12).every((b) => b === 0),
         outcome(() => crypto.getRandomValues(new Uint8Array(65537))), outcome(() => crypto.getRandomValues(new Float64Array(2)))];`,
      {},
      stdImport,
    );
    assert.deepEqual(got, [
      true, 4, true, true, true, 'QuotaExceededError: The requested length exceeds 65,536 bytes',
      'TypeMismatchError: The data argument must be an integer-type TypedArray',
    ]);
  });
});

describe('sandbox encoding', () => {
  const samples = ['', 'a', 'ab', 'abc', 'héllo wörld', '中文 😀 𝄞', '\u0000\u00ff~?>'];

  it('sdk.encoding base64 and base64url match Buffer and round-trip', async () => {
    const got = await inSandbox<unknown[]>(
      `const { base64, base64url } = sdk.encoding;
       const bytes = new Uint8Array(ctx.binary);
       return [ctx.samples.map((s) => [base64.encode(s), base64url.encode(s), base64.decode(base64.encode(s)), base64url.decode(base64url.encode(s))]),
         base64.encode(bytes), base64url.encode(bytes.buffer), [...base64.decodeBytes(base64.encode(bytes))].join(','),
         [...base64url.decodeBytes(base64url.encode(bytes.subarray(1)))].join(','), base64.decode('aMOpbGxv\\n'), base64url.decode('-_8=').length];`,
      { samples, binary },
    );
    const bytes = Buffer.from(binary);
    assert.deepEqual(got, [
      // What a step answers is kept and shown, so a NUL in it comes back as U+FFFD (see Redactor).
      samples.map((s) => [Buffer.from(s).toString('base64'), Buffer.from(s).toString('base64url'), s.replaceAll('\u0000', '\ufffd'), s.replaceAll('\u0000', '\ufffd')]),
      bytes.toString('base64'), bytes.toString('base64url'), binary.join(','), binary.slice(1).join(','),
      'héllo', Buffer.from([0xfb, 0xff]).toString('utf8').length,
    ]);
  });

  it('btoa and atob match Node, errors included', async () => {
    const latin1 = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    const inputs = ['', 'a', 'hello', latin1];
    const encoded = ['', 'YQ', 'YQ==', ' aGVs\nbG8=\t', 'aGVsbG8', '////', 'YWJj ZA=='];
    const bad = ['a', 'ab!c', 'YQ=', 'YQ===', 'é', '=YQ'];
    const got = await inSandbox<unknown[]>(
      `return [ctx.inputs.map((s) => btoa(s)), ctx.encoded.map((s) => atob(s)), ctx.bad.map((s) => outcome(() => atob(s))), outcome(() => btoa('€'))];`,
      { inputs, encoded, bad },
    );
    assert.deepEqual(got, [inputs.map((s) => btoa(s)), encoded.map((s) => atob(s)), bad.map((s) => outcome(() => atob(s))), outcome(() => btoa('€'))]);
  });

  it('TextEncoder and TextDecoder match Node on emoji, CJK, lone surrogates and invalid bytes', async () => {
    const strings = ['héllo', '中文字符', '😀👍🏽🇫🇷', 'a\uD800b', '\uDC00', 'x\uD83D', '\uFEFFbom'];
    const byteSamples = [
      [0xf0, 0x9f, 0x98, 0x80], [0xff, 0x41], [0xe0, 0x80, 0x41], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98], [0xc3],
      [0xef, 0xbb, 0xbf, 0x41], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf], [0xe4, 0xb8, 0xad, 0xe6, 0x96],
    ];
    const got = await inSandbox<unknown[]>(
      `const encoder = new TextEncoder();
       const decoder = new TextDecoder();
       const into = new Uint8Array(5);
       const streaming = new TextDecoder('utf-8');
       const streamed = streaming.decode(new Uint8Array([0xe4, 0xb8]), { stream: true }) + streaming.decode(new Uint8Array([0xad, 0x41]));
       const fatal = outcome(() => new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array([0xff])));
       return [ctx.strings.map((s) => [...encoder.encode(s)]), ctx.bytes.map((b) => decoder.decode(new Uint8Array(b))),
         new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])),
         encoder.encodeInto('a😀b', into), [...into], streamed, fatal, encoder.encoding, new TextDecoder('UTF8').encoding,
         decoder.decode(new Uint16Array([0x6968]))];`,
      { strings, bytes: byteSamples },
    );
    const into = new Uint8Array(5);
    const streaming = new TextDecoder('utf-8');
    assert.deepEqual(got, [
      strings.map((s) => [...new TextEncoder().encode(s)]),
      byteSamples.map((b) => new TextDecoder().decode(Uint8Array.from(b))),
      new TextDecoder('utf-8', { ignoreBOM: true }).decode(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41])),
      { ...new TextEncoder().encodeInto('a😀b', into) }, [...into],
      streaming.decode(Uint8Array.from([0xe4, 0xb8]), { stream: true }) + streaming.decode(Uint8Array.from([0xad, 0x41])),
      outcome(() => new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from([0xff]))), 'utf-8', 'utf-8',
      new TextDecoder().decode(new Uint16Array([0x6968])),
    ]);
  });
});

describe('sandbox URL and URLSearchParams', () => {
  const fields = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'] as const;
  const parts = (url: URL) => fields.map((field) => url[field]);
  const partsSource = 'const parts = (url) => ctx.fields.map((field) => url[field]);';
  const cases: [string, string?][] = [
    ['https://example.com'],
    ['HTTPS://User:Pw@EXAMPLE.com:443/a/../b/./c?x=1&y=%zz#frag ment'],
    ['http://example.com:8080/path with spaces/?q=a b'],
    ['../other/page?z=9#top', 'https://api.psp.test/v1/pay/index.html'],
    ['//cdn.example.org/x.js', 'https://site.test/'],
    ['?only=query', 'https://site.test/path/file'],
    ['http://[2001:db8::1]:8443/ipv6'],
    ['https://bücher.example/straße?ä=ö'],
    ['https://xn--bcher-kva.example/'],
    ['http://192.168.0.1:80/'],
    ['file:///etc/hosts'],
    ['mailto:someone@example.com?subject=Hi there'],
    ['https://example.com/?a=1&a=2&b=%20+x'],
  ];

  it('parses and serialises like Node for a dozen inputs', async () => {
    const got = await inSandbox<unknown[]>(
      `${partsSource}
       return ctx.cases.map(([input, base]) => { const url = base === undefined ? new URL(input) : new URL(input, base); return [...parts(url), String(url), url.toJSON()]; });`,
      { cases, fields },
    );
    assert.deepEqual(got, cases.map(([input, base]) => { const url = new URL(input, base); return [...parts(url), String(url), url.toJSON()]; }));
  });

  it('setters re-parse like Node', async () => {
    const edits: [string, string][] = [
      ['pathname', '/new path/é'], ['search', '?a=b c'], ['hash', 'x y'], ['protocol', 'http'], ['host', 'other.test:8080'],
      ['hostname', 'münchen.test'], ['port', '9443'], ['port', 'not-a-port'], ['username', 'us er'], ['href', 'https://reset.test/z?q'],
      ['search', ''], ['hash', ''],
    ];
    const start = 'https://example.com:8443/p?q=1#h';
    const got = await inSandbox<unknown[]>(
      `${partsSource}
       const url = new URL(ctx.start);
       return ctx.edits.map(([field, value]) => { url[field] = value; return parts(url); });`,
      { start, edits, fields },
    );
    const url = new URL(start);
    assert.deepEqual(got, edits.map(([field, value]) => {
      (url as unknown as Record<string, string>)[field] = value;
      return parts(url);
    }));
  });

  it('rejects invalid URLs with TypeError like Node, and canParse agrees', async () => {
    const got = await inSandbox<unknown[]>(
      `return [outcome(() => new URL('not a url')), outcome(() => new URL('/relative')), outcome(() => { new URL('https://ok.test').href = 'nope'; }),
         URL.canParse('https://ok.test'), URL.canParse('/x'), URL.canParse('/x', 'https://ok.test'), URL.parse('nope')];`,
    );
    assert.deepEqual(got, ['TypeError: Invalid URL', 'TypeError: Invalid URL', 'TypeError: Invalid URL', true, false, true, null]);
  });

  it('URLSearchParams serialises byte for byte like Node', async () => {
    const pairs: [string, string][] = [
      ['a b', 'c d'], ['plus+', '1+1=2'], ['amp&', 'x&y'], ['eq=', '=='], ['uni', 'é中😀'], ['tilde', '~!*()\'-._'],
      ['empty', ''], ['', 'no name'], ['slash/?', '%41#'], ['lone', '\uD800'],
    ];
    const query = '?a=1&b=x+y&c=%E2%82%AC&d&&e=%zz&f=a=b&a=2&%F0%9F%98%80=%FF';
    const got = await inSandbox<unknown[]>(
      `const fromPairs = new URLSearchParams(ctx.pairs);
       const fromRecord = new URLSearchParams(Object.fromEntries(ctx.pairs));
       const parsed = new URLSearchParams(ctx.query);
       const edited = new URLSearchParams(ctx.query);
       edited.append('z', 'last'); edited.set('a', 'one'); edited.delete('b'); edited.sort();
       return [fromPairs.toString(), fromRecord.toString(), [...parsed], parsed.get('a'), parsed.getAll('a'), parsed.has('d'), parsed.has('a', '2'),
         parsed.get('missing'), parsed.size, parsed.toString(), edited.toString(), [...edited.keys()], [...edited.values()],
         new URLSearchParams(fromPairs).toString(), new URLSearchParams(null).toString()];`,
      { pairs, query },
    );
    const [fromPairs, parsed, edited] = [new URLSearchParams(pairs), new URLSearchParams(query), new URLSearchParams(query)];
    edited.append('z', 'last');
    edited.set('a', 'one');
    edited.delete('b');
    edited.sort();
    assert.deepEqual(got, [
      fromPairs.toString(), new URLSearchParams(Object.fromEntries(pairs)).toString(), [...parsed], parsed.get('a'), parsed.getAll('a'),
      parsed.has('d'), parsed.has('a', '2'), null, parsed.size, parsed.toString(), edited.toString(), [...edited.keys()], [...edited.values()],
      fromPairs.toString(), '',
    ]);
  });

  it('keeps a URL and its searchParams in sync both ways', async () => {
    const got = await inSandbox<unknown[]>(
      `const url = new URL('https://psp.test/pay?amount=10#frag');
       const params = url.searchParams;
       params.set('amount', '10.50'); params.append('note', 'a b&c');
       const first = url.href;
       url.search = '?x=1';
       const afterSearch = [params.get('x'), params.get('amount'), url.searchParams === params];
       params.delete('x');
       const emptied = url.href;
       url.href = 'https://other.test/?k=v';
       const seen = [];
       params.forEach((value, name) => seen.push(name + ':' + value));
       return [first, afterSearch, emptied, seen, JSON.stringify({ url })];`,
    );
    assert.deepEqual(got, [
      'https://psp.test/pay?amount=10.50&note=a+b%26c#frag', ['1', null, true], 'https://psp.test/pay#frag', ['k:v'],
      '{"url":"https://other.test/?k=v"}',
    ]);
  });
});

describe('sandbox globals', () => {
  it('are present, not enumerable, and can be replaced by a script', async () => {
    const got = await inSandbox<unknown[]>(
      `const names = ['TextEncoder', 'TextDecoder', 'atob', 'btoa', 'URL', 'URLSearchParams', 'crypto', 'DOMException'];
       const types = names.map((name) => typeof globalThis[name]);
       const enumerable = Object.keys(globalThis).filter((key) => names.includes(key));
       globalThis.atob = () => 'replaced';
       return [types, enumerable, atob('YQ=='), new DOMException('m', 'DataError') instanceof Error];`,
    );
    assert.deepEqual(got, [['function', 'function', 'function', 'function', 'function', 'function', 'object', 'function'], [], 'replaced', true]);
  });

  it('turns bad inputs into clean script errors', async () => {
    assert.deepEqual(await failureOf(`await crypto.subtle.digest('MD4', utf8('x'));`), {
      kind: 'script_error',
      message: 'NotSupportedError: Unrecognized algorithm name "MD4" for digest (supported: SHA-1, SHA-256, SHA-384, SHA-512)',
    });
    assert.deepEqual(await failureOf(`new URL('not a url');`), { kind: 'script_error', message: 'TypeError: Invalid URL' });
    assert.deepEqual(await failureOf(`atob('%%%');`), { kind: 'script_error', message: 'InvalidCharacterError: Invalid character' });
    assert.match((await failureOf(`await std.subtle.digest('MD5', 42);`, stdImport))!.message, /^TypeError: digest: the data must be/);
    assert.match((await failureOf(`new TextDecoder('latin1');`))!.message, /^RangeError: The "latin1" encoding is not supported/);
    assert.match((await failureOf(`sdk.crypto.hash('md4', 'x');`))!.message, /^TypeError: unsupported hash algorithm "md4"/);
    assert.match((await failureOf(`sdk.crypto.hash('sha256', 'x', 'latin1');`))!.message, /^TypeError: unsupported output encoding "latin1"/);
    assert.match((await failureOf(`sdk.crypto.hmac('sha256', 42, 'x');`))!.message, /^TypeError: sdk\.crypto\.hmac: the key must be/);
    assert.match((await failureOf(`sdk.crypto.hmac('sha256', 'k'.repeat(5000), 'x');`))!.message, /^RangeError: the key is larger than 4096 bytes/);
  });
});
