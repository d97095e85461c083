import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Db, StoreKind } from '../../src/store/db.js';
import { openPgDb } from '../../src/store/pg-db.js';
import { openPgliteDb } from '../../src/store/pglite-db.js';
import { randomBase62 } from '../../src/ids.js';

/** A store a test owns: open it, reopen it (a restart), and destroy it when done. */
export interface TestStore {
  kind: StoreKind;
  /** Directory for files the engine keeps beside its store (the dev master key). */
  dataDir: string;
  /** Schema of the job queue's tables (pg-boss), private to this store too. */
  jobsSchema: string;
  open(): Promise<Db>;
  destroy(): Promise<void>;
}

export interface StoreCase {
  kind: StoreKind;
  create(): Promise<TestStore>;
}

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set. Each store is empty and private. */
export function storeCases(): StoreCase[] {
  const cases: StoreCase[] = [{ kind: 'pglite', create: createPgliteStore }];
  const url = process.env.TEST_DATABASE_URL;
  if (url !== undefined && url !== '') cases.push({ kind: 'postgres', create: () => createPostgresStore(url) });
  return cases;
}

async function createPgliteStore(): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'connxt-test-'));
  return {
    kind: 'pglite',
    dataDir,
    jobsSchema: 'pgboss',
    open: () => openPgliteDb(join(dataDir, 'pgdata')),
    async destroy() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh schema per store, put first on the search_path, so suites running in parallel never meet. */
async function createPostgresStore(url: string): Promise<TestStore> {
  const schema = `connxt_test_${randomBase62(10).toLowerCase()}`;
  await withClient(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
  const dataDir = mkdtempSync(join(tmpdir(), 'connxt-test-'));
  return {
    kind: 'postgres',
    dataDir,
    jobsSchema: `${schema}_jobs`,
    open: async () => openPgDb({ connectionString: url, schema, maxConnections: 8 }),
    async destroy() {
      await withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE; DROP SCHEMA ${schema} CASCADE`));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** One short-lived connection to `url` for `fn` (schema set-up and tear-down). */
export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
