import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** 32 base64url characters: 192 bits, far past guessing, short enough for any gateway's URL field. */
const tokenLength = 32;
const tokenPattern = /^[A-Za-z0-9_-]{32}$/;

/**
 * The unguessable part of a transaction's callback URLs. Derived from the master key and the
 * transaction id, so nothing is stored, every engine process agrees, and a URL for one
 * transaction says nothing about another's.
 */
export class CallbackTokens {
  readonly #key: Buffer;

  constructor(masterKey: Buffer) {
    // A key of its own: the master key itself only ever wraps data keys.
    this.#key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'connxt callback url tokens v1', 32));
  }

  tokenFor(transactionId: string): string {
    return createHmac('sha256', this.#key).update(transactionId).digest('base64url').slice(0, tokenLength);
  }

  /** Constant-time: how much of a forged token matched is never observable. */
  verify(transactionId: string, token: string): boolean {
    if (!tokenPattern.test(token)) return false;
    return timingSafeEqual(Buffer.from(this.tokenFor(transactionId)), Buffer.from(token));
  }
}
