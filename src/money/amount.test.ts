import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMinor, parseAmount, type AmountResult } from './amount.js';
import { currencyMinorUnits, minorUnits } from './currencies.js';

function money(result: AmountResult): { decimal: string; minor: string; currency: string } {
  if (!result.ok) assert.fail(`expected ok, got ${result.field}: ${result.message}`);
  return result.money;
}

function rejected(result: AmountResult, field: 'txnCurrency' | 'txnAmount', message: string): void {
  assert.deepEqual(result, { ok: false, field, message });
}

describe('parseAmount', () => {
  it('pads a whole USD number to two decimals', () => {
    assert.deepEqual(money(parseAmount(200, 'USD')), { currency: 'USD', decimal: '200.00', minor: '20000' });
  });

  it('pads a fractional number and a decimal string', () => {
    assert.deepEqual(money(parseAmount(12.5, 'USD')), { currency: 'USD', decimal: '12.50', minor: '1250' });
    assert.deepEqual(money(parseAmount('0.10', 'USD')), { currency: 'USD', decimal: '0.10', minor: '10' });
    assert.deepEqual(money(parseAmount('12.5', 'EUR')), { currency: 'EUR', decimal: '12.50', minor: '1250' });
  });

  it('accepts trailing zeros beyond the precision and drops leading zeros', () => {
    assert.deepEqual(money(parseAmount('12.500', 'USD')), { currency: 'USD', decimal: '12.50', minor: '1250' });
    assert.deepEqual(money(parseAmount('1500.000', 'JPY')), { currency: 'JPY', decimal: '1500', minor: '1500' });
    assert.deepEqual(money(parseAmount('007.05', 'USD')), { currency: 'USD', decimal: '7.05', minor: '705' });
  });

  it('uses no decimals for JPY and rejects a fraction', () => {
    assert.deepEqual(money(parseAmount(1500, 'JPY')), { currency: 'JPY', decimal: '1500', minor: '1500' });
    rejected(parseAmount(15.5, 'JPY'), 'txnAmount', 'has more decimal places than JPY allows (0)');
  });

  it('uses three decimals for KWD', () => {
    assert.deepEqual(money(parseAmount(1.234, 'KWD')), { currency: 'KWD', decimal: '1.234', minor: '1234' });
    assert.deepEqual(money(parseAmount('1.25', 'KWD')), { currency: 'KWD', decimal: '1.250', minor: '1250' });
    rejected(parseAmount('1.2345', 'KWD'), 'txnAmount', 'has more decimal places than KWD allows (3)');
  });

  it('uses four decimals for CLF', () => {
    assert.deepEqual(money(parseAmount('0.0001', 'CLF')), { currency: 'CLF', decimal: '0.0001', minor: '1' });
  });

  it('rejects more decimal places than the currency allows', () => {
    rejected(parseAmount(0.001, 'USD'), 'txnAmount', 'has more decimal places than USD allows (2)');
    rejected(parseAmount('0.001', 'USD'), 'txnAmount', 'has more decimal places than USD allows (2)');
  });

  it('rejects a binary-float artefact such as 0.1 + 0.2', () => {
    const sum = 0.30000000000000004;
    assert.equal(sum, 0.1 + 0.2);
    rejected(parseAmount(sum, 'USD'), 'txnAmount', 'has more decimal places than USD allows (2)');
  });

  it('rejects zero and negatives', () => {
    for (const amount of [0, -0, -1, -0.5, '0', '0.00', '0.000', '-1', '-12.50']) {
      rejected(parseAmount(amount, 'USD'), 'txnAmount', 'must be greater than 0');
    }
  });

  it('rejects NaN, Infinity, exponent forms and malformed strings', () => {
    const bad: unknown[] = [
      NaN, Infinity, -Infinity, 1e21, 5e-7,
      '1e3', '1E3', ' 1', '1 ', '', '.5', '5.', '+5', '1,000.00', '0x10', '１２', 'NaN', 'Infinity',
      true, {}, [], 10n,
    ];
    for (const amount of bad) {
      rejected(parseAmount(amount, 'USD'), 'txnAmount', 'must be a plain decimal number');
    }
  });

  it('requires both fields', () => {
    rejected(parseAmount(undefined, 'USD'), 'txnAmount', 'is required');
    rejected(parseAmount(null, 'USD'), 'txnAmount', 'is required');
    rejected(parseAmount(1, undefined), 'txnCurrency', 'is required');
  });

  it('rejects badly shaped currency codes', () => {
    for (const currency of ['usd', 'Usd', 'US', 'USDT', ' USD', '', 840, {}]) {
      rejected(parseAmount(1, currency), 'txnCurrency', 'must be an ISO 4217 currency code');
    }
  });

  it('rejects unknown, withdrawn and non-monetary codes', () => {
    for (const currency of ['ABC', 'HRK', 'SLL', 'VEF', 'MRO', 'STD', 'BYR', 'LTL', 'ZWL', 'ANG', 'BGN', 'XAU', 'XDR', 'XTS', 'XXX']) {
      rejected(parseAmount(1, currency), 'txnCurrency', 'is not an active ISO 4217 currency');
    }
  });

  it('checks the currency before the amount', () => {
    rejected(parseAmount(-1, 'ABC'), 'txnCurrency', 'is not an active ISO 4217 currency');
  });

  it('allows 15 integer digits and no more', () => {
    assert.deepEqual(money(parseAmount('999999999999999.99', 'USD')), {
      currency: 'USD',
      decimal: '999999999999999.99',
      minor: '99999999999999999',
    });
    assert.deepEqual(money(parseAmount('000999999999999999', 'JPY')), {
      currency: 'JPY',
      decimal: '999999999999999',
      minor: '999999999999999',
    });
    rejected(parseAmount('1000000000000000', 'USD'), 'txnAmount', 'is too large');
    rejected(parseAmount(1e20, 'USD'), 'txnAmount', 'is too large');
    // As a number, 999999999999999.99 is not representable: the nearest double is 1e15.
    const nearest = Number('999999999999999.99');
    assert.equal(nearest, 1e15);
    rejected(parseAmount(nearest, 'USD'), 'txnAmount', 'is too large');
  });
});

