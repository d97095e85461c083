import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../errors.js';
import { parseJsonBody } from './json-body.js';

/** Asserts that parsing fails with a validation AppError and returns it. */
function rejects(text: string): AppError {
  let caught: unknown;
  try {
    parseJsonBody(text);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AppError, `expected an AppError for ${text.slice(0, 60)}`);
  assert.equal(caught.kind, 'validation');
  return caught;
}

const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

describe('parseJsonBody', () => {
  it('parses valid JSON', () => {
    assert.deepEqual(parseJsonBody('{"amount":10,"tags":["a",null,true],"nested":{"x":1.5}}'), {
      amount: 10,
      tags: ['a', null, true],
      nested: { x: 1.5 },
    });
    assert.equal(parseJsonBody('42'), 42);
  });

  it('treats an empty or whitespace-only body as no body', () => {
    assert.equal(parseJsonBody(''), undefined);
    assert.equal(parseJsonBody(' \n\t\r '), undefined);
  });

  it('rejects malformed JSON', () => {
    for (const text of ['{', '{"a":}', "{'a':1}", '[1,]', 'undefined']) {
      assert.equal(rejects(text).message, 'Malformed JSON body');
    }
  });

  it('accepts nesting of exactly 64 levels and rejects 65', () => {
    assert.ok(Array.isArray(parseJsonBody(nestedArrays(64))));
    assert.equal(typeof parseJsonBody(nestedObjects(64)), 'object');
    assert.equal(rejects(nestedArrays(65)).errors[0]?.message, 'is nested deeper than 64 levels');
    assert.equal(rejects(nestedObjects(65)).errors[0]?.message, 'is nested deeper than 64 levels');
  });

  it('does not count brackets inside strings', () => {
    const deepInString = JSON.stringify({ text: '[{'.repeat(100), quoted: 'a"[[[' + '['.repeat(100) });
    assert.ok(deepInString.includes('"a\\"[[['));
    assert.deepEqual(parseJsonBody(deepInString), { text: '[{'.repeat(100), quoted: 'a"[[[' + '['.repeat(100) });
    const text = `[${'"a\\"[[["'},${nestedArrays(63)}]`;
    assert.equal((parseJsonBody(text) as unknown[])[0], 'a"[[[');
  });

  it('rejects a __proto__ key, naming its path, at the top level and nested in an array', () => {
    assert.equal(rejects('{"__proto__":{"admin":true}}').errors[0]?.field, '__proto__');
    assert.equal(rejects('{"items":[1,{"ok":{"__proto__":{"admin":true}}}]}').errors[0]?.field, 'items[1].ok.__proto__');
  });

  it('rejects a constructor key', () => {
    assert.equal(rejects('{"a":{"constructor":{"prototype":{}}}}').errors[0]?.field, 'a.constructor');
  });

  it('rejects a forbidden key written with unicode escapes', () => {
    assert.equal(rejects('{"__proto\\u005f_":{}}').errors[0]?.field, '__proto__');
    assert.equal(rejects('[{"\\u0063onstructor":1}]').errors[0]?.field, '[0].constructor');
  });

  it('accepts the forbidden words as values', () => {
    assert.deepEqual(parseJsonBody('{"name":"constructor","note":"__proto__","list":["constructor"]}'), {
      name: 'constructor',
      note: '__proto__',
      list: ['constructor'],
    });
    assert.deepEqual(parseJsonBody('{"e":"caf\\u00e9"}'), { e: 'café' });
  });

  it('rejects a 1 MB body of 500k-deep brackets quickly', () => {
    const started = performance.now();
    rejects('['.repeat(500_000) + ']'.repeat(500_000));
    assert.ok(performance.now() - started < 1000);
  });
});

describe('parseJsonBody regressions', () => {
  it('counts only JSON whitespace as "no body": a BOM or a no-break space is malformed', () => {
    assert.equal(rejects('\uFEFF').message, 'Malformed JSON body');
    assert.equal(rejects('\u00A0').message, 'Malformed JSON body');
    assert.equal(parseJsonBody(' \t\r\n'), undefined);
  });
});
