import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CatalogSnapshot, type CatalogTarget } from '../catalog/catalog-service.js';
import { describeSeconds, timeToLiveSeconds } from './reconciliation-ttl.js';

const target = {
  id: 'ftg_x',
  definitions: new Map([
    ['act_deposit', { id: 'fld_short', timeToLiveSeconds: 3600 }],
    ['act_withdraw', { id: 'fld_unset', timeToLiveSeconds: null }],
  ]),
} as unknown as CatalogTarget;
const snapshot = new CatalogSnapshot(new Map(), new Map([['ftg_x', target]]));

test("a transaction lives as long as its definition says, else its action's default", () => {
  assert.equal(timeToLiveSeconds(snapshot, { flowTargetId: 'ftg_x', flowDefinitionId: 'fld_short', action: 'DEPOSIT' }), 3600);
  assert.equal(timeToLiveSeconds(snapshot, { flowTargetId: 'ftg_x', flowDefinitionId: 'fld_unset', action: 'WITHDRAW' }), 7 * 86_400);
  // A definition no longer in the catalog (retired) falls back too.
  assert.equal(timeToLiveSeconds(snapshot, { flowTargetId: 'ftg_gone', flowDefinitionId: 'fld_gone', action: 'DEPOSIT' }), 86_400);
  assert.equal(timeToLiveSeconds(snapshot, { flowTargetId: 'ftg_x', flowDefinitionId: 'fld_gone', action: 'REFUND' }), 7 * 86_400);
});

test('times to live read as a person would write them', () => {
  assert.deepEqual([86_400, 7 * 86_400, 3600, 7200, 90, 2_678_400].map(describeSeconds), ['1 day', '7 days', '1 hour', '2 hours', '90 seconds', '31 days']);
});
