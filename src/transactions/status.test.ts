import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultTransitions, isTransactionStatus, pathBetween, terminalStatuses } from './status.js';

describe('transition maps', () => {
  const deposit = defaultTransitions.DEPOSIT;

  it('finds the documented paths of a deposit', () => {
    assert.deepEqual(pathBetween(deposit, 'NEW', 'INITIATED'), ['CREATED', 'INITIATED']);
    assert.deepEqual(pathBetween(deposit, 'INITIATED', 'PG_ACCEPTED'), ['PG_ACCEPTED']);
    assert.deepEqual(pathBetween(deposit, 'INITIATED', 'SUCCESS'), ['PG_ACCEPTED', 'PG_SUCCESS', 'SUCCESS']);
    assert.deepEqual(pathBetween(deposit, 'INITIATED', 'FAILED'), ['PG_ACCEPTED', 'PG_FAILED', 'FAILED']);
    assert.deepEqual(pathBetween(deposit, 'INITIATED', 'REJECTED'), ['PG_REJECTED', 'REJECTED']);
    assert.deepEqual(pathBetween(deposit, 'PG_ACCEPTED', 'SUCCESS'), ['PG_SUCCESS', 'SUCCESS']);
  });

  it('never moves backwards or out of a final status', () => {
    assert.equal(pathBetween(deposit, 'PG_ACCEPTED', 'INITIATED'), undefined);
    assert.equal(pathBetween(deposit, 'SUCCESS', 'FAILED'), undefined);
    assert.equal(pathBetween(deposit, 'FAILED', 'SUCCESS'), undefined);
    assert.equal(pathBetween(deposit, 'REJECTED', 'PG_ACCEPTED'), undefined);
    // A map that (wrongly) lists an exit from a final status is still not followed.
    assert.equal(pathBetween({ ...deposit, SUCCESS: ['FAILED'] }, 'SUCCESS', 'FAILED'), undefined);
  });

  it('does not route through another final status', () => {
    // PENDING_FOR_APPROVAL → REJECTED exists, but REJECTED is final: no path from it to SUCCESS.
    assert.equal(pathBetween(deposit, 'PG_REJECTED', 'SUCCESS'), undefined);
  });

  it('treats a move to the current status as nothing to do', () => {
    assert.deepEqual(pathBetween(deposit, 'PG_ACCEPTED', 'PG_ACCEPTED'), []);
  });

  it('lets a withdrawal wait for approval before it is initiated', () => {
    assert.deepEqual(pathBetween(defaultTransitions.WITHDRAW, 'CREATED', 'APPROVED'), ['PENDING_FOR_APPROVAL', 'APPROVED']);
    assert.deepEqual(pathBetween(defaultTransitions.WITHDRAW, 'APPROVED', 'PG_ACCEPTED'), ['INITIATED', 'PG_ACCEPTED']);
  });

  it('has every default map made of known statuses and without exits from final statuses', () => {
    for (const map of Object.values(defaultTransitions)) {
      for (const [from, targets] of Object.entries(map)) {
        assert.ok(isTransactionStatus(from), from);
        assert.ok(targets.every(isTransactionStatus), `${from} → ${targets.join(', ')}`);
      }
      for (const status of terminalStatuses) assert.equal(map[status], undefined);
    }
  });
});
