import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { literalOfMember } from './json-body.js';
import { decimalFromMinor, jsonAmount, minorUnitsFromLiteral } from './money.js';

describe('paymaxis simulator: amounts', () => {
  it('reads JSON number literals as exact minor units', () => {
    const minor = (literal: string, exponent = 2) => {
      const reading = minorUnitsFromLiteral(literal, exponent);
      return reading.ok ? reading.minor : reading.message;
    };
    assert.equal(minor('150.50'), 15050n);
    assert.equal(minor('0.1'), 10n);
    assert.equal(minor('2E2'), 20000n);
    assert.equal(minor('12.5e-1'), 125n);
    assert.equal(minor('1.2345e2', 3), 123450n);
    assert.equal(minor('12.345'), 'must have at most 2 decimal places');
    assert.equal(minor('1e-400'), 'is out of range');
    assert.equal(minor('-0.00'), 'must be greater than 0');
    assert.equal(minor('9999999999999.99'), 999999999999999n);
    assert.equal(minor('10000000000000'), 'is too large');
  });

  it('writes them back as the same decimal', () => {
    assert.equal(decimalFromMinor(5n, 2), '0.05');
    assert.equal(decimalFromMinor(15050n, 2), '150.50');
    assert.equal(decimalFromMinor(7n, 0), '7');
    assert.equal(decimalFromMinor(1234n, 3), '1.234');
    assert.equal(JSON.stringify(jsonAmount(999999999999999n, 2)), '9999999999999.99');
    assert.equal(JSON.stringify(jsonAmount(30n, 2)), '0.3');
  });

  it('finds the literal of a top-level member, skipping nested ones and strings', () => {
    const text = ' { "x": {"amount": 1}, "s": "\\"amount\\": 2, ]", "a": [1, {"amount": 3}], "amount" : 150.50 , "z": null }';
    assert.equal(literalOfMember(text, 'amount'), '150.50');
    assert.equal(literalOfMember('{"amount":1,"amount":2.50}', 'amount'), '2.50');
    assert.equal(literalOfMember('{"am\\u006funt":7}', 'amount'), '7');
    assert.equal(literalOfMember('[1]', 'amount'), undefined);
    assert.equal(literalOfMember('{}', 'amount'), undefined);
  });
});
