import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogId, idPatterns, randomBase62, tenantId, transactionId, ulid } from './ids.js';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const crockford = '0123456789abcdefghjkmnpqrstvwxyz';

/** Reads the 48-bit millisecond time back out of a ULID's first 10 characters. */
function ulidTime(id: string): number {
  let ms = 0;
  for (const char of id.slice(0, 10)) ms = ms * 32 + crockford.indexOf(char);
  return ms;
}

describe('randomBase62', () => {
  it('returns exactly the requested number of base62 characters', () => {
    for (const length of [0, 1, 12, 26, 100]) {
      const value = randomBase62(length);
      assert.equal(value.length, length);
      assert.match(value, /^[0-9A-Za-z]*$/);
    }
  });

  it('uses every symbol about equally often', () => {
    const counts = new Map<string, number>();
    for (const char of randomBase62(62_000)) counts.set(char, (counts.get(char) ?? 0) + 1);
    assert.equal(counts.size, 62);
    for (const symbol of base62) {
      const count = counts.get(symbol) ?? 0;
      assert.ok(count > 0 && count < 2000, `"${symbol}" appeared ${count} times, expected about 1000`);
    }
  });
});

describe('tenantId', () => {
  it('is the prefix, an underscore and 26 base62 characters', () => {
    for (const prefix of ['brn', 'env', 'psp', 'tok'] as const) {
      const id = tenantId(prefix);
      assert.match(id, /^(brn|env|psp|tok)_[0-9A-Za-z]{26}$/);
      assert.ok(id.startsWith(`${prefix}_`));
      assert.match(id, idPatterns.tenant(prefix));
    }
  });

  it('differs from call to call', () => {
    assert.notEqual(tenantId('psp'), tenantId('psp'));
  });
});

describe('transactionId', () => {
  it('is ortx and 12 base62 characters, without an underscore', () => {
    const id = transactionId();
    assert.match(id, /^ortx[0-9A-Za-z]{12}$/);
    assert.match(id, idPatterns.transaction);
    assert.ok(!id.includes('_'));
  });
});

describe('ulid', () => {
  it('is 26 lower-case Crockford base32 characters', () => {
    assert.match(ulid(), /^[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('encodes the given millisecond time in its first 10 characters', () => {
    for (const ms of [0, 1, 1_700_000_000_123, 2 ** 48 - 1]) {
      assert.equal(ulidTime(ulid(ms)), ms);
    }
    assert.equal(ulid(0).slice(0, 10), '0000000000');
  });

  it('defaults to the current time', () => {
    const before = Date.now();
    const time = ulidTime(ulid());
    assert.ok(time >= before && time <= Date.now());
  });

  it('sorts by time', () => {
    const times = [5, 1_000, 1_699_999_999_999, 1_700_000_000_000, 1_700_000_000_001, 2 ** 44];
    const ids = times.map((ms) => ulid(ms));
    assert.deepEqual([...ids].reverse().sort(), ids);
  });
});

describe('catalogId', () => {
  it('is the prefix and a ULID, matching idPatterns.catalog', () => {
    for (const prefix of ['ftp', 'fat', 'ftg', 'fld'] as const) {
      const id = catalogId(prefix);
      assert.match(id, idPatterns.catalog(prefix));
      assert.ok(Math.abs(ulidTime(id.slice(4)) - Date.now()) < 60_000);
    }
  });
});

describe('ulid regressions', () => {
  it('refuses a time that is not a whole millisecond in [0, 2^48)', () => {
    for (const bad of [1.5, -1, 2 ** 48, 2 ** 50, Number.NaN]) assert.throws(() => ulid(bad), RangeError, String(bad));
    assert.equal(ulidTime(ulid(2 ** 48 - 1)), 2 ** 48 - 1);
  });
});
