import { createHmac, timingSafeEqual } from 'node:crypto';

/** What the simulator puts in its access tokens (times in seconds, as JWTs have them). */
export interface AccessClaims {
  /** The account's clientId. */
  sub: string;
  iat: number;
  exp: number;
  jti: string;
}

const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(text: string | Buffer): string {
  return Buffer.from(text).toString('base64url');
}

function signature(signingInput: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

/** A compact HS256 JWT, signed with the simulator's own secret. */
export function signJwt(claims: AccessClaims, secret: Buffer): string {
  const signingInput = `${header}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${signature(signingInput, secret).toString('base64url')}`;
}

/** The claims of a token this simulator signed; undefined for anything else (malformed, forged, other alg). */
export function verifyJwt(token: string, secret: Buffer): AccessClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [head, payload, given] = parts as [string, string, string];
  if (head !== header) return undefined;
  const expected = signature(`${head}.${payload}`, secret);
  const presented = Buffer.from(given, 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<AccessClaims>;
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') return undefined;
    return claims as AccessClaims;
  } catch {
    return undefined;
  }
}
