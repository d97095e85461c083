import { randomBytes } from 'node:crypto';

const base62Alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const crockfordAlphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Uniform random base62 string. Bytes >= 248 are rejected so that `byte % 62` has no modulo bias
 * (248 = 4 × 62).
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= 248) continue;
      out += base62Alphabet[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Tenant-owned ids: prefix + 26 base62 characters (`psp_mSwZ5vYUDN96gEei1kiIjCJc3g`). */
/** `evt` merchant events, `whe` webhook endpoints. */
export type TenantIdPrefix = 'brn' | 'env' | 'psp' | 'tok' | 'evt' | 'whe';

export function tenantId(prefix: TenantIdPrefix): string {
  return `${prefix}_${randomBase62(26)}`;
}

/** Transaction ids have no underscore: `ortx` + 12 base62 (`ortxggdqGELpiuCQ`). */
export function transactionId(): string {
  return `ortx${randomBase62(12)}`;
}

/** Lower-case ULID: 48-bit millisecond time then 80 random bits, Crockford base32. */
export function ulid(now: number = Date.now()): string {
  if (!Number.isInteger(now) || now < 0 || now >= 2 ** 48) throw new RangeError('ulid time must be an integer millisecond in [0, 2^48)');
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = crockfordAlphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let random = '';
  for (const byte of randomBytes(16)) random += crockfordAlphabet[byte % 32];
  return time + random;
}

/** Catalog ids: prefix + lower-case ULID (`ftg_01jt2ctt8veh48mkpcx2bdeatz`). */
export type CatalogIdPrefix = 'ftp' | 'fat' | 'ftg' | 'fld';

export function catalogId(prefix: CatalogIdPrefix): string {
  return `${prefix}_${ulid()}`;
}

/** Ids that cannot exist are answered without asking the store (and never reach SQL as junk). */
export function isTenantId(prefix: TenantIdPrefix, value: string): boolean {
  return idPatterns.tenant(prefix).test(value);
}

export function isCatalogId(prefix: CatalogIdPrefix, value: string): boolean {
  return idPatterns.catalog(prefix).test(value);
}

// Compiled once per prefix: these run on every request that names a resource.
const compiled = new Map<string, RegExp>();
function pattern(source: string): RegExp {
  let regex = compiled.get(source);
  if (regex === undefined) {
    regex = new RegExp(source);
    compiled.set(source, regex);
  }
  return regex;
}

export const idPatterns = {
  catalog: (prefix: CatalogIdPrefix) => pattern(`^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`),
  tenant: (prefix: TenantIdPrefix) => pattern(`^${prefix}_[0-9A-Za-z]{26}$`),
  transaction: /^ortx[0-9A-Za-z]{12}$/,
};

export function isTransactionId(value: string): boolean {
  return idPatterns.transaction.test(value);
}
