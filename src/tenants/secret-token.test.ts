import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateSecretToken, hashSecretToken, isWellFormedSecretToken } from './secret-token.js';

describe('generateSecretToken', () => {
  it('is sec_ and 26 base62 characters', () => {
    const { token } = generateSecretToken();
    assert.match(token, /^sec_[0-9A-Za-z]{26}$/);
    assert.ok(isWellFormedSecretToken(token));
    assert.notEqual(generateSecretToken().token, token);
  });

  it('has the first 8 characters as prefix and the SHA-256 of the token as hash', () => {
    const { token, prefix, hash } = generateSecretToken();
    assert.equal(prefix, token.slice(0, 8));
    assert.deepEqual(hash, createHash('sha256').update(token).digest());
    assert.deepEqual(hashSecretToken(token), hash);
  });
});

describe('isWellFormedSecretToken', () => {
  const valid = 'sec_' + 'aB3'.repeat(8) + 'xY';

  it('accepts a token of the right shape', () => {
    assert.equal(valid.length, 30);
    assert.ok(isWellFormedSecretToken(valid));
  });

  it('rejects near-misses', () => {
    for (const value of [
      valid.slice(0, -1),
      valid + 'z',
      'sec-' + valid.slice(4),
      'SEC_' + valid.slice(4),
      valid.slice(0, -1) + '-',
      valid.slice(0, -1) + 'é',
      ' ' + valid,
      valid + ' ',
      valid + '\n',
      '',
    ]) {
      assert.equal(isWellFormedSecretToken(value), false, JSON.stringify(value));
    }
  });
});
