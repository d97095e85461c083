import { AppError, type FieldError } from '../errors.js';

type Query = Record<string, unknown>;

/** `?limit=` as an integer in [1, max], default `fallback`. */
export function limitParam(query: Query, errors: FieldError[], fallback = 50, max = 200): number {
  const raw = query.limit;
  if (raw === undefined) return fallback;
  const limit = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= max)) {
    errors.push({ field: 'limit', message: `must be an integer from 1 to ${max}` });
    return fallback;
  }
  return limit;
}

/** An optional single-valued string parameter, optionally one of `allowed`. */
export function stringParam<T extends string>(
  query: Query,
  name: string,
  errors: FieldError[],
  allowed?: readonly T[],
): T | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw === '' || raw.length > 200) {
    errors.push({ field: name, message: 'must be a single non-empty value' });
    return undefined;
  }
  if (allowed !== undefined && !allowed.includes(raw as T)) {
    errors.push({ field: name, message: `must be one of: ${allowed.join(', ')}` });
    return undefined;
  }
  return raw as T;
}

/** An optional free-text parameter compared with stored text (an order id): PostgreSQL text cannot hold a NUL. */
export function textParam(query: Query, name: string, errors: FieldError[]): string | undefined {
  const value = stringParam(query, name, errors);
  if (value?.includes('\u0000')) {
    errors.push({ field: name, message: 'must not contain NUL characters' });
    return undefined;
  }
  return value;
}

export function throwIfErrors(errors: FieldError[]): void {
  if (errors.length > 0) throw AppError.validation(errors);
}
