import type { JsonSchema } from './envelopes.js';

/** Pieces the route schemas share: timestamps, path and query parameters, pages, the idempotency header. */

/** Resource times as Connxt shows them: UTC to the second, without a zone. */
export const resourceTime = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$',
  description: 'UTC, to the second, without a zone (as Connxt shows it).',
  examples: ['2025-12-12T16:56:36'],
} as const;

export const optionalResourceTime = { ...resourceTime, type: ['string', 'null'], examples: [null] } as const;

export const nullableString = { type: ['string', 'null'] } as const;

export const enabledStatus = { type: 'string', enum: ['ENABLED', 'DISABLED'] } as const;

/** `{name: description}` → the params schema of those path parameters, all required strings. */
export function pathParams(described: Record<string, string>): JsonSchema {
  return {
    type: 'object',
    required: Object.keys(described),
    properties: Object.fromEntries(Object.entries(described).map(([name, description]) => [name, { type: 'string', description }])),
  };
}

/** Cursor pagination (request-input.ts limitParam): newest first, `nextCursor` of the previous page. */
export function pageQuery(filters: Record<string, JsonSchema> = {}): JsonSchema {
  return {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 200, default: 50, description: 'Items per page.' },
      cursor: { type: 'string', description: 'The `nextCursor` of the previous page.' },
      ...filters,
    },
  };
}

/** `{items, nextCursor}`; `nextCursor` is null on the last page. */
export function page(item: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['items', 'nextCursor'],
    properties: {
      items: { type: 'array', items: item },
      nextCursor: { ...nullableString, description: 'Pass as `cursor` for the next page; null on the last one.' },
    },
  };
}

/** Honoured by every creating POST of the merchant API (src/http/idempotent.ts). */
export const idempotencyKeyHeader = {
  type: 'object',
  properties: {
    'Idempotency-Key': {
      type: 'string',
      pattern: '^[\\x21-\\x7e]{1,255}$',
      description:
        'Makes a retry safe: the same key with the same request replays the first answer (with `Idempotent-Replayed: true`); ' +
        'with a different request it is a 409. Server errors free the key.',
      examples: ['order-1758818848508-attempt-1'],
    },
  },
} as const;

/** Response header of a replayed idempotent answer. */
export const replayedHeader = {
  'Idempotent-Replayed': { type: 'string', enum: ['true'], description: 'Present when this answer is the replay of an earlier one.' },
} as const;
