import type { Redactor } from '../flows/redaction.js';
import type { Queryable } from '../store/db.js';
import type { TransactionStatus } from '../transactions/status.js';
import { callbackFingerprint } from './callback-fingerprint.js';
import type { CallbackKind } from './callback-service.js';
import type { InboundRequest } from './inbound-request.js';

/** Enough to read any real notification; the rest of a (hostile) 256 KiB body is not worth keeping. */
export const storedBodyMaxChars = 64 * 1024;

/** Credentials of the caller itself, never the PSP's event: not even their masked form is kept. */
const droppedHeaders = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export type CallbackState = 'received' | 'processed' | 'rejected' | 'failed' | 'duplicate';

/** An earlier copy of the same event that was fully handled: the new one is not run again. */
export interface EarlierCopy {
  state: 'processed' | 'rejected';
  /** What the caller was answered then (a refused event's 4xx is answered again). */
  answerStatus: number | null;
  detail: string | null;
}

export interface RecordedCallback {
  id: string;
  /** Set when the callback is a duplicate (stored as such). */
  earlier: EarlierCopy | undefined;
}

/**
 * Stores a callback, redacted, before anything acts on it, and in the same statement tells
 * whether the same event (same fingerprint) was already processed or refused for this
 * transaction: then it is stored as `duplicate` and must not be run again. A copy that failed, or
 * is still `received` (in flight, or its process died), does not count: running it again is the
 * only way to learn what it says.
 */
export async function recordCallback(
  db: Queryable,
  input: {
    transactionId: string;
    kind: CallbackKind;
    request: InboundRequest;
    redactor: Redactor;
    now: Date;
    /**
     * A repeat of a refused event brings the next check this close, as the first copy did: a
     * genuine event refused because a forged copy of the same bytes came first is then settled by
     * asking the PSP, not by waiting for the backoff.
     */
    checkBy: Date;
    unchecked: readonly TransactionStatus[];
  },
): Promise<RecordedCallback> {
  const { request, redactor } = input;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (!droppedHeaders.has(name)) headers[name] = value;
  // Redacted whole, then cut: cutting first could split a card number or secret and let half through.
  const body = request.rawBody === '' ? null : redactor.text(request.rawBody).slice(0, storedBodyMaxChars);
  const { rows } = await db.query<{ id: string; earlier_state: EarlierCopy['state'] | null; answer_status: number | null; detail: string | null }>(
    `WITH earlier AS (
       SELECT id, state, answer_status, detail FROM inbound_callbacks
        WHERE transaction_id = $1 AND fingerprint = $2 AND state IN ('processed', 'rejected')
        ORDER BY state = 'processed' DESC, id
        LIMIT 1
     ), stored AS (
       INSERT INTO inbound_callbacks (transaction_id, kind, method, fingerprint, headers, query, body, state, detail,
                                      answer_status, received_at, processed_at)
       SELECT $1, $3, $4, $2, $5::jsonb, $6::jsonb, $7,
              CASE WHEN e.id IS NULL THEN 'received' ELSE 'duplicate' END,
              CASE WHEN e.id IS NULL THEN NULL ELSE 'duplicate of callback ' || e.id || ' (' || e.state || ')' END,
              e.answer_status, $8, CASE WHEN e.id IS NULL THEN NULL ELSE $8::timestamptz END
         FROM (SELECT 1) one LEFT JOIN earlier e ON true
       RETURNING id
     ), nudged AS (
       UPDATE transactions SET next_check_at = least(coalesce(next_check_at, $9::timestamptz), $9::timestamptz)
        WHERE id = $1 AND status <> ALL ($10::text[]) AND EXISTS (SELECT 1 FROM earlier WHERE state = 'rejected')
     )
     SELECT stored.id::text AS id, e.state AS earlier_state, e.answer_status, e.detail
       FROM stored LEFT JOIN earlier e ON true`,
    [
      input.transactionId,
      callbackFingerprint(input.kind, request),
      input.kind,
      request.method,
      JSON.stringify(redactor.headers(headers)),
      JSON.stringify(redactor.value(request.query)),
      body,
      input.now,
      input.checkBy,
      input.unchecked,
    ],
  );
  const row = rows[0]!;
  return {
    id: row.id,
    earlier: row.earlier_state === null ? undefined : { state: row.earlier_state, answerStatus: row.answer_status, detail: row.detail },
  };
}

export interface CallbackSettlement {
  callbackId: string;
  transactionId: string;
  state: Exclude<CallbackState, 'received' | 'duplicate'>;
  detail: string | null;
  answerStatus: number;
  now: Date;
  /**
   * Ask the PSP by this time (an event we could not apply: a bad signature, a broken script).
   * Only ever brings the next check forward, and never for a transaction that is final or waits
   * for a person.
   */
  checkBy: Date | undefined;
  /** Statuses that are never checked (final ones and PENDING_FOR_APPROVAL). */
  unchecked: readonly TransactionStatus[];
}

/** Records how a callback went and, when asked, brings the transaction's next check forward: one statement. */
export async function settleCallback(db: Queryable, settlement: CallbackSettlement): Promise<void> {
  await db.query(
    `WITH settled AS (
       UPDATE inbound_callbacks SET state = $2, detail = $3, answer_status = $4, processed_at = $5 WHERE id = $1
     )
     UPDATE transactions SET next_check_at = least(coalesce(next_check_at, $7::timestamptz), $7::timestamptz)
      WHERE $7::timestamptz IS NOT NULL AND id = $6 AND status <> ALL ($8::text[])`,
    [
      settlement.callbackId,
      settlement.state,
      settlement.detail?.slice(0, 1000) ?? null,
      settlement.answerStatus,
      settlement.now,
      settlement.transactionId,
      settlement.checkBy ?? null,
      settlement.unchecked,
    ],
  );
}
