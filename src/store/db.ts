/**
 * One interface over PostgreSQL (pg) and embedded PGlite. Both speak the same SQL dialect and return
 * the same JS types: timestamptz → Date, int8 and numeric → string (never a float), bytea → Buffer,
 * json/jsonb → parsed values.
 */
export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

export interface Queryable {
  /** One statement with $n parameters. On PostgreSQL it runs as a named prepared statement. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type StoreKind = 'pglite' | 'postgres';

export interface Db extends Queryable {
  readonly kind: StoreKind;
  /**
   * Several statements without parameters, answering the rows of the last one: the job queue's
   * own SQL (pg-boss) comes this way.
   */
  simpleQuery<Row = Record<string, unknown>>(sql: string): Promise<QueryResult<Row>>;
  /** Runs fn inside BEGIN … COMMIT on one connection; rolls back if fn throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
