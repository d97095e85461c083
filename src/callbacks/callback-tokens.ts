import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** 32 base64url characters: 192 bits, far past guessing, short enough for any gateway's URL field. */
const tokenLength = 32;
const tokenPattern = /^[A-Za-z0-9_-]{32}$/;

/** `r`: the payer's return (the payer sees it); `w`: the gateway's webhook. */
export type CallbackUrlKind = 'r' | 'w';

/**
 * The unguessable part of a transaction's callback URLs. Derived from the master key, the
 * transaction id and the kind of URL, so nothing is stored, every engine process agrees, a URL
 * for one transaction says nothing about another's, and a payer who reads the return URL in the
 * address bar learns nothing that would let them post to the webhook URL.
 */
export class CallbackTokens {
  readonly #key: Buffer;

  constructor(masterKey: Buffer) {
    // A key of its own: the master key itself only ever wraps data keys.
    this.#key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'connxt callback url tokens v1', 32));
  }

  tokenFor(kind: CallbackUrlKind, transactionId: string): string {
    return createHmac('sha256', this.#key).update(`${kind}:${transactionId}`).digest('base64url').slice(0, tokenLength);
  }

  /** Constant-time: how much of a forged token matched is never observable. */
  verify(kind: CallbackUrlKind, transactionId: string, token: string): boolean {
    if (!tokenPattern.test(token)) return false;
    return timingSafeEqual(Buffer.from(this.tokenFor(kind, transactionId)), Buffer.from(token));
  }
}
