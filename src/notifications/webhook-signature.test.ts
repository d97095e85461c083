import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeSignature, generateTestHeader, sign, verifySignature } from './webhook-signature.js';

const body = '{"a":1}';
const t = 1_700_000_000;
const at = (seconds: number) => seconds * 1000;

describe('webhook signature', () => {
  it('matches a vector computed independently (openssl dgst -sha256 -hmac whsec_test)', () => {
    assert.equal(computeSignature('whsec_test', t, body), '38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789');
    assert.equal(sign(body, ['whsec_test'], t), 't=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789');
    assert.equal(
      sign(body, ['whsec_test', 'whsec_old'], t),
      't=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789,v1=b9d801502bb535e960ee9aeee7a294b082bda5089d79c7db610b85116ce6faa6',
    );
  });

  it('verifies what it signs, from a string or the raw bytes', () => {
    const header = sign(body, ['whsec_test'], t);
    assert.deepEqual(verifySignature({ payload: body, header, secret: 'whsec_test', now: at(t) }), { ok: true });
    assert.deepEqual(verifySignature({ payload: Buffer.from(body), header, secret: 'whsec_test', now: at(t) }), { ok: true });
  });

  it('accepts either v1 while a secret rotates, and nothing signed by another secret', () => {
    const header = sign(body, ['whsec_new', 'whsec_old'], t);
    assert.deepEqual(verifySignature({ payload: body, header, secret: 'whsec_new', now: at(t) }), { ok: true });
    assert.deepEqual(verifySignature({ payload: body, header, secret: 'whsec_old', now: at(t) }), { ok: true });
    assert.deepEqual(verifySignature({ payload: body, header, secret: 'whsec_other', now: at(t) }), { ok: false, error: 'no signature matches' });
  });

  it('refuses a tampered body or timestamp', () => {
    const header = sign(body, ['whsec_test'], t);
    assert.deepEqual(verifySignature({ payload: '{"a":2}', header, secret: 'whsec_test', now: at(t) }), { ok: false, error: 'no signature matches' });
    const moved = header.replace(`t=${t}`, `t=${t + 1}`);
    assert.deepEqual(verifySignature({ payload: body, header: moved, secret: 'whsec_test', now: at(t) }), { ok: false, error: 'no signature matches' });
  });

  it('allows 300 s of clock difference either way, and no more', () => {
    const header = sign(body, ['whsec_test'], t);
    for (const now of [t - 300, t + 300]) assert.deepEqual(verifySignature({ payload: body, header, secret: 'whsec_test', now: at(now) }), { ok: true });
    for (const now of [t - 301, t + 301]) {
      assert.deepEqual(verifySignature({ payload: body, header, secret: 'whsec_test', now: at(now) }), { ok: false, error: 'timestamp outside the tolerance' });
    }
    assert.deepEqual(verifySignature({ payload: body, header, secret: 'whsec_test', now: at(t + 3600), toleranceSeconds: 3600 }), { ok: true });
  });

  it('says what is wrong with a header it cannot read', () => {
    const check = (header: string | undefined) => verifySignature({ payload: body, header, secret: 'whsec_test', now: at(t) });
    assert.deepEqual(check(undefined), { ok: false, error: 'missing signature header' });
    assert.deepEqual(check(''), { ok: false, error: 'missing signature header' });
    assert.deepEqual(check('v1=' + 'a'.repeat(64)), { ok: false, error: 'signature header has no timestamp' });
    assert.deepEqual(check(`t=${t}`), { ok: false, error: 'signature header has no v1 signature' });
    assert.deepEqual(check(`t=${t},v1=xyz`), { ok: false, error: 'malformed signature header' });
    assert.deepEqual(check(`t=soon,v1=${'a'.repeat(64)}`), { ok: false, error: 'malformed signature header' });
    assert.deepEqual(check('garbage'), { ok: false, error: 'malformed signature header' });
    // Unknown schemes are skipped, not errors.
    assert.deepEqual(check(`${sign(body, ['whsec_test'], t)},v2=whatever`), { ok: true });
  });

  it('generates test headers for now', () => {
    const header = generateTestHeader({ payload: body, secret: 'whsec_test' });
    assert.deepEqual(verifySignature({ payload: body, header, secret: 'whsec_test' }), { ok: true });
  });
});
