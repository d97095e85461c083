/** Every failure the API reports is an AppError; its kind decides the HTTP status and the Connxt code. */
export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'internal';

export interface FieldError {
  field: string;
  message: string;
}

/** Connxt error codes (PSP-FACTS.md): the body's `code` is the Connxt code, not the HTTP status. */
export const errorKinds: Record<ErrorKind, { status: number; code: string }> = {
  validation: { status: 400, code: '4001' },
  payload_too_large: { status: 413, code: '4001' },
  unsupported_media_type: { status: 415, code: '4001' },
  unauthenticated: { status: 401, code: '4002' },
  forbidden: { status: 403, code: '4003' },
  not_found: { status: 404, code: '4004' },
  conflict: { status: 409, code: '4005' },
  unavailable: { status: 503, code: '1000' },
  internal: { status: 500, code: '1000' },
};

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }

  static validation(errors: FieldError[], message = 'Validation failed'): AppError {
    return new AppError('validation', message, errors);
  }

  static notFound(message = 'Resource not found'): AppError {
    return new AppError('not_found', message);
  }

  static conflict(message: string): AppError {
    return new AppError('conflict', message);
  }
}

/**
 * One line saying what went wrong, for start-up failures and the CLI. Copes with what libraries
 * really throw: pg's AggregateError without a message (one per address tried), and PGlite's
 * file-system errors, which are not Error instances.
 */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.message === '' && err.errors.length > 0) {
    return [...new Set(err.errors.map(describeError))].join('; ');
  }
  if (typeof err === 'object' && err !== null) {
    const { message, code, errno } = err as { message?: unknown; code?: unknown; errno?: unknown };
    if (typeof message === 'string' && message !== '') return message.replace(/\s*\n\s*/g, ' ');
    if (typeof code === 'string') return code;
    if (errno !== undefined) return `file system error (errno ${String(errno)})`;
    return err instanceof Error ? err.name : 'unknown error';
  }
  return String(err);
}

/** PostgreSQL SQLSTATEs the services translate into API errors. */
export const pgErrorCodes = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
} as const;

export function pgErrorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

export function pgConstraint(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'constraint' in err && typeof err.constraint === 'string') {
    return err.constraint;
  }
  return undefined;
}
