import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { demoCredentials } from './accounts.js';
import { cashInBody, Merchant, startSimulator, type Credentials, type RunningSimulator } from './test-support.js';

const problem = (status: number, code: string, detail: string) => ({
  type: `https://docs.connectpsp.com/errors/${code.toLowerCase().replace(/_/g, '-')}`,
  title: { 401: 'Unauthorized', 422: 'Unprocessable Entity', 400: 'Bad Request' }[status],
  status,
  code,
  detail,
});

describe('connectpsp simulator: authentication', () => {
  let sim: RunningSimulator;
  let credentials: Credentials;
  let merchant: Merchant;
  before(async () => {
    sim = await startSimulator();
    credentials = await sim.newAccount();
    merchant = new Merchant(sim, credentials);
  });
  after(() => sim.close());

  it('issues an HS256 JWT that lives 3600 s', async () => {
    const answer = await sim.call<Record<string, string | number>>('POST', '/auth/token', { clientId: credentials.clientId, clientSecret: credentials.clientSecret });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.tokenType, 'Bearer');
    assert.equal(answer.body.expiresIn, 3600);
    assert.match(String(answer.body.issuedAt), /^\d{4}-\d\d-\d\dT/);
    const [head, payload] = String(answer.body.accessToken).split('.');
    assert.deepEqual(JSON.parse(Buffer.from(head!, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { sub: string; iat: number; exp: number };
    assert.equal(claims.sub, credentials.clientId);
    assert.equal(claims.exp - claims.iat, 3600);
  });

  it('the demo account has its documented credentials', async () => {
    const answer = await sim.call('POST', '/auth/token', { clientId: demoCredentials.clientId, clientSecret: demoCredentials.clientSecret });
    assert.equal(answer.status, 200);
  });

  it('refuses wrong credentials with INVALID_CREDENTIALS as problem+json', async () => {
    const answer = await sim.call('POST', '/auth/token', { clientId: credentials.clientId, clientSecret: 'wrong' });
    assert.equal(answer.status, 401);
    assert.match(answer.contentType, /^application\/problem\+json/);
    assert.deepEqual(answer.body, problem(401, 'INVALID_CREDENTIALS', 'The clientId or clientSecret is not valid.'));
  });

  it('needs a bearer token on every other call', async () => {
    const missing = await sim.call('GET', '/account/balance', undefined, { applicationtoken: credentials.applicationToken });
    assert.deepEqual(missing.body, problem(401, 'INVALID_CREDENTIALS', 'An Authorization: Bearer <accessToken> header is required.'));
    const forged = await sim.call('GET', '/account/balance', undefined, {
      authorization: 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
      applicationtoken: credentials.applicationToken,
    });
    assert.deepEqual(forged.body, problem(401, 'INVALID_CREDENTIALS', 'The access token is not valid.'));
  });

  it('checks the ApplicationToken against the token’s application', async () => {
    const other = await sim.newAccount();
    const headers = await merchant.headers();
    for (const applicationToken of [undefined, other.applicationToken]) {
      const answer = await sim.call('GET', '/account/balance', undefined, {
        authorization: headers.authorization!,
        ...(applicationToken ? { applicationtoken: applicationToken } : {}),
      });
      assert.deepEqual(
        answer.body,
        problem(401, 'INVALID_APPLICATION_TOKEN', 'The ApplicationToken header is missing or does not belong to this application.'),
      );
    }
    assert.equal((await sim.call('GET', '/account/balance', undefined, headers)).status, 200);
  });

  it('answers TOKEN_EXPIRED once the token’s hour has passed on the simulator clock', async () => {
    const headers = await merchant.headers();
    await sim.call('POST', '/_sim/clock/advance', { seconds: 3599 });
    assert.equal((await sim.call('GET', '/account/balance', undefined, headers)).status, 200);
    await sim.call('POST', '/_sim/clock/advance', { seconds: 1 });
    const expired = await sim.call('GET', '/account/balance', undefined, headers);
    assert.deepEqual(expired.body, problem(401, 'TOKEN_EXPIRED', 'The access token has expired; request a new one at POST /auth/token.'));
    assert.equal((await merchant.call('GET', '/account/balance')).status, 200, 'a new token works');
  });

  it('a short-lived-token account expires sooner', async () => {
    const shortLived = new Merchant(sim, await sim.newAccount({ tokenTtlSeconds: 5 }));
    const headers = await shortLived.headers();
    await sim.call('POST', '/_sim/clock/advance', { seconds: 5 });
    assert.equal((await sim.call<{ code: string }>('GET', '/account/balance', undefined, headers)).body.code, 'TOKEN_EXPIRED');
  });

  it('requires the DigitalSignature, lower-case hex HMAC of the raw token, on cash-out, refund and rebalance', async () => {
    const token = await merchant.token();
    const base = { authorization: `Bearer ${token}`, applicationtoken: credentials.applicationToken };
    const right = createHmac('sha256', credentials.cryptoToken).update(token).digest('hex');
    const wrongOnes = [
      undefined,
      right.toUpperCase(),
      createHmac('sha256', credentials.cryptoToken).update(`Bearer ${token}`).digest('hex'),
      createHmac('sha256', 'another key').update(token).digest('hex'),
    ];
    const invalid = problem(422, 'INVALID_SIGNATURE', 'The DigitalSignature header is missing or does not match HMAC-SHA256(CryptoToken, accessToken).');
    for (const [method, path, body] of [
      ['POST', '/cash-out', {}],
      ['POST', '/cash-in/anything/refund', { reason: 'CUSTOMER_REQUEST' }],
      ['POST', '/account/rebalance', { targetAmount: 10 }],
    ] as const) {
      for (const signature of wrongOnes) {
        const answer = await sim.call(method, path, body, { ...base, ...(signature ? { digitalsignature: signature } : {}) });
        assert.deepEqual(answer.body, invalid, `${path} with ${signature ?? 'no signature'}`);
      }
    }
    const signed = await sim.call('POST', '/account/rebalance', { targetAmount: 10000 }, { ...base, digitalsignature: right });
    assert.equal(signed.status, 200);
  });

  it('cash-in needs no DigitalSignature', async () => {
    assert.equal((await merchant.call('POST', '/cash-in', cashInBody())).status, 201);
  });
});
