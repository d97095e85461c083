import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDelayMs, claimLeaseMs, delaysAfterCheckMs } from './check-schedule.js';

const minute = 60_000;
const hour = 60 * minute;

test('checks back off: 1 min after creation, then 5 min, 30 min, 2 h, 12 h, then daily for ever', () => {
  assert.deepEqual(
    Array.from({ length: 8 }, (_, checksDone) => checkDelayMs(checksDone)),
    [1 * minute, 5 * minute, 30 * minute, 2 * hour, 12 * hour, 24 * hour, 24 * hour, 24 * hour],
  );
  assert.equal(checkDelayMs(1_000), 24 * hour);
});

test('on a clock, a transaction that never settles is asked at 1 min, 6 min, 36 min, 2 h 36, 14 h 36, then a day apart', () => {
  // What the claim statement does: after check n (counted), the next is due delaysAfterCheckMs[n - 1],
  // the last entry repeating, and never sooner than the lease.
  const created = Date.UTC(2025, 0, 1);
  let due = created + checkDelayMs(0);
  const asked: number[] = [];
  for (let checkCount = 1; checkCount <= 7; checkCount += 1) {
    asked.push(due - created);
    const wait = delaysAfterCheckMs[Math.min(checkCount, delaysAfterCheckMs.length) - 1]!;
    due += Math.max(claimLeaseMs, wait);
  }
  assert.deepEqual(asked, [
    1 * minute,
    6 * minute,
    36 * minute,
    2 * hour + 36 * minute,
    14 * hour + 36 * minute,
    38 * hour + 36 * minute,
    62 * hour + 36 * minute,
  ]);
});

test('every wait after a check outlasts the lease, so a claimed transaction is never due again mid-check', () => {
  for (const wait of delaysAfterCheckMs) assert.ok(wait >= claimLeaseMs);
});
