import { AppError, type FieldError } from '../errors.js';

export const maxJsonDepth = 64;

/**
 * Parses a JSON request body, refusing nesting deeper than 64 levels and any `__proto__` or
 * `constructor` key (prototype pollution). Depth is measured on the raw text before parsing, so a
 * hostile body costs one linear scan and nothing more.
 */
export function parseJsonBody(text: string): unknown {
  // An empty body is "no body": routes with optional bodies accept it, the others say what is required.
  if (/^[ \t\n\r]*$/.test(text)) return undefined;
  if (jsonDepth(text) > maxJsonDepth) {
    throw AppError.validation([{ field: 'body', message: `is nested deeper than ${maxJsonDepth} levels` }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw AppError.validation([{ field: 'body', message: 'is not valid JSON' }], 'Malformed JSON body');
  }
  // A key can be written with escapes (`"__proto\u005f_"`), and a NUL or a lone surrogate only as
  // `\u` escapes, so only a body free of both the plain words and of `\u` escapes can skip the walk.
  if (text.includes('__proto__') || text.includes('constructor') || text.includes('\\u')) {
    const problem = findProblem(value);
    if (problem !== undefined) throw AppError.validation([problem]);
  }
  return value;
}

/** Deepest nesting of arrays/objects, ignoring brackets inside strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return max;
}

const forbiddenKeys = new Set(['__proto__', 'constructor']);

/**
 * A lone surrogate (`"\ud800"`) is valid JSON but not Unicode: PostgreSQL's jsonb refuses it.
 * With the u flag a proper pair is one code point and does not match.
 */
const loneSurrogate = /\p{Cs}/u;

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (loneSurrogate.test(text)) return 'must not contain a lone surrogate (invalid Unicode)';
  return undefined;
}

/**
 * The first forbidden key, or string holding what PostgreSQL cannot store (a NUL, a lone
 * surrogate), with its path. Iterative, so a wide body cannot overflow the stack.
 */
function findProblem(root: unknown): FieldError | undefined {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const message = textProblem(value);
      if (message !== undefined) return { field: path || 'body', message };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const isArray = Array.isArray(value);
    for (const key of Object.keys(value)) {
      const childPath = isArray ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      if (!isArray && forbiddenKeys.has(key)) return { field: childPath, message: 'is a forbidden key' };
      const keyMessage = textProblem(key);
      if (keyMessage !== undefined) return { field: childPath, message: keyMessage };
      stack.push({ value: (value as Record<string, unknown>)[key], path: childPath });
    }
  }
  return undefined;
}
