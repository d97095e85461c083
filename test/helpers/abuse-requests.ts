import fc from 'fast-check';
import { numericStrings, oddString } from './abuse-values.js';

/** URL pieces, content types and extra headers for the abuse suite. */

/** Percent-encodes most of the time and sends raw (or half-encoded) text the rest. */
function urlText(value: string, raw: boolean): string {
  if (!raw) return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, (c) => `%${c.charCodeAt(0).toString(16)}`));
  const unsafe = (c: string) => c.charCodeAt(0) < 0x20 || c === '\u007f' || /[\s#?/]/.test(c);
  return [...value].map((c) => (unsafe(c) ? `%${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('');
}

/** Path segments that are not ids: traversal, encodings that decode to something else, too long. */
export const hostileSegments = [
  '..', '.', '%2e%2e', '..%2F..%2Fadmin', '%2F', '%00', 'a%00b', '%C0%AE%C0%AE', '%E0%A4%A', '%', '%ZZ', '%u002e', '%25',
  '%F0%9F%92%A9', '%E2%80%AE', '%ED%A0%80', 'x'.repeat(101), 'x'.repeat(5_000), '*', '~', ';x=1', 'a;b', '%3Bjsessionid=1',
  '%20', 'null', 'undefined', '__proto__', 'constructor', 'prototype', 'psp_', 'ortx', 'env_', '%0d%0aSet-Cookie:%20x=1',
];

/** A path parameter: mostly a real id (so the handler runs), otherwise something hostile. */
export function pathSegment(realIds: readonly string[]): fc.Arbitrary<{ text: string; hostile: boolean }> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...realIds).map((text) => ({ text, hostile: false })) },
    { weight: 2, arbitrary: fc.constantFrom(...hostileSegments).map((text) => ({ text, hostile: true })) },
    { weight: 2, arbitrary: fc.tuple(oddString, fc.boolean()).map(([s, raw]) => ({ text: urlText(s, raw) || '%20', hostile: true })) },
    // A real id one character off, or with something after it.
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...realIds), fc.constantFrom('X', '0', '%00', '/', '..', '%2F..')).map(([id, extra]) => ({ text: `${id}${extra}`, hostile: true })),
    },
  );
}

/** Query strings: known parameters with odd values, repeated ones, pollution keys, broken encodings. */
export function queryString(knownParams: readonly string[]): fc.Arbitrary<string> {
  const names = [...knownParams, 'limit', 'cursor', '__proto__', '__proto__[polluted]', 'constructor[prototype][polluted]', 'a[b][c]', 'x[]'];
  const value = fc.oneof(
    { weight: 3, arbitrary: oddString },
    { weight: 2, arbitrary: fc.constantFrom(...numericStrings) },
    { weight: 1, arbitrary: fc.constantFrom('ENABLED', 'SUCCESS', 'PG_ACCEPTED', 'DEPOSIT', '2026-01-01T00:00:00', 'yes', '4111111111111111'.slice(0, 12)) },
  );
  const pair = fc.tuple(fc.oneof(fc.constantFrom(...names), oddString), value, fc.boolean()).map(([name, v, raw]) => `${urlText(name, raw)}=${urlText(v, raw)}`);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 6, arbitrary: fc.array(pair, { minLength: 1, maxLength: 5 }).map((pairs) => `?${pairs.join('&')}`) },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&&&', '?=', '?a', '?a=1;b=2', '?%', '?a=%E0%A4%A', '?a=1#frag', '?limit=1&limit=2', `?${'a=1&'.repeat(2_000)}`, `?q=${'x'.repeat(20_000)}`) },
  );
}

/** Content types: right, nearly right, and wrong. */
export const contentTypes = fc.oneof(
  { weight: 8, arbitrary: fc.constant<string | undefined>('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom<string | undefined>(
      undefined, '', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16',
      'APPLICATION/JSON', 'application/json;;', 'application/json, text/plain', 'application/jsonx', 'text/json',
      'application/vnd.api+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
      'application/octet-stream', 'application/json\u0000', '*/*', 'application/json; boundary="\u00e9"',
    ),
  },
);

/** Headers other than credentials that hooks or handlers read, with odd values: none, one or two of them. */
export function extraHeaders(creates: boolean): fc.Arbitrary<Record<string, string>> {
  const odd = oddString.map((s) => s.replace(/[\r\n]/g, ' '));
  const header = (name: string, value: fc.Arbitrary<string>) => value.map((v): [string, string] => [name, v]);
  const pair = fc.oneof(
    { weight: 3, arbitrary: header('x-request-id', fc.oneof(odd, fc.constantFrom('req-1', 'x'.repeat(65), '../../x', 'a b'))) },
    { weight: 2, arbitrary: header('accept', fc.constantFrom('*/*', 'text/html', 'application/xml', '', 'application/json;q=0')) },
    { weight: 1, arbitrary: header('accept-encoding', fc.constantFrom('gzip', 'br', 'identity;q=0', '*;q=0', '')) },
    { weight: 1, arbitrary: header('x-forwarded-for', fc.constantFrom('127.0.0.1', '169.254.169.254, 10.0.0.1', 'garbage')) },
    { weight: 1, arbitrary: header('content-length', fc.constantFrom('0', '5', '-1', '99999999999', 'abc')) },
    ...(creates ? [{ weight: 4, arbitrary: header('idempotency-key', fc.oneof(odd, fc.constantFrom('key-1', 'k'.repeat(256), 'k'.repeat(255), ' key', 'é'))) }] : []),
  );
  return fc.array(pair, { maxLength: 2 }).map((pairs) => Object.fromEntries(pairs));
}
