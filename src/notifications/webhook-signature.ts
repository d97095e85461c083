import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `Connxt-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>[,v1=...]`.
 * The timestamp is signed with the body, so a captured delivery cannot be replayed later; while a
 * secret rotates, one `v1` per live secret, and a receiver accepts any of them. `sign` and
 * `verifySignature` are exact inverses: tests (and merchants) sign their own fixtures with `sign`.
 */
export const signatureHeaderName = 'Connxt-Signature';

/** How far a timestamp may be from the receiver's clock, either way (as Stripe's helpers do). */
export const defaultToleranceSeconds = 300;

export type VerifyResult = { ok: true } | { ok: false; error: string };

/** Hex HMAC-SHA256 of `"<timestamp>.<payload>"`, keyed with the whole secret string (`whsec_...`). */
export function computeSignature(secret: string, timestamp: number, payload: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(payload).digest('hex');
}

/** The header value for `payload` signed at `timestamp` (unix seconds) with each secret in turn. */
export function sign(payload: string | Buffer, secrets: readonly string[], timestamp: number): string {
  if (secrets.length === 0) throw new Error('sign needs at least one secret');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error('timestamp must be unix seconds');
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${computeSignature(secret, timestamp, payload)}`)].join(',');
}

/** A header as the engine would send it now (or at `timestamp`): for a merchant's tests. */
export function generateTestHeader(options: { payload: string | Buffer; secret: string; timestamp?: number }): string {
  return sign(options.payload, [options.secret], options.timestamp ?? Math.floor(Date.now() / 1000));
}

export interface VerifyOptions {
  /** The raw request body, exactly as received (not re-serialised JSON). */
  payload: string | Buffer;
  /** The Connxt-Signature header value. */
  header: string | undefined;
  secret: string;
  toleranceSeconds?: number;
  /** Receiver's time, unix milliseconds (default: Date.now()). */
  now?: number;
}

export function verifySignature(options: VerifyOptions): VerifyResult {
  const parsed = parseHeader(options.header);
  if (!parsed.ok) return parsed;
  const { timestamp, signatures } = parsed;
  const tolerance = options.toleranceSeconds ?? defaultToleranceSeconds;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance) return { ok: false, error: 'timestamp outside the tolerance' };
  const expected = Buffer.from(computeSignature(options.secret, timestamp, options.payload), 'hex');
  // Every candidate is compared, in constant time each, so timing says nothing about which matched.
  let matched = false;
  for (const signature of signatures) matched = timingSafeEqual(expected, Buffer.from(signature, 'hex')) || matched;
  return matched ? { ok: true } : { ok: false, error: 'no signature matches' };
}

type ParsedHeader = { ok: true; timestamp: number; signatures: string[] } | { ok: false; error: string };

function parseHeader(header: string | undefined): ParsedHeader {
  if (header === undefined || header === '') return { ok: false, error: 'missing signature header' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value, ...rest] = part.trim().split('=');
    if (value === undefined || rest.length > 0) return { ok: false, error: 'malformed signature header' };
    if (key === 't') {
      if (timestamp !== undefined || !/^\d{1,15}$/.test(value)) return { ok: false, error: 'malformed signature header' };
      timestamp = Number(value);
    } else if (key === 'v1') {
      // Other schemes (v0, a future v2) are skipped, so the header can grow without breaking receivers.
      if (!/^[0-9a-f]{64}$/.test(value)) return { ok: false, error: 'malformed signature header' };
      signatures.push(value);
    }
  }
  if (timestamp === undefined) return { ok: false, error: 'signature header has no timestamp' };
  if (signatures.length === 0) return { ok: false, error: 'signature header has no v1 signature' };
  return { ok: true, timestamp, signatures };
}
