import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PaymaxisError } from './errors.js';

const rawBodies = new WeakMap<FastifyRequest, string>();
const bodyLimit = 256 * 1024;

/**
 * Paymaxis's own JSON reader for this plugin's scope, so that the simulator behaves the same inside
 * the engine and on the standalone server, and so that it keeps the exact text: `amount` is a JSON
 * number and is read from its literal, never from the double JSON.parse makes of it.
 */
export function acceptPaymaxisJson(app: FastifyInstance): void {
  if (app.hasContentTypeParser('application/json')) app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const text = body as string;
    try {
      const value: unknown = JSON.parse(text);
      rawBodies.set(request, text);
      done(null, value);
    } catch {
      done(PaymaxisError.badRequest('Malformed JSON request body'), undefined);
    }
  });
}

/** The literal text of a member of the top-level JSON object (the last one, as JSON.parse keeps), if any. */
export function topLevelLiteral(request: FastifyRequest, name: string): string | undefined {
  const text = rawBodies.get(request);
  return text === undefined ? undefined : literalOfMember(text, name);
}

/** Exported for tests. `text` is already known to be valid JSON. */
export function literalOfMember(text: string, name: string): string | undefined {
  let i = skipSpace(text, 0);
  if (text[i] !== '{') return undefined;
  i = skipSpace(text, i + 1);
  let found: string | undefined;
  while (text[i] === '"') {
    const keyEnd = endOfValue(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, skipSpace(text, keyEnd) + 1); // past ':'
    const valueEnd = endOfValue(text, i);
    if (key === name) found = text.slice(i, valueEnd);
    i = skipSpace(text, valueEnd);
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return found;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && ' \t\n\r'.includes(text[i]!)) i += 1;
  return i;
}

/** Index just past the JSON value that starts at `i`. */
function endOfValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') {
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  }
  if (first === '{' || first === '[') {
    let depth = 0;
    let j = i;
    while (j < text.length) {
      const c = text[j];
      if (c === '"') {
        j = endOfValue(text, j);
        continue;
      }
      if (c === '{' || c === '[') depth += 1;
      if (c === '}' || c === ']') depth -= 1;
      j += 1;
      if (depth === 0) return j;
    }
    return j;
  }
  let j = i;
  while (j < text.length && !',}] \t\n\r'.includes(text[j]!)) j += 1;
  return j;
}
