import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createLogger } from '../logger.js';
import type { Db } from '../store/db.js';
import { openPgliteDb } from '../store/pglite-db.js';
import { registerReconciliationBacklog } from './reconciliation-backlog.js';

describe('reconciliation backlog gauge', () => {
  const now = new Date('2030-01-01T12:00:00Z');
  const earlier = new Date(now.getTime() - 1_000);
  const later = new Date(now.getTime() + 60_000);
  const warnings: string[] = [];
  const registry = new Registry();
  let db: Db;
  let countQueries = 0;
  const backlog = async () => (await registry.getSingleMetricAsString('connxt_reconciliation_backlog')).split('\n').at(-1);

  before(async () => {
    db = await openPgliteDb();
    // The columns the count reads: what matters here is the SQL, on a real database.
    await db.exec('CREATE TABLE transactions (id text PRIMARY KEY, status text NOT NULL, next_check_at timestamptz)');
    // The real store, with its count queries counted.
    const counted: Db = {
      ...db,
      query: (sql, params) => {
        if (sql.includes('count(*)')) countQueries += 1;
        return db.query(sql, params);
      },
    };
    const logger = createLogger('warn', { write: (line: string) => void warnings.push(line) });
    registerReconciliationBacklog(registry, { db: counted, clock: { now: () => now }, logger, timeoutMs: 150 });
  });
  after(() => db.close());

  const insert = (id: string, status: string, nextCheckAt: Date | null) =>
    db.query('INSERT INTO transactions (id, status, next_check_at) VALUES ($1, $2, $3)', [id, status, nextCheckAt]);

  it('counts transactions that are not settled and whose check is due', async () => {
    await insert('due-1', 'PG_ACCEPTED', earlier);
    await insert('due-2', 'INITIATED', now);
    await insert('not-yet', 'PG_ACCEPTED', later);
    await insert('never', 'PG_ACCEPTED', null);
    await insert('settled', 'SUCCESS', earlier);
    await insert('with-a-person', 'PENDING_FOR_APPROVAL', earlier);
    assert.equal(await backlog(), 'connxt_reconciliation_backlog 2');
  });

  it('answers the last count while the store stalls, with one count in flight however many scrapes wait', async () => {
    let release!: () => void;
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.transaction(async (tx) => {
      await tx.query('LOCK TABLE transactions IN ACCESS EXCLUSIVE MODE');
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await lockTaken;
    try {
      const queriesBefore = countQueries;
      warnings.length = 0;
      const started = Date.now();
      const answers = await Promise.all([backlog(), backlog(), registry.metrics()]);
      assert.ok(Date.now() - started < 1_000, 'the scrapes did not wait for the store');
      assert.deepEqual(answers.slice(0, 2), ['connxt_reconciliation_backlog 2', 'connxt_reconciliation_backlog 2']);
      assert.equal(countQueries - queriesBefore, 1);
      assert.equal(warnings.length, 3);
      assert.match(warnings[0]!, /"level":40.*the count took longer than 150 ms.*reconciliation backlog not counted/);
    } finally {
      release();
      await holder;
    }
    await insert('due-3', 'PG_ACCEPTED', earlier);
    assert.equal(await backlog(), 'connxt_reconciliation_backlog 3');
  });

  it('keeps the last count when the store fails', async () => {
    warnings.length = 0;
    await db.exec('ALTER TABLE transactions RENAME TO transactions_gone');
    try {
      assert.equal(await backlog(), 'connxt_reconciliation_backlog 3');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /"level":40.*transactions.*reconciliation backlog not counted/);
    } finally {
      await db.exec('ALTER TABLE transactions_gone RENAME TO transactions');
    }
  });
});
