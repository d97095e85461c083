import pg from 'pg';
import type { Db, Queryable, QueryResult } from './db.js';
import { statementName } from './statement-names.js';

export interface PgDbOptions {
  connectionString: string;
  maxConnections?: number;
  /** Schema to put first on the search_path (tests isolate themselves this way). */
  schema?: string;
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const result = await client.query({ name: statementName(sql), text: sql, values: params as unknown[] });
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

export function openPgDb(options: PgDbOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 20,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // An idle client that errors (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const queryable = wrap(pool);
  return {
    kind: 'postgres',
    ...queryable,
    async simpleQuery<Row>(sql: string): Promise<QueryResult<Row>> {
      // No values: pg uses the simple protocol, which takes several statements and answers one
      // result per statement.
      const results = (await pool.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[];
      const last = Array.isArray(results) ? results[results.length - 1] : results;
      return { rows: (last?.rows ?? []) as Row[], rowCount: last?.rowCount ?? 0 };
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close(): Promise<void> {
      if (!pool.ended) await pool.end();
    },
  };
}
