import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../../config.js';
import { readFingerprint } from '../../crypto/master-key.js';
import { describeError } from '../../errors.js';
import type { Queryable } from '../../store/db.js';
import { openStore } from '../../store/open-store.js';
import { maskDatabaseUrl } from './mask.js';

/** What doctor learnt from the store, reading only: nothing is migrated, created or recorded. */
export type StoreProbe =
  | { state: 'open'; where: string; server: string; applied: AppliedMigration[] | 'none'; keyCheck: Buffer | undefined }
  /** The embedded store's directory does not exist yet: the engine creates it on first start. */
  | { state: 'absent'; where: string }
  /** The embedded store is locked by a running process. */
  | { state: 'in-use'; where: string; reason: string }
  | { state: 'unreachable'; where: string; reason: string; product: string };

export interface AppliedMigration {
  version: number;
  name: string;
}

/** A server that does not answer in this long is reported as unreachable, not waited for. */
const connectTimeoutMs = 5_000;

export async function probeStore(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<StoreProbe> {
  return config.databaseUrl === undefined ? probeEmbedded(config.dataDir) : probePostgres(config.databaseUrl);
}

async function probePostgres(url: string): Promise<StoreProbe> {
  const where = `at ${maskDatabaseUrl(url)}`;
  // Its own client, not the engine's pool: a pool waits as long as the OS does for a silent host.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs, query_timeout: connectTimeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    return { state: 'unreachable', where, reason: describeError(err), product: 'PostgreSQL' };
  }
  try {
    const queryable: Queryable = {
      query: async <Row>(sql: string, params: readonly unknown[] = []) => {
        const result = await client.query(sql, params as unknown[]);
        return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
      },
      exec: async (sql: string) => void (await client.query(sql)),
    };
    return { state: 'open', where, ...(await readState(queryable, (version) => `PostgreSQL ${version}`)) };
  } catch (err) {
    return { state: 'unreachable', where, reason: describeError(err), product: 'PostgreSQL' };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function probeEmbedded(dataDir: string): Promise<StoreProbe> {
  const where = `in ${join(dataDir, 'pgdata')}`;
  if (!existsSync(join(dataDir, 'pgdata'))) return { state: 'absent', where };
  let db;
  try {
    db = await openStore({ databaseUrl: undefined, dataDir });
  } catch (err) {
    const reason = describeError(err);
    // The lock's own message says which process holds it.
    return /in use by process/.test(reason) ? { state: 'in-use', where, reason } : { state: 'unreachable', where, reason, product: 'embedded PGlite' };
  }
  try {
    return { state: 'open', where, ...(await readState(db, (version) => `PGlite (embedded, PostgreSQL ${version})`)) };
  } catch (err) {
    return { state: 'unreachable', where, reason: describeError(err), product: 'embedded PGlite' };
  } finally {
    await db.close();
  }
}

async function readState(q: Queryable, product: (version: string) => string) {
  const { rows } = await q.query<{ version: string; migrations: boolean; settings: boolean }>(
    `SELECT current_setting('server_version') AS version,
            to_regclass('schema_migrations') IS NOT NULL AS migrations,
            to_regclass('engine_settings') IS NOT NULL AS settings`,
  );
  const found = rows[0]!;
  const applied = found.migrations
    ? (await q.query<AppliedMigration>('SELECT version, name FROM schema_migrations ORDER BY version')).rows
    : ('none' as const);
  return {
    server: product(found.version.split(' ')[0] ?? found.version),
    applied,
    keyCheck: found.settings ? await readFingerprint(q) : undefined,
  };
}
