import fc from 'fast-check';
import { brokenJsonTexts, jsonString, keyText, oddString, valueText } from './abuse-values.js';

/**
 * Request bodies for the abuse suite. Most start from a valid body of the endpoint and change a
 * few fields (wrong types, odd unicode, huge numbers, extra and pollution keys), so they get past
 * the first check and reach the deeper ones; the rest are broken at the text or byte level.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Template = { [key: string]: Json };

/** A change to one place of a template: a path of keys and indexes from the root. */
type Mutation =
  | { op: 'replace'; path: string; text: string }
  | { op: 'delete'; path: string }
  | { op: 'add'; path: string; key: string; text: string };

/** Every path of a template, the root ('') included, as JSON-pointer-like strings. */
function pathsOf(value: Json, path = ''): string[] {
  if (value === null || typeof value !== 'object') return [path];
  const children = Array.isArray(value) ? value.map((item, i) => pathsOf(item, `${path}/${i}`)) : Object.entries(value).map(([k, v]) => pathsOf(v, `${path}/${k}`));
  return [path, ...children.flat()];
}

function objectPathsOf(value: Json, path = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  const own = Array.isArray(value) ? [] : [path];
  const children = Array.isArray(value)
    ? value.map((item, i) => objectPathsOf(item, `${path}/${i}`))
    : Object.entries(value).map(([k, v]) => objectPathsOf(v, `${path}/${k}`));
  return [...own, ...children.flat()];
}

/** The template as JSON text with the mutations applied; keys keep their order. */
export function render(value: Json, mutations: readonly Mutation[], path = ''): string {
  const replaced = mutations.find((m) => m.op === 'replace' && m.path === path);
  if (replaced !== undefined && replaced.op === 'replace') return replaced.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const kept = (childPath: string) => !mutations.some((m) => m.op === 'delete' && m.path === childPath);
  if (Array.isArray(value)) {
    const items = value.flatMap((item, i) => (kept(`${path}/${i}`) ? [render(item, mutations, `${path}/${i}`)] : []));
    return `[${items.join(',')}]`;
  }
  const entries = Object.entries(value).flatMap(([k, v]) => (kept(`${path}/${k}`) ? [`${jsonString(k)}:${render(v, mutations, `${path}/${k}`)}`] : []));
  for (const m of mutations) if (m.op === 'add' && m.path === path) entries.push(`${m.key}:${m.text}`);
  return `{${entries.join(',')}}`;
}

/** A value for one field: anything, a string of odd characters, or a planted fragment. */
function fieldText(extra: readonly fc.Arbitrary<string>[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: valueText },
    { weight: 2, arbitrary: oddString.map(jsonString) },
    ...extra.map((arbitrary) => ({ weight: 1, arbitrary })),
  );
}

/** 1 to 3 changes to a template, each at a path it really has. */
export function mutatedTemplate(template: Template, extraValues: readonly fc.Arbitrary<string>[] = []): fc.Arbitrary<string> {
  const paths = pathsOf(template).filter((p) => p !== '');
  const objectPaths = objectPathsOf(template);
  const value = fieldText(extraValues);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('replace' as const), path: fc.constantFrom(...paths), text: value }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...paths) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), path: fc.constantFrom(...objectPaths), key: keyText, text: value }) },
  );
  return fc.array(mutation, { minLength: 0, maxLength: 3 }).map((mutations) => render(template, mutations));
}

/** Damage at the text level: cut short, extra text, a character swapped, wrapped. */
const textDamage: fc.Arbitrary<(text: string) => string> = fc.oneof(
  fc.nat().map((n) => (text: string) => text.slice(0, text.length === 0 ? 0 : n % text.length)),
  fc.constantFrom(...brokenJsonTexts).map((junk) => (text: string) => text + junk),
  fc.tuple(fc.nat(), fc.constantFrom('"', '{', '}', ',', ':', '\\', '\u0000', "'")).map(([n, c]) => (text: string) => {
    const at = text.length === 0 ? 0 : n % text.length;
    return text.slice(0, at) + c + text.slice(at + 1);
  }),
  fc.constantFrom('\ufeff', ' \n\t', '[', '{"wrapped":').map((prefix) => (text: string) => prefix + text),
);

/** Nesting just past the limit and far past it, of arrays and of objects. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Built once: generating a megabyte per run would cost more than sending it. */
const oversizedJson = `{"name":"${'x'.repeat(1_100_000)}"}`;
const veryDeepJson = deepJson(100_000, 'array');

/** Bytes that are not UTF-8 JSON: overlong encodings, invalid sequences, UTF-16. */
const badBytes = [
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xae, 0x22, 0x7d]), // {"a":"<overlong .>"}
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), // an encoded lone surrogate
  Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), // UTF-16LE with BOM
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xf8, 0x88, 0x80, 0x80, 0x80, 0x22, 0x7d]), // a 5-byte sequence
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0x22, 0x7d]), // a truncated sequence
];

export type Payload = string | Buffer;

/** Bodies for one endpoint, starting from its valid `template`. */
export function abuseBody(template: Template, extraValues: readonly fc.Arbitrary<string>[] = []): fc.Arbitrary<Payload> {
  const mutated = mutatedTemplate(template, extraValues);
  return fc.oneof(
    { weight: 60, arbitrary: mutated },
    { weight: 10, arbitrary: fc.tuple(mutated, textDamage).map(([text, damage]) => damage(text)) },
    { weight: 8, arbitrary: valueText },
    { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 60, max: 300 }), fc.constantFrom('array' as const, 'object' as const)).map(([depth, kind]) => deepJson(depth, kind)) },
    { weight: 4, arbitrary: fc.constantFrom('', ' ', '\n', 'null', '[]', '""', '0', '{}', '[{}]') },
    { weight: 4, arbitrary: fc.constantFrom(...brokenJsonTexts) },
    { weight: 3, arbitrary: fc.constantFrom(...badBytes) },
    { weight: 3, arbitrary: fc.constantFrom('name=x&credential=y', '<xml><name>x</name></xml>', 'name=x&__proto__[polluted]=yes', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--') },
    { weight: 1, arbitrary: fc.constantFrom(oversizedJson, veryDeepJson) },
  );
}

/** A body for an endpoint that takes none (or only an optional one). */
export const strayBody: fc.Arbitrary<Payload | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: abuseBody({ reason: 'x' }) },
);