describe('formatMinor', () => {
  it('places the decimal point by the currency digits', () => {
    assert.equal(formatMinor('20000', 'USD'), '200.00');
    assert.equal(formatMinor(20000n, 'USD'), '200.00');
    assert.equal(formatMinor('5', 'USD'), '0.05');
    assert.equal(formatMinor(0n, 'USD'), '0.00');
    assert.equal(formatMinor('1500', 'JPY'), '1500');
    assert.equal(formatMinor('1234', 'KWD'), '1.234');
    assert.equal(formatMinor('5', 'KWD'), '0.005');
    assert.equal(formatMinor('1', 'CLF'), '0.0001');
    assert.equal(formatMinor(-150n, 'EUR'), '-1.50');
  });

  it('round-trips with parseAmount', () => {
    const cases: [unknown, string][] = [
      [200, 'USD'], [12.5, 'USD'], ['0.10', 'USD'], [1500, 'JPY'], [1.234, 'KWD'],
      ['999999999999999.99', 'USD'], ['0.0001', 'CLF'], ['42', 'XOF'], ['1.5', 'BHD'],
    ];
    for (const [amount, currency] of cases) {
      const { decimal, minor } = money(parseAmount(amount, currency));
      assert.equal(formatMinor(minor, currency), decimal);
      assert.equal(formatMinor(BigInt(minor), currency), decimal);
      assert.deepEqual(money(parseAmount(decimal, currency)).minor, minor);
    }
  });

  it('rejects an unknown currency and a non-integer minor', () => {
    assert.throws(() => formatMinor('100', 'HRK'), RangeError);
    assert.throws(() => formatMinor('1.5', 'USD'), RangeError);
    assert.throws(() => formatMinor('', 'USD'), RangeError);
    assert.throws(() => formatMinor('1e3', 'USD'), RangeError);
  });
});

describe('currencyMinorUnits', () => {
  it('holds the active ISO 4217 codes with 0, 2, 3 or 4 digits', () => {
    assert.ok(currencyMinorUnits.size > 150, `only ${currencyMinorUnits.size} codes`);
    for (const [code, digits] of currencyMinorUnits) {
      assert.match(code, /^[A-Z]{3}$/);
      assert.ok([0, 2, 3, 4].includes(digits), `${code} has ${digits} digits`);
    }
  });

  it('has the expected digits for representative codes', () => {
    const expected: Record<string, number> = {
      USD: 2, EUR: 2, GBP: 2, JPY: 0, KRW: 0, CLP: 0, ISK: 0, VND: 0, XAF: 0, XOF: 0, XPF: 0, UYI: 0,
      BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3, CLF: 4, UYW: 4,
      ZWG: 2, SLE: 2, VES: 2, MRU: 2, STN: 2, BYN: 2, XCD: 2, XCG: 2, USN: 2, CHE: 2, CHW: 2, BOV: 2, COU: 2, MXV: 2,
    };
    for (const [code, digits] of Object.entries(expected)) assert.equal(minorUnits(code), digits, code);
  });

  it('leaves out withdrawn codes and codes without a minor unit', () => {
    for (const code of ['HRK', 'SLL', 'VEF', 'MRO', 'STD', 'BYR', 'LTL', 'ZWL', 'ANG', 'BGN', 'CUC',
      'XAU', 'XAG', 'XPT', 'XPD', 'XDR', 'XSU', 'XUA', 'XBA', 'XBB', 'XBC', 'XBD', 'XTS', 'XXX']) {
      assert.equal(minorUnits(code), undefined, code);
    }
  });
});
