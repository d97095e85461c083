import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { AppError, type FieldError } from './errors.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** One Ajv for request bodies and merchant-supplied schemas: every error reported, nothing coerced. */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false });
  addFormats(ajv);
  return ajv;
}

const sharedAjv = createAjv();

export type Validator = (value: unknown) => FieldError[];

/** Compiles a schema into a function returning every problem as `{field, message}`. */
export function compileValidator(schema: object, fieldPrefix = '', ajv: Ajv = sharedAjv): Validator {
  const validate = ajv.compile(schema);
  return (value) => (validate(value) ? [] : toFieldErrors(validate, fieldPrefix));
}

/** One error per field, the first Ajv found: an empty name is "must not be empty", not three complaints. */
/** The value, typed, once `check` found nothing wrong with it; otherwise a 4001 with every problem. */
export function assertValid<T>(check: Validator, value: unknown): T {
  const errors = check(value);
  if (errors.length > 0) throw AppError.validation(errors);
  return value as T;
}

export function toFieldErrors(validate: ValidateFunction, fieldPrefix = ''): FieldError[] {
  const byField = new Map<string, FieldError>();
  for (const error of validate.errors ?? []) {
    const fieldError = describe(error, fieldPrefix);
    if (!byField.has(fieldError.field)) byField.set(fieldError.field, fieldError);
  }
  return [...byField.values()];
}

/** Readable messages for the patterns the schemas of this codebase use. */
const patternMessages: Record<string, string> = {
  '\\S': 'must not be blank',
  '^https?://': 'must be an http(s) URL',
};

/** `/operations/0/status` → `operations[0].status`, under an optional prefix such as `credential`. */
export function fieldPath(prefix: string, instancePath: string, child?: string): string {
  let path = prefix;
  // instancePath is a JSON pointer (escaped); `child` is a raw property name from Ajv's params.
  const segments = instancePath === '' ? [] : instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) segments.push(child);
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else path += path === '' ? segment : `.${segment}`;
  }
  return path === '' ? 'body' : path;
}

// Messages never include the rejected value: it may be a credential.
function describe(error: ErrorObject, prefix: string): FieldError {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { field: fieldPath(prefix, error.instancePath, String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { field: fieldPath(prefix, error.instancePath, String(params.additionalProperty)), message: 'is not allowed' };
    case 'type':
      return {
        field: fieldPath(prefix, error.instancePath),
        message: `must be ${String(params.type).split(',').map(article).join(' or ')}`,
      };
    case 'enum':
      return {
        field: fieldPath(prefix, error.instancePath),
        message: `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`,
      };
    case 'minLength':
      return {
        field: fieldPath(prefix, error.instancePath),
        message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`,
      };
    case 'maxLength':
      return { field: fieldPath(prefix, error.instancePath), message: `must be at most ${String(params.limit)} characters` };
    case 'minItems':
      return { field: fieldPath(prefix, error.instancePath), message: `must have at least ${String(params.limit)} item(s)` };
    case 'maxItems':
      return { field: fieldPath(prefix, error.instancePath), message: `must have at most ${String(params.limit)} items` };
    case 'minProperties':
      return { field: fieldPath(prefix, error.instancePath), message: `must have at least ${String(params.limit)} field(s)` };
    case 'format':
      return { field: fieldPath(prefix, error.instancePath), message: `must be a valid ${String(params.format)}` };
    case 'pattern':
      return {
        field: fieldPath(prefix, error.instancePath),
        message: patternMessages[String(params.pattern)] ?? 'has an invalid format',
      };
    default:
      return { field: fieldPath(prefix, error.instancePath), message: error.message ?? 'is invalid' };
  }
}

function article(type: string): string {
  if (type === 'integer' || type === 'object' || type === 'array') return `an ${type}`;
  if (type === 'null') return 'null';
  return `a ${type}`;
}
