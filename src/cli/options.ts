import { AppError, type FieldError } from '../errors.js';

// Option values that the services do not check themselves, and service errors renamed after the
// options that carried them: an operator typed `--psp`, not `pspId`.

/** `--limit`: an integer from 1 to `max` (the API's bounds), `fallback` when absent. */
export function limitOption(raw: string | undefined, errors: FieldError[], fallback = 50, max = 200): number {
  if (raw === undefined) return fallback;
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= max)) {
    errors.push({ field: '--limit', message: `must be an integer from 1 to ${max}` });
    return fallback;
  }
  return limit;
}

/** `--status`-like options with a fixed set of values. */
export function choiceOption<T extends string>(raw: string | undefined, option: string, allowed: readonly T[], errors: FieldError[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw as T)) {
    errors.push({ field: option, message: `must be one of: ${allowed.join(', ')}` });
    return undefined;
  }
  return raw as T;
}

export function throwIfErrors(errors: FieldError[]): void {
  if (errors.length > 0) throw AppError.validation(errors);
}

/** Runs `work`; a validation error's API field names (`pspId`) become the options' (`--psp`). */
export async function withOptionNames<T>(names: Readonly<Record<string, string>>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof AppError) || err.kind !== 'validation') throw err;
    throw AppError.validation(
      err.errors.map((e) => ({ field: names[e.field] ?? e.field, message: e.message })),
      err.message,
    );
  }
}
