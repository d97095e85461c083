import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Account, Accounts } from './accounts.js';
import type { SimClock } from './clock.js';
import { signJwt, verifyJwt } from './jwt.js';
import { Problem, validation } from './problems.js';

/** An authenticated API call: whose it is, and the raw token (the DigitalSignature's message). */
export interface Session {
  account: Account;
  accessToken: string;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Equal-length buffers compared in constant time; different lengths are simply unequal. */
function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** HMAC-SHA256, key = CryptoToken, message = the raw access token, lower-case hex. */
export function digitalSignature(cryptoToken: string, accessToken: string): string {
  return createHmac('sha256', cryptoToken).update(accessToken).digest('hex');
}

/**
 * ConnectPSP's authentication (PSP-FACTS.md): `POST /auth/token` issues HS256 JWTs that expire;
 * every other call needs `Authorization: Bearer <jwt>` and the account's `ApplicationToken`;
 * cash-out, refund and rebalance also need the `DigitalSignature`.
 */
export class Auth {
  /** Per simulator instance: tokens from another run (or forged ones) are refused. */
  readonly #secret = randomBytes(32);
  readonly #accounts: Accounts;
  readonly #clock: SimClock;

  constructor(accounts: Accounts, clock: SimClock) {
    this.#accounts = accounts;
    this.#clock = clock;
  }

  issueToken(body: unknown): { accessToken: string; tokenType: 'Bearer'; expiresIn: number; issuedAt: string } {
    const { clientId, clientSecret } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof clientId !== 'string' || clientId === '' || typeof clientSecret !== 'string' || clientSecret === '') {
      throw validation('clientId and clientSecret are required strings.');
    }
    const account = this.#accounts.get(clientId);
    if (account === undefined || !sameText(clientSecret, account.clientSecret)) {
      throw new Problem(401, 'INVALID_CREDENTIALS', 'The clientId or clientSecret is not valid.');
    }
    const now = this.#clock.now();
    const iat = Math.floor(now / 1000);
    const accessToken = signJwt({ sub: account.clientId, iat, exp: iat + account.tokenTtlSeconds, jti: randomUUID() }, this.#secret);
    return { accessToken, tokenType: 'Bearer', expiresIn: account.tokenTtlSeconds, issuedAt: new Date(now).toISOString() };
  }

  /**
   * The bearer token first, then the ApplicationToken of the token's account. A missing, malformed
   * or foreign token has no documented code of its own: it is INVALID_CREDENTIALS here (modeled).
   */
  authenticate(request: FastifyRequest): Session {
    const match = /^Bearer +(\S+)$/.exec(header(request, 'authorization') ?? '');
    if (match === null) throw new Problem(401, 'INVALID_CREDENTIALS', 'An Authorization: Bearer <accessToken> header is required.');
    const accessToken = match[1]!;
    const claims = verifyJwt(accessToken, this.#secret);
    const account = claims === undefined ? undefined : this.#accounts.get(claims.sub);
    if (claims === undefined || account === undefined) {
      throw new Problem(401, 'INVALID_CREDENTIALS', 'The access token is not valid.');
    }
    if (this.#clock.now() >= claims.exp * 1000) {
      throw new Problem(401, 'TOKEN_EXPIRED', 'The access token has expired; request a new one at POST /auth/token.');
    }
    const applicationToken = header(request, 'applicationtoken');
    if (applicationToken === undefined || !sameText(applicationToken.toLowerCase(), account.applicationToken)) {
      throw new Problem(401, 'INVALID_APPLICATION_TOKEN', 'The ApplicationToken header is missing or does not belong to this application.');
    }
    return { account, accessToken };
  }

  /** Exactly the lower-case hex HMAC: upper-case hex, "Bearer " in the message or another key all fail. */
  requireSignature(request: FastifyRequest, session: Session): void {
    const given = header(request, 'digitalsignature');
    const expected = digitalSignature(session.account.cryptoToken, session.accessToken);
    if (given === undefined || !sameText(given, expected)) {
      throw new Problem(422, 'INVALID_SIGNATURE', 'The DigitalSignature header is missing or does not match HMAC-SHA256(CryptoToken, accessToken).');
    }
  }
}
