import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orderedUuid } from './ordered-uuid.js';

test('ordered UUIDs are version 7 and sort in creation order, within one millisecond too', () => {
  const ids = Array.from({ length: 5000 }, () => orderedUuid(1_800_000_000_000));
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});
