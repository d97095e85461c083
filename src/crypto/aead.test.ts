import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { open, seal } from './aead.js';
import { DataKeyring } from './data-keys.js';

const key = randomBytes(32);
const plaintext = Buffer.from('{"apiKey":"sk_live_123"}');

describe('seal / open', () => {
  it('round-trips the plaintext', () => {
    assert.deepEqual(open(key, seal(key, plaintext, 'psp_1'), 'psp_1'), plaintext);
    assert.deepEqual(open(key, seal(key, Buffer.alloc(0), ''), ''), Buffer.alloc(0));
  });

  it('gives a different ciphertext each time', () => {
    assert.notDeepEqual(seal(key, plaintext, 'psp_1'), seal(key, plaintext, 'psp_1'));
  });

  it('refuses other associated data', () => {
    assert.throws(() => open(key, seal(key, plaintext, 'psp_1'), 'psp_2'));
  });

  it('refuses a value with any byte flipped', () => {
    const sealed = seal(key, plaintext, 'psp_1');
    for (let i = 0; i < sealed.length; i++) {
      const tampered = Buffer.from(sealed);
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      assert.throws(() => open(key, tampered, 'psp_1'), Error, `byte ${i}`);
    }
  });

  it('refuses a truncated value', () => {
    const sealed = seal(key, plaintext, 'psp_1');
    assert.throws(() => open(key, sealed.subarray(0, sealed.length - 1), 'psp_1'));
    assert.throws(() => open(key, sealed.subarray(0, 20), 'psp_1'), /unknown format/);
  });

  it('refuses the wrong key', () => {
    assert.throws(() => open(randomBytes(32), seal(key, plaintext, 'psp_1'), 'psp_1'));
  });

  it('refuses an unknown version byte', () => {
    const sealed = seal(key, plaintext, 'psp_1');
    sealed[0] = 2;
    assert.throws(() => open(key, sealed, 'psp_1'), /unknown format/);
  });
});

describe('DataKeyring', () => {
  it('unwraps a new wrapped key into 32 bytes and caches it', () => {
    const masterKey = randomBytes(32);
    const wrapped = new DataKeyring(masterKey).newWrappedKey('env_a');
    const keyring = new DataKeyring(masterKey);
    assert.equal(keyring.cached('env_a'), undefined);
    const dataKey = keyring.unwrap('env_a', wrapped);
    assert.equal(dataKey.length, 32);
    assert.deepEqual(keyring.cached('env_a'), dataKey);
    assert.deepEqual(new DataKeyring(masterKey).unwrap('env_a', wrapped), dataKey);
  });

  it('gives each wrapped key its own data key', () => {
    const keyring = new DataKeyring(randomBytes(32));
    const a = keyring.unwrap('env_a', keyring.newWrappedKey('env_a'));
    const b = keyring.unwrap('env_b', keyring.newWrappedKey('env_b'));
    assert.notDeepEqual(a, b);
  });

  it('refuses a key wrapped for another environment', () => {
    const keyring = new DataKeyring(randomBytes(32));
    const wrapped = keyring.newWrappedKey('env_a');
    assert.throws(() => keyring.unwrap('env_b', wrapped));
    assert.equal(keyring.cached('env_b'), undefined);
  });

  it('refuses a key wrapped under another master key', () => {
    const wrapped = new DataKeyring(randomBytes(32)).newWrappedKey('env_a');
    assert.throws(() => new DataKeyring(randomBytes(32)).unwrap('env_a', wrapped));
  });
});
