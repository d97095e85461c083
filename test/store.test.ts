import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../src/store/db.js';
import { loadMigrations, migrate } from '../src/store/migrate.js';
import { storeCases, type TestStore } from './helpers/stores.js';

for (const storeCase of storeCases()) {
  describe(`Db [${storeCase.kind}]`, () => {
    let store: TestStore;
    let db: Db;

    before(async () => {
      store = await storeCase.create();
      db = await store.open();
    });
    after(async () => {
      await db.close();
      await store.destroy();
    });

    it('applies the numbered migrations once, with a progress line each', async () => {
      const progress: string[] = [];
      const applied = await migrate(db, (line) => progress.push(line));
      assert.deepEqual(applied.map((m) => m.version), loadMigrations().map((m) => m.version));
      assert.equal(progress.length, applied.length);
      assert.match(progress[0]!, /^applying migration 1\/\d+: 1 foundation$/);
      assert.deepEqual(await migrate(db), []);
    });

    it('returns the same JS types on both stores: no float for money, Buffers for bytes', async () => {
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT 9007199254740993::int8 AS big, 12.345::numeric(12,3) AS exact, '\\x00ff'::bytea AS bytes,
                '2025-12-12T10:43:18Z'::timestamptz AS at, '{"b":1,"a":[2]}'::json AS doc, true AS flag, NULL::text AS nothing`,
      );
      const row = rows[0]!;
      assert.equal(row.big, '9007199254740993');
      assert.equal(row.exact, '12.345');
      assert.ok(Buffer.isBuffer(row.bytes));
      assert.deepEqual([...(row.bytes as Buffer)], [0, 255]);
      assert.ok(row.at instanceof Date);
      assert.equal((row.at as Date).toISOString(), '2025-12-12T10:43:18.000Z');
      assert.deepEqual(Object.keys(row.doc as object), ['b', 'a']);
      assert.equal(row.flag, true);
      assert.equal(row.nothing, null);
    });

    it('counts affected rows of writes and of RETURNING', async () => {
      await db.exec('CREATE TABLE t_counts (n int)');
      assert.equal((await db.query('INSERT INTO t_counts VALUES (1), (2), (3)')).rowCount, 3);
      assert.equal((await db.query('UPDATE t_counts SET n = n + 1 WHERE n > 1')).rowCount, 2);
      assert.equal((await db.query('DELETE FROM t_counts WHERE n > 10 RETURNING n')).rowCount, 0);
      assert.equal((await db.query('SELECT n FROM t_counts WHERE n < 0')).rowCount, 0);
    });

    it('rolls a transaction back when its function throws, and keeps a committed one', async () => {
      await db.exec('CREATE TABLE t_tx (v text)');
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query("INSERT INTO t_tx VALUES ('lost')");
          throw new Error('boom');
        }),
        /boom/,
      );
      const kept = await db.transaction(async (tx) => {
        await tx.query("INSERT INTO t_tx VALUES ('kept')");
        return 'done';
      });
      assert.equal(kept, 'done');
      assert.deepEqual((await db.query('SELECT v FROM t_tx')).rows, [{ v: 'kept' }]);
    });

    it('never runs an outside query inside someone else’s open transaction', async () => {
      await db.exec('CREATE TABLE t_iso (v int)');
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const tx = db.transaction(async (q) => {
        await q.query('INSERT INTO t_iso VALUES (1)');
        await gate;
        throw new Error('rolled back');
      });
      const outside = db.query('INSERT INTO t_iso VALUES (2)');
      release();
      await assert.rejects(tx, /rolled back/);
      await outside;
      assert.deepEqual((await db.query('SELECT v FROM t_iso')).rows, [{ v: 2 }]);
    });

    it('answers SQL errors with the PostgreSQL SQLSTATE on both stores', async () => {
      await db.exec('CREATE TABLE t_unique (k text PRIMARY KEY)');
      await db.query("INSERT INTO t_unique VALUES ('a')");
      await assert.rejects(db.query("INSERT INTO t_unique VALUES ('a')"), (err: { code?: string; constraint?: string }) => {
        assert.equal(err.code, '23505');
        assert.equal(err.constraint, 't_unique_pkey');
        return true;
      });
    });
  });
}
