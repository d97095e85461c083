import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Db } from '../store/db.js';
import { hashSecretToken, isWellFormedSecretToken } from './secret-token.js';

/** What a valid X-SECRET-TOKEN yields: the request's brand and environment. */
export interface TenantContext {
  brandId: string;
  environmentId: string;
  tokenId: string;
  production: boolean;
}

/** The tokenId of an operator's TenantContext (TenantService.operatorContext): no secret token was used. */
export const operatorTokenId = 'operator';

interface TokenRecord extends TenantContext {
  hash: Buffer;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface TokenAuthenticatorDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /**
   * How long a looked-up token is trusted without asking the store again. Revocation in this process
   * is immediate (see forgetToken); another process sees it within this time.
   */
  cacheTtlMs?: number;
  /** last_used_at is written at most this often per token, off the request path. */
  lastUsedIntervalMs?: number;
  maxCachedTokens?: number;
}

export class TokenAuthenticator {
  readonly #deps: Required<TokenAuthenticatorDeps>;
  readonly #cache = new Map<string, { record: TokenRecord | undefined; loadedAt: number }>();
  /** Bumped by every invalidation; a lookup that started before one must not fill the cache. */
  #generation = 0;
  readonly #lastUsedWritten = new Map<string, number>();
  readonly #pendingWrites = new Set<Promise<void>>();

  constructor(deps: TokenAuthenticatorDeps) {
    this.#deps = { cacheTtlMs: 5_000, lastUsedIntervalMs: 60_000, maxCachedTokens: 10_000, ...deps };
  }

  async authenticate(token: string | undefined): Promise<TenantContext | undefined> {
    // A malformed value cannot match any stored hash; rejecting it early reveals nothing secret.
    if (token === undefined || !isWellFormedSecretToken(token)) return undefined;
    const hash = hashSecretToken(token);
    const record = await this.#lookup(hash);
    // The store found the row by hash; compare again in constant time so that no code path
    // depends on how many bytes of a guess were right.
    if (record === undefined || !timingSafeEqual(record.hash, hash)) return undefined;
    const now = this.#deps.clock.now();
    if (record.revokedAt !== null && record.revokedAt.getTime() <= now.getTime()) return undefined;
    if (record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime()) return undefined;
    this.#noteUse(record.tokenId, now);
    return {
      brandId: record.brandId,
      environmentId: record.environmentId,
      tokenId: record.tokenId,
      production: record.production,
    };
  }

  /** Drops a token from the cache (after rotation or revocation). */
  forgetToken(tokenId: string): void {
    this.#generation++;
    for (const [key, entry] of this.#cache) {
      if (entry.record?.tokenId === tokenId) this.#cache.delete(key);
    }
  }

  /** Waits for the last-used writes already started (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.#pendingWrites]);
  }

  async #lookup(hash: Buffer): Promise<TokenRecord | undefined> {
    const key = hash.toString('hex');
    const cached = this.#cache.get(key);
    const now = Date.now();
    if (cached !== undefined && now - cached.loadedAt < this.#deps.cacheTtlMs) return cached.record;
    const generation = this.#generation;
    const { rows } = await this.#deps.db.query<{
      id: string;
      environment_id: string;
      brand_id: string;
      production: boolean;
      token_hash: Buffer;
      expires_at: Date | null;
      revoked_at: Date | null;
    }>(
      `SELECT t.id, t.environment_id, e.brand_id, e.production, t.token_hash, t.expires_at, t.revoked_at
       FROM secret_tokens t JOIN environments e ON e.id = t.environment_id
       WHERE t.token_hash = $1`,
      [hash],
    );
    const row = rows[0];
    // Unknown tokens are not cached: a token created a moment ago in another process must work.
    if (row === undefined) return undefined;
    const record: TokenRecord = {
      tokenId: row.id,
      environmentId: row.environment_id,
      brandId: row.brand_id,
      production: row.production,
      hash: row.token_hash,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    };
    // Revoked or rotated while this query ran: the row may predate that change, so use it for this
    // request only, never for the next ones.
    if (generation !== this.#generation) return record;
    if (this.#cache.size >= this.#deps.maxCachedTokens) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(key, { record, loadedAt: now });
    return record;
  }

  #noteUse(tokenId: string, now: Date): void {
    const last = this.#lastUsedWritten.get(tokenId);
    if (last !== undefined && now.getTime() - last < this.#deps.lastUsedIntervalMs) return;
    this.#lastUsedWritten.set(tokenId, now.getTime());
    const write = this.#deps.db
      .query('UPDATE secret_tokens SET last_used_at = $2 WHERE id = $1', [tokenId, now])
      .then(
        () => undefined,
        (err: unknown) => this.#deps.logger.warn({ err, tokenId }, 'could not record token last-used time'),
      )
      .finally(() => this.#pendingWrites.delete(write));
    this.#pendingWrites.add(write);
  }
}
