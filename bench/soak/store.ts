import { join } from 'node:path';
import { randomBase62 } from '../../src/ids.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/open-store.js';
import { openPgDb } from '../../src/store/pg-db.js';
import { withClient } from '../../test/helpers/stores.js';
import type { SoakStoreKind } from './options.js';

/** The store the soak's engine runs on, and the soak's own read access to it for the checks. */
export interface SoakStore {
  kind: SoakStoreKind;
  /** Where it is, for the report and for --keep. */
  location: string;
  /** What the engine process needs to use it. */
  engineEnv: Record<string, string>;
  /** Schema of the job queue's tables. */
  jobsSchema: string;
  /**
   * A connection for the drain and the checks. PostgreSQL: any time. PGlite: only while the engine
   * is stopped (the embedded store is one process's).
   */
  open(): Promise<Db>;
  /** Drops a PostgreSQL schema; a PGlite directory goes with the soak's work directory. */
  destroy(): Promise<void>;
}

export async function createSoakStore(kind: SoakStoreKind, workDir: string, databaseUrl: string | undefined): Promise<SoakStore> {
  if (kind === 'pglite') {
    const dataDir = join(workDir, 'data');
    return {
      kind,
      location: dataDir,
      // A DATABASE_URL in the caller's environment must not move the engine off its PGlite store.
      engineEnv: { CONNXT_DATA_DIR: dataDir, DATABASE_URL: '' },
      jobsSchema: 'pgboss',
      open: () => openStore({ databaseUrl: undefined, dataDir }),
      destroy: async () => undefined,
    };
  }
  if (databaseUrl === undefined) throw new Error('a PostgreSQL store needs a URL');
  // A private schema (and one for the job queue) so that a soak never meets another run's rows.
  const schema = `connxt_soak_${randomBase62(10).toLowerCase()}`;
  await withClient(databaseUrl, (client) => client.query(`CREATE SCHEMA ${schema}`));
  const separator = databaseUrl.includes('?') ? '&' : '?';
  return {
    kind,
    location: `schema ${schema} (jobs: ${schema}_jobs)`,
    engineEnv: {
      DATABASE_URL: `${databaseUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      CONNXT_JOBS_SCHEMA: `${schema}_jobs`,
    },
    jobsSchema: `${schema}_jobs`,
    open: async (): Promise<Db> => openPgDb({ connectionString: databaseUrl, schema, maxConnections: 2 }),
    destroy: async () => {
      await withClient(databaseUrl, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE; DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    },
  };
}

