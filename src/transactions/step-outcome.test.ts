import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepReport } from '../flows/sandbox.js';
import { interpretStep } from './step-outcome.js';

function report(value: unknown, overrides: Partial<StepReport> = {}): StepReport {
  return { ok: true, value, failure: null, meta: { logs: {}, http: {} }, reachedServer: true, durationMs: 1, ...overrides };
}

const navigation = { type: 'redirect', contentType: 'url', value: 'https://pay.example/x' };

describe('interpretStep', () => {
  it('reads a pay page as accepted, whatever "status" the script put beside it', () => {
    const outcome = interpretStep('initiate', 'DEPOSIT', report({ __type: 'success', data: { navigation, orderId: 'o', userId: 'u', status: 'success', pspTxnId: 'p1' } }));
    assert.deepEqual(outcome, { kind: 'accepted', navigation, pspTxnId: 'p1', message: undefined });
  });

  it('reads sdk.response.redirect from initiate as a pay page', () => {
    const outcome = interpretStep('initiate', 'DEPOSIT', report({ __type: 'redirect', url: 'https://pay.example/y', data: {} }));
    assert.equal(outcome.kind, 'accepted');
    assert.deepEqual(outcome.kind === 'accepted' && outcome.navigation, { type: 'redirect', contentType: 'url', value: 'https://pay.example/y' });
  });

  it('reads final statuses case-insensitively and numeric psp ids as strings', () => {
    assert.deepEqual(interpretStep('initiate', 'WITHDRAW', report({ __type: 'success', data: { status: 'SUCCESS', pspTxnId: 42 } })), {
      kind: 'succeeded', pspTxnId: '42', message: undefined,
    });
    assert.equal(interpretStep('webhook', 'DEPOSIT', report({ __type: 'success', data: { status: 'failed' } })).kind, 'failed');
    assert.equal(interpretStep('status', 'DEPOSIT', report({ __type: 'success', data: { status: 'PENDING' } })).kind, 'accepted');
  });

  it('turns sdk.response.failure into a refusal with its message', () => {
    assert.deepEqual(interpretStep('initiate', 'DEPOSIT', report({ __type: 'failure', message: 'declined', status: 402 })), {
      kind: 'refused', message: 'declined', httpStatus: 402,
    });
  });

  it('flags output that breaks the contract as broken, keeping whether the PSP may have been reached', () => {
    const cases: [unknown, RegExp][] = [
      [{ nope: true }, /expected sdk.response/],
      [{ __type: 'success', data: { status: 'MAYBE' } }, /status must be/],
      [{ __type: 'success', data: { navigation: { ...navigation, value: 'javascript:alert(1)' }, orderId: 'o', userId: 'u' } }, /http\(s\) URL/],
      [{ __type: 'success', data: { navigation: { ...navigation, type: 'popup' } } }, /navigation.type/],
      [{ __type: 'success', data: { status: 'PENDING', orderId: 'o', userId: 'u' } }, /pending deposit needs navigation/],
      [{ __type: 'success', data: { status: 'SUCCESS' } }, /orderId is required/],
      [{ __type: 'success', data: { status: 'SUCCESS', orderId: 'o', userId: 'u', pspTxnId: { id: 1 } } }, /pspTxnId must be/],
    ];
    for (const [value, message] of cases) {
      const outcome = interpretStep('initiate', 'DEPOSIT', report(value, { reachedServer: false }));
      assert.equal(outcome.kind, 'broken', JSON.stringify(value));
      assert.match(outcome.kind === 'broken' ? outcome.message : '', message);
      assert.equal(outcome.kind === 'broken' && outcome.reachedServer, false);
    }
  });

  it('passes a sandbox failure through as broken', () => {
    const outcome = interpretStep('initiate', 'DEPOSIT', report(null, { ok: false, failure: { kind: 'timeout', message: 'too slow' }, reachedServer: true }));
    assert.deepEqual(outcome, { kind: 'broken', message: 'too slow', reachedServer: true });
  });
});
