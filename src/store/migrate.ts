import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsDir } from '../paths.js';
import type { Db } from './db.js';
import { advisoryLocks } from './advisory-locks.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir: string = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: readFileSync(join(dir, file), 'utf8'),
    }));
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so that several engine
 * processes starting together on one PostgreSQL apply each migration exactly once.
 * Returns the migrations it applied.
 */
export async function migrate(
  db: Db,
  onProgress: (message: string) => void = () => undefined,
  migrations: Migration[] = loadMigrations(),
): Promise<Migration[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [advisoryLocks.migrations]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const pending = migrations.filter((m) => !applied.has(m.version));
    for (const [index, migration] of pending.entries()) {
      onProgress(`applying migration ${index + 1}/${pending.length}: ${migration.version} ${migration.name}`);
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    }
    return pending;
  });
}
