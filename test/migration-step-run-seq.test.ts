import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../src/store/db.js';
import { loadMigrations, migrate } from '../src/store/migrate.js';
import { storeCases, type TestStore } from './helpers/stores.js';

// Migration 006 stores each step run's place in the status history. Runs stored before it keep the
// place they were shown with, derived from timestamps.
for (const storeCase of storeCases()) {
  describe(`migration 006: step runs' history seq [${storeCase.kind}]`, () => {
    let store: TestStore;
    let db: Db;

    before(async () => {
      store = await storeCase.create();
      db = await store.open();
      await migrate(db, () => undefined, loadMigrations().filter((m) => m.version < 6));
    });
    after(async () => {
      await db.close();
      await store.destroy();
    });

    it('fills in the place of runs stored before it, then requires one', async () => {
      await db.transaction(async (tx) => {
        // Only the two tables under test: the transaction row and its references are left out.
        await tx.exec(`SET LOCAL session_replication_role = replica`);
        await tx.exec(`
          INSERT INTO transaction_status_history (transaction_id, seq, from_status, to_status, cause, detail, created_at) VALUES
            ('txn_a', 1, NULL, 'NEW', 'api', NULL, '2026-01-01T00:00:00.000Z'),
            ('txn_a', 2, 'NEW', 'CREATED', 'api', NULL, '2026-01-01T00:00:00.000Z'),
            ('txn_a', 3, 'CREATED', 'INITIATED', 'api', NULL, '2026-01-01T00:00:00.000Z'),
            ('txn_a', 4, 'INITIATED', 'PG_ACCEPTED', 'api', NULL, '2026-01-01T00:00:01.000Z'),
            ('txn_a', 5, 'PG_ACCEPTED', 'SUCCESS', 'webhook', NULL, '2026-01-01T00:00:05.000Z');
          INSERT INTO transaction_step_runs (transaction_id, step, definition_version, ok, meta, duration_ms, created_at) VALUES
            ('txn_a', 'initiate', 1, true, '{}', 1, '2026-01-01T00:00:01.000Z'),
            ('txn_a', 'webhook', 1, true, '{}', 1, '2026-01-01T00:00:05.000Z'),
            ('txn_b', 'initiate', 1, false, '{}', 1, '2026-01-01T00:00:00.000Z');`);
      });
      assert.equal((await migrate(db)).map((m) => m.version).join(), '6');

      const { rows } = await db.query<{ transaction_id: string; step: string; after_history_seq: number }>(
        'SELECT transaction_id, step, after_history_seq FROM transaction_step_runs ORDER BY id',
      );
      assert.deepEqual(rows.map((r) => `${r.transaction_id} ${r.step} after ${r.after_history_seq}`), [
        'txn_a initiate after 3',
        'txn_a webhook after 4',
        'txn_b initiate after 0',
      ]);
      await assert.rejects(
        db.query(`INSERT INTO transaction_step_runs (transaction_id, step, definition_version, ok, meta, duration_ms, created_at)
                  VALUES ('txn_a', 'status', 1, true, '{}', 1, now())`),
        /after_history_seq/,
      );
    });
  });
}
