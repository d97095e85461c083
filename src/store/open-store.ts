import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Db } from './db.js';
import { lockDataDir } from './data-dir-lock.js';
import { openPgDb } from './pg-db.js';
import { openPgliteDb } from './pglite-db.js';

/** PostgreSQL when DATABASE_URL is set, otherwise PGlite in `<dataDir>/pgdata`, locked to this process. */
export async function openStore(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  if (config.databaseUrl !== undefined) return openPgDb({ connectionString: config.databaseUrl });
  const unlock = lockDataDir(config.dataDir);
  try {
    const db = await openPgliteDb(join(config.dataDir, 'pgdata'));
    return {
      ...db,
      async close() {
        try {
          await db.close();
        } finally {
          unlock();
        }
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}
