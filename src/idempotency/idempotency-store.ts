import type { Clock } from '../clock.js';
import type { Db } from '../store/db.js';

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

export interface IdempotencyStoreDeps {
  db: Db;
  clock: Clock;
  /** How long a finished response is kept for replay (≥ 24 h). */
  retentionMs?: number;
  /**
   * How long a claim holds without an answer. Beyond it the process that claimed it is taken to
   * be dead and the same request may run again; a transaction's order id still stops a double charge.
   */
  claimTimeoutMs?: number;
}

/**
 * `Idempotency-Key` per environment: the first request claims the key, its response is stored,
 * and a repeat with the same request replays it. Another request under the key, or one while the
 * first is still running, is a conflict.
 */
export class IdempotencyStore {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #retentionMs: number;
  readonly #claimTimeoutMs: number;

  constructor(deps: IdempotencyStoreDeps) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#retentionMs = deps.retentionMs ?? 24 * 60 * 60 * 1000;
    this.#claimTimeoutMs = deps.claimTimeoutMs ?? 60_000;
  }

  /**
   * One statement: claims the key, or reads what holds it. An expired key, or an abandoned claim
   * for the same request, is taken over. When a concurrent claim commits after this statement's
   * snapshot, the row is not visible here and the answer is in_flight, which is what it is.
   */
  async claim(environmentId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const now = this.#clock.now();
    const { rows } = await this.#db.query<{
      claimed: boolean;
      request_hash: string | null;
      state: string | null;
      response_status: number | null;
      response_body: unknown;
    }>(
      `WITH claim AS (
         INSERT INTO idempotency_keys (environment_id, key, request_hash, state, locked_until, created_at, expires_at)
         VALUES ($1, $2, $3, 'in_flight', $5, $4, $6)
         ON CONFLICT (environment_id, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, state = 'in_flight', response_status = NULL,
               response_body = NULL, locked_until = EXCLUDED.locked_until, created_at = EXCLUDED.created_at,
               expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at <= $4
            OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.locked_until <= $4
                AND idempotency_keys.request_hash = EXCLUDED.request_hash)
         RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM claim) AS claimed, k.request_hash, k.state, k.response_status, k.response_body
         FROM (SELECT 1) AS one
         LEFT JOIN idempotency_keys k ON k.environment_id = $1 AND k.key = $2`,
      [
        environmentId,
        key,
        requestHash,
        now,
        new Date(now.getTime() + this.#claimTimeoutMs),
        new Date(now.getTime() + this.#retentionMs),
      ],
    );
    const row = rows[0]!;
    if (row.claimed) return { kind: 'claimed' };
    if (row.request_hash !== null && row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.state === 'done' && row.response_status !== null) {
      return { kind: 'replay', status: row.response_status, body: row.response_body };
    }
    return { kind: 'in_flight' };
  }

  async complete(environmentId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.#db.query(
      `UPDATE idempotency_keys SET state = 'done', response_status = $3, response_body = $4
        WHERE environment_id = $1 AND key = $2`,
      [environmentId, key, status, JSON.stringify(body)],
    );
  }

  /** Frees a claim whose request failed for reasons worth retrying (server errors). */
  async release(environmentId: string, key: string): Promise<void> {
    await this.#db.query(`DELETE FROM idempotency_keys WHERE environment_id = $1 AND key = $2 AND state = 'in_flight'`, [
      environmentId,
      key,
    ]);
  }

  /** Drops keys past their retention; answers how many. */
  async purgeExpired(): Promise<number> {
    const { rowCount } = await this.#db.query('DELETE FROM idempotency_keys WHERE expires_at <= $1', [this.#clock.now()]);
    return rowCount;
  }
}
