import fc from 'fast-check';

/**
 * Hostile values for the abuse suite, as text ready to put into a JSON body, a query string or a
 * header: odd unicode, prototype-pollution keys, numbers JSON.stringify cannot even write.
 */

/** Characters that break naive code: NUL, lone surrogates, bidi overrides, combining marks, separators. */
export const oddCharacters = [
  '\u0000', '\u0001', '\u001f', '\u007f', '\ud800', '\udbff', '\udc00', '\udfff', '\u202e', '\u202d', '\u200f', '\u200b',
  '\u0301', '\u0336', '\ufeff', '\ufffd', '\uffff', '\u2028', '\u2029', '\u0085', '\u00a0', '\u{1f4a9}', '\u{10ffff}', 'ǅ', 'ß',
  'İ', 'ﬃ', '\\', '"', "'", '`', '<', '>', '&', '%', '+', '#', '?', '/', '.', ';', '=', '\r', '\n', '\t', ' ', '$', '{', '}',
];

/** Whole strings known to trip parsers, templates, SQL, shells and JavaScript property lookups. */
export const notoriousStrings = [
  '', ' ', '\t\n', 'null', 'undefined', 'NaN', 'true', '[object Object]', '__proto__', 'constructor', 'prototype',
  'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', '../../../../etc/passwd', '..\\..\\windows\\win.ini',
  '%2e%2e%2f', '%00', '${7*7}', '{{7*7}}', '#{7*7}', "' OR '1'='1", "'; DROP TABLE transactions; --", '$(reboot)',
  '<script>alert(1)</script>', 'javascript:alert(1)', 'e\u0301'.repeat(300), '\u202eevil.exe', 'A'.repeat(5_000),
  '\ud83d', 'a\u0000b', 'sec_', 'Bearer ', 'ＳＥＣ＿', 'ѕес_', '0', '-1', '1e309', '🏳️‍🌈'.repeat(50),
];

const oddUnit = fc.constantFrom(...oddCharacters);

/** Short strings mixing printable text, any code point, and the odd characters above. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
  { weight: 3, arbitrary: fc.string({ unit: oddUnit, maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(...notoriousStrings) },
);

/**
 * Numbers as JSON text, including ones JavaScript cannot hold (1e400, 30-digit integers) and
 * ones that are not JSON at all (NaN, 0x1F, +1): amounts and limits get all of them.
 */
export const numberTexts = [
  '0', '-0', '1', '-1', '0.1', '0.005', '1.999', '100.123456789', '1e2', '1E+2', '1e-7', '1e400', '-1e400', '1e-400',
  '123456789012345678901234567890', '9007199254740993', '-9007199254740993', '1.7976931348623157e308', '5e-324',
  '100000000000000000000.00', '99999999999999999999', '2147483648', '4294967296', '0.1e1', '00012', '1.', '.5', '+1',
  '0x1F', '1_000', 'NaN', 'Infinity', '-Infinity', '1,5',
];

/** The same as strings, plus the ways people write amounts that are not numbers. */
export const numericStrings = [
  ...numberTexts, ' 12 ', '12,50', '١٢٣', '１２３', '12.345', '12.3.4', '-', '', '1 000', '1e', '0.00', '-0.01', '1\u0000',
];

export function jsonString(value: string): string {
  return JSON.stringify(value);
}

/**
 * Keys an attacker sends hoping for prototype pollution, written plainly and with escapes (which
 * JSON.parse turns back into the same key), and decoys next to them.
 */
export const pollutionKeys = [
  '"__proto__"', '"constructor"', '"prototype"', '"\\u005f_proto__"', '"__pro\\u0074o__"', '"constructo\\u0072"',
  '"__proto__\\u0000"', '"__defineSetter__"', '"__lookupGetter__"', '"hasOwnProperty"', '"toString"', '"polluted"',
];

/** Whole values that would pollute Object.prototype if merged naively. */
export const pollutionValues = [
  '{"__proto__":{"polluted":"yes","isAdmin":true}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":"yes"}}',
  '[{"__proto__":{"polluted":"yes"}}]',
  '{"a":{"b":{"__proto__":{"polluted":"yes"}}}}',
];

/** Names an attacker hopes to find on every object afterwards: the suite checks none appears. */
export const pollutionProbeNames = ['polluted', 'isAdmin'] as const;

/** String literals only writable as escapes: JSON.parse accepts them, PostgreSQL may not. */
export const escapedStringLiterals = [
  '"\\u0000"', '"a\\u0000b"', '"\\ud800"', '"\\udfff\\ud800"', '"\\ud83d\\ude00"', '"\\u202e"', '"\\/\\b\\f"', '"\\uFEFF"',
];

/** Text that is almost JSON. */
export const brokenJsonTexts = [
  '{', '}', '[', '{"a":}', '{"a":1,}', '[1,]', "{'a':1}", '{a:1}', '{"a":1}{"b":2}', '{"a":1} trailing', '/* c */{}', '{"a":1//c\n}',
  '{"a":undefined}', '{"a":NaN}', '"unterminated', '\\', '\u0000', 'nul', 'tru', '{"a":"\\x41"}', '{"a":"\\u12"}', '{"a":"\n"}',
];

export const scalarText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: oddString.map(jsonString) },
  { weight: 1, arbitrary: fc.constantFrom(...escapedStringLiterals) },
  { weight: 2, arbitrary: fc.constantFrom(...numberTexts) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null') },
);

export const keyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: oddString.map(jsonString) },
  { weight: 2, arbitrary: fc.constantFrom(...pollutionKeys) },
);

/** Any JSON value as text, small and shallow (the deep ones are built on purpose elsewhere). */
export const valueText: fc.Arbitrary<string> = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthSize: 'small' },
    { weight: 5, arbitrary: scalarText },
    { weight: 1, arbitrary: tie('array') },
    { weight: 1, arbitrary: tie('object') },
    { weight: 1, arbitrary: fc.constantFrom(...pollutionValues) },
  ),
  array: fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
  object: fc.array(fc.tuple(keyText, tie('value')), { maxLength: 4 }).map((entries) => `{${entries.map(([k, v]) => `${k}:${v}`).join(',')}}`),
})).value;

/**
 * Test card numbers (all Luhn-valid) and security codes that the suite plants in bodies on
 * purpose: none may come back in a response, a log line or a stored row.
 */
export const plantedPans = ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '4000056655665556', '3530111333300000'];
export const plantedPanSpellings = [...plantedPans, '4111 1111 1111 1111', '5555-5555-5555-4444'];
export const plantedCvcs = ['737', '1234'];

export const cardText: fc.Arbitrary<string> = fc
  .record({ number: fc.constantFrom(...plantedPanSpellings), cvc: fc.constantFrom(...plantedCvcs), key: fc.constantFrom('number', 'pan', 'cardNumber', 'card_number') })
  .map(({ number, cvc, key }) => `{${jsonString(key)}:${jsonString(number)},"cvc":${jsonString(cvc)},"expiry":"12/30","holder":"A N Other"}`);
