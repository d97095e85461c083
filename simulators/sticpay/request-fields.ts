import type { FastifyInstance } from 'fastify';
import { SticpayError, type FieldError } from './errors.js';

/** API fields as Sticpay reads them: names to string values. */
export type Fields = Readonly<Record<string, string>>;

const bodyLimit = 64 * 1024;

/**
 * Which body type the real API takes is not public (its samples post forms, its paths say REST),
 * so both JSON and application/x-www-form-urlencoded are accepted, and read the same way. The
 * scope's parsers are replaced by these two so that the simulator behaves the same inside the
 * engine and standalone; JSON is kept as text here and read in `fieldsOf`.
 */
export function acceptApiBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    done(null, { json: body as string });
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [name, value] of new URLSearchParams(body as string)) fields[name] = value;
    done(null, { form: fields });
  });
}

/**
 * The request's fields: strings stay as sent (signatures cover them byte for byte), JSON numbers
 * and booleans become their JSON text; anything else is a validation error.
 */
export function fieldsOf(body: unknown): Fields {
  if (typeof body !== 'object' || body === null) return {};
  if ('form' in body) return body.form as Fields;
  if (!('json' in body) || typeof body.json !== 'string' || body.json.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.json);
  } catch {
    throw SticpayError.validation([{ field: 'body', defaultMessage: 'is not valid JSON' }]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw SticpayError.validation([{ field: 'body', defaultMessage: 'must be a JSON object' }]);
  }
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (value === null) continue;
    if (typeof value === 'string') fields[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') fields[name] = JSON.stringify(value);
    else errors.push({ field: name, defaultMessage: 'must be a string' });
  }
  if (errors.length > 0) throw SticpayError.validation(errors);
  return fields;
}

/** Collects field errors for one request and throws them together, as a validating server does. */
export class FieldCheck {
  readonly errors: FieldError[] = [];
  readonly #fields: Fields;

  constructor(fields: Fields) {
    this.#fields = fields;
  }

  /** The value, or undefined after recording "must not be blank". */
  required(name: string, maxLength = 255): string | undefined {
    const value = this.#fields[name];
    if (value === undefined || value.trim() === '') {
      this.fail(name, 'must not be blank');
      return undefined;
    }
    if (value.length > maxLength) {
      this.fail(name, `length must be at most ${maxLength}`);
      return undefined;
    }
    return value;
  }

  optional(name: string, maxLength = 255): string | undefined {
    return this.#fields[name] === undefined || this.#fields[name] === '' ? undefined : this.required(name, maxLength);
  }

  /** Exactly one of two alternative names (refund and detail name the order either way). */
  oneOf(first: string, second: string): { name: string; value: string } | undefined {
    const hasFirst = this.#fields[first] !== undefined && this.#fields[first] !== '';
    const hasSecond = this.#fields[second] !== undefined && this.#fields[second] !== '';
    if (hasFirst === hasSecond) {
      this.fail(hasFirst ? second : first, `give exactly one of ${first} and ${second}`);
      return undefined;
    }
    const name = hasFirst ? first : second;
    const value = this.required(name, 64);
    return value === undefined ? undefined : { name, value };
  }

  matches(name: string, value: string | undefined, pattern: RegExp, message: string): void {
    if (value !== undefined && !pattern.test(value)) this.fail(name, message);
  }

  fail(field: string, defaultMessage: string): void {
    this.errors.push({ field, defaultMessage });
  }

  /** Throws the collected errors, if any. */
  done(): void {
    if (this.errors.length > 0) throw SticpayError.validation(this.errors);
  }
}

export const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Modeled, not public: request timestamps as UTC "YYYY-MM-DD HH:mm:ss". */
export const datetimePattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
export const orderIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
export const interfaceVersions = ['sandbox', 'live'] as const;
export type InterfaceVersion = (typeof interfaceVersions)[number];

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
