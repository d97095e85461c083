// The store a bench run owns: PGlite in a fresh directory, or a private schema on a PostgreSQL.
// It outlives the processes run on it (the engine, then the baseline) and is destroyed at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { randomBase62 } from '../../src/ids.js';

export type BenchStoreKind = 'pglite' | 'postgres';

export interface BenchStore {
  kind: BenchStoreKind;
  /** A directory for the engine's data dir and logs. */
  workDir: string;
  /** Where the engine's data dir puts PGlite (`CONNXT_DATA_DIR`/pgdata). */
  pgliteDir: string;
  /** PostgreSQL only: the URL with the private schema on its search_path, and the jobs schema. */
  databaseUrl?: string;
  jobsSchema?: string;
  destroy(): Promise<void>;
}

export async function createBenchStore(kind: BenchStoreKind, postgresUrl: string | undefined): Promise<BenchStore> {
  const workDir = mkdtempSync(join(tmpdir(), 'connxt-bench-'));
  const pgliteDir = join(workDir, 'data', 'pgdata');
  if (kind === 'pglite') {
    return { kind, workDir, pgliteDir, destroy: async () => rmSync(workDir, { recursive: true, force: true }) };
  }
  if (postgresUrl === undefined) throw new Error('the postgres store needs a database URL');
  const schema = `connxt_bench_${randomBase62(8).toLowerCase()}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const separator = postgresUrl.includes('?') ? '&' : '?';
  return {
    kind,
    workDir,
    pgliteDir,
    databaseUrl: `${postgresUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    jobsSchema: `${schema}_jobs`,
    async destroy() {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE; DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
