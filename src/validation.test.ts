import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileValidator } from './validation.js';

const operationsSchema = {
  type: 'object',
  required: ['name', 'operations'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    email: { type: 'string', format: 'email' },
    operations: {
      type: 'array',
      items: {
        type: 'object',
        properties: { status: { enum: ['ACTIVE', 'INACTIVE'] }, code: { type: 'string', minLength: 3 } },
      },
    },
  },
};

describe('compileValidator', () => {
  const validate = compileValidator(operationsSchema);

  it('returns no errors for a valid value', () => {
    assert.deepEqual(validate({ name: 'x', operations: [{ status: 'ACTIVE' }] }), []);
  });

  it('reports every error at once', () => {
    const errors = validate({ name: '', extra: 1, operations: [{ status: 'ON' }, { code: 7 }] });
    assert.deepEqual(
      [...errors].sort((a, b) => a.field.localeCompare(b.field)),
      [
        { field: 'extra', message: 'is not allowed' },
        { field: 'name', message: 'must not be empty' },
        { field: 'operations[0].status', message: 'must be one of: ACTIVE, INACTIVE' },
        { field: 'operations[1].code', message: 'must be a string' },
      ],
    );
  });

  it('names a missing property as the field', () => {
    assert.deepEqual(validate({ name: 'x' }), [{ field: 'operations', message: 'is required' }]);
    assert.deepEqual(validate({}), [
      { field: 'name', message: 'is required' },
      { field: 'operations', message: 'is required' },
    ]);
  });

  it('writes nested paths with dots and brackets', () => {
    const nested = compileValidator({
      properties: { a: { properties: { b: { type: 'array', items: { properties: { c: { type: 'integer' } } } } } } },
    });
    assert.deepEqual(nested({ a: { b: [{}, {}, { c: 'x' }] } }), [{ field: 'a.b[2].c', message: 'must be an integer' }]);
  });

  it('puts a prefix in front of every field, and names the whole value "body" without one', () => {
    const credential = compileValidator(
      { type: 'object', required: ['apiKey'], properties: { apiKey: { type: 'string', minLength: 10 } } },
      'credential',
    );
    assert.deepEqual(credential({ apiKey: 'short' }), [
      { field: 'credential.apiKey', message: 'must be at least 10 characters' },
    ]);
    assert.deepEqual(credential({}), [{ field: 'credential.apiKey', message: 'is required' }]);
    assert.deepEqual(validate('text'), [{ field: 'body', message: 'must be an object' }]);
  });

  it('describes format errors', () => {
    assert.deepEqual(validate({ name: 'x', operations: [], email: 'nope' }), [
      { field: 'email', message: 'must be a valid email' },
    ]);
  });

  it('never repeats the rejected value in a message', () => {
    const secret = 'sk_live_9f8e7d6c5b4a3f2e1d0c';
    const errors = validate({ name: 'x', email: secret, operations: [{ status: secret, code: secret.slice(0, 2) }] });
    assert.equal(errors.length, 3);
    for (const error of errors) {
      assert.ok(!error.message.includes(secret), error.message);
      assert.ok(!error.field.includes(secret), error.field);
    }
  });
});

describe('compileValidator regressions', () => {
  it('keeps property names with ~0 and ~1 as they are', () => {
    assert.deepEqual(compileValidator({ additionalProperties: false })({ 'a~1b': 1 }), [{ field: 'a~1b', message: 'is not allowed' }]);
    assert.deepEqual(compileValidator({ required: ['x~0y'] })({}), [{ field: 'x~0y', message: 'is required' }]);
    assert.deepEqual(
      compileValidator({ properties: { 'a/b': { type: 'string' } } })({ 'a/b': 1 }),
      [{ field: 'a/b', message: 'must be a string' }],
    );
  });

  it('says "or" between the types of a multi-type schema', () => {
    assert.deepEqual(compileValidator({ type: ['string', 'null'] })(1), [{ field: 'body', message: 'must be a string or null' }]);
  });

  it('reports one error per field, the first found', () => {
    const check = compileValidator({ properties: { name: { type: 'string', minLength: 1, pattern: '\\S' } } });
    assert.deepEqual(check({ name: '' }), [{ field: 'name', message: 'must not be empty' }]);
    assert.deepEqual(check({ name: '  ' }), [{ field: 'name', message: 'must not be blank' }]);
  });
});

describe('compileValidator messages for objects', () => {
  it('says how many fields an object needs, in plain words', () => {
    assert.deepEqual(compileValidator({ type: 'object', minProperties: 1 })({}), [{ field: 'body', message: 'must have at least 1 field(s)' }]);
  });
});
