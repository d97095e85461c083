import { errorKinds, type ErrorKind } from '../../errors.js';

/**
 * Response schemas of the Connxt envelopes, for the route schemas (OpenAPI only: the app neither
 * validates nor serializes with them, see openapi-reference.ts).
 */
export type JsonSchema = Record<string, unknown>;

/** A named example of a whole answer or body, as OpenAPI's Example Object. */
export interface NamedExample {
  summary: string;
  value: unknown;
}

const envelopeTimestamp = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$',
  description: 'When the answer was made, UTC, to the second.',
  examples: ['2025-12-12T10:43:18Z'],
} as const;

/** `{timestamp, code, message, data}`: `code` is the HTTP status as a string. */
export function successResponse(
  description: string,
  data: JsonSchema,
  options: { status?: number; message?: string; examples?: Record<string, NamedExample> } = {},
): JsonSchema {
  const status = String(options.status ?? 200);
  return {
    description,
    type: 'object',
    required: ['timestamp', 'code', 'message', 'data'],
    properties: {
      timestamp: envelopeTimestamp,
      code: { type: 'string', enum: [status], description: 'The HTTP status, as a string.' },
      message: { type: 'string', examples: [options.message ?? 'Operation completed successfully'] },
      data,
    },
    ...(options.examples === undefined ? {} : { 'x-examples': options.examples }),
  };
}

const fieldError = {
  type: 'object',
  required: ['field', 'message'],
  properties: {
    field: { type: 'string', description: 'Where the problem is: a body path (`operations[0].status`), a query or header name, or `body`.' },
    message: { type: 'string', description: 'What is wrong; never the rejected value.' },
  },
} as const;

const errorMeanings: Record<ErrorKind, string> = {
  validation: 'Validation failed (4001): every problem as `{field, message}`',
  payload_too_large: 'Body larger than the limit (4001)',
  unsupported_media_type: 'Body is not `application/json` (4001)',
  unauthenticated: 'Missing or wrong credentials (4002)',
  forbidden: 'Not allowed (4003)',
  not_found: 'Not found (4004)',
  conflict: 'Conflict with the current state (4005)',
  unavailable: 'Unavailable (1000)',
  internal: 'Internal error (1000); the details are only in the log',
};

/** `{timestamp, code, message, errors}` with the Connxt code of `kind` (PSP-FACTS.md, src/errors.ts). */
export function errorResponse(kind: ErrorKind, description: string = errorMeanings[kind]): JsonSchema {
  return {
    description,
    type: 'object',
    required: ['timestamp', 'code', 'message', 'errors'],
    properties: {
      timestamp: envelopeTimestamp,
      code: { type: 'string', enum: [errorKinds[kind].code], description: 'The Connxt error code.' },
      message: { type: 'string' },
      errors: { type: 'array', items: fieldError },
    },
  };
}

/**
 * The error answers of a route, by HTTP status: `{400: 'Unknown status filter', 404: ...}`, each
 * status mapped to its error kind. Errors every route of a prefix shares (401, 413, 415, 500) are
 * added by route-documentation.ts, where the prefixes are known.
 */
export function errorResponses(described: Partial<Record<400 | 403 | 404 | 409 | 503, string>>): Record<string, JsonSchema> {
  const kindByStatus: Record<number, ErrorKind> = { 400: 'validation', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 503: 'unavailable' };
  return Object.fromEntries(
    Object.entries(described).map(([status, description]) => [status, errorResponse(kindByStatus[Number(status)]!, description)]),
  );
}
