import { createHash } from 'node:crypto';
import { randomBase62 } from '../ids.js';

/** `sec_` + 26 base62 characters (~155 bits), as Connxt issues them. */
const secretTokenPattern = /^sec_[0-9A-Za-z]{26}$/;

export interface NewSecretToken {
  /** Shown once, never stored. */
  token: string;
  hash: Buffer;
  /** Enough to tell tokens apart in a list, far too little to guess the rest. */
  prefix: string;
}

export function generateSecretToken(): NewSecretToken {
  const token = `sec_${randomBase62(26)}`;
  return { token, hash: hashSecretToken(token), prefix: token.slice(0, 8) };
}

/**
 * A plain SHA-256 is the right hash here: the token is 155 random bits, so there is nothing for a
 * slow password hash to protect, and every request needs the lookup to be fast.
 */
export function hashSecretToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function isWellFormedSecretToken(value: string): boolean {
  return secretTokenPattern.test(value);
}
