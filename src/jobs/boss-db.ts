import type { Db, Queryable } from '../store/db.js';

/** The one method pg-boss asks of a database it does not own. */
export interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * pg-boss runs on the engine's own store, so the embedded PGlite works too and PostgreSQL shares
 * the engine's pool. Its parameterless SQL may hold several statements (schema set-up), which only
 * the simple protocol takes.
 */
export function bossDb(db: Db): BossDb {
  return {
    executeSql: (text, values) => (values === undefined || values.length === 0 ? db.simpleQuery(text) : db.query(text, values)),
  };
}

/** pg-boss inside one of the engine's database transactions (jobs inserted with what caused them). */
export function bossTransactionDb(tx: Queryable): BossDb {
  return { executeSql: (text, values) => tx.query(text, values ?? []) };
}
