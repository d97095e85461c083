import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult } from './db.js';

/** Make PGlite return what pg returns, so no caller has to know which store it runs on. */
const parsers = {
  [types.INT8]: (value: string) => value,
  [types.NUMERIC]: (value: string) => value,
  [types.BYTEA]: (value: string) => Buffer.from(value.slice(2), 'hex'),
};

function wrap(target: PGlite | Transaction): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const result = await target.query<Row>(sql, params as unknown[]);
      // affectedRows counts INSERT/UPDATE/DELETE; a SELECT (or RETURNING) is counted by its rows.
      return { rows: result.rows, rowCount: result.rows.length > 0 ? result.rows.length : (result.affectedRows ?? 0) };
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

/**
 * PGlite is single-process and serialises every query behind its own transaction mutex, so a
 * query outside a transaction never runs inside someone else's BEGIN … COMMIT.
 * `dataDir` undefined means in memory.
 */
export async function openPgliteDb(dataDir?: string): Promise<Db> {
  const pglite = await PGlite.create({ ...(dataDir === undefined ? {} : { dataDir }), parsers });
  const queryable = wrap(pglite);
  return {
    kind: 'pglite',
    ...queryable,
    async simpleQuery<Row>(sql: string): Promise<QueryResult<Row>> {
      const results = await pglite.exec(sql);
      const last = results[results.length - 1];
      return { rows: (last?.rows ?? []) as Row[], rowCount: last?.rows.length ?? 0 };
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return pglite.transaction((tx) => fn(wrap(tx)));
    },
    async close(): Promise<void> {
      if (!pglite.closed) await pglite.close();
    },
  };
}
