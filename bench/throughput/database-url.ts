import pg from 'pg';

const localDefault = 'postgres://postgres@127.0.0.1:5432/test';

/** The PostgreSQL a bench runs on: BENCH_DATABASE_URL, DATABASE_URL, TEST_DATABASE_URL, or the local one if it answers. */
export async function resolveDatabaseUrl(): Promise<string> {
  const url = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || localDefault;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(`no PostgreSQL answers at ${url.replace(/\/\/[^@]*@/, '//…@')} (set BENCH_DATABASE_URL, or BENCH_STORES=pglite): ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  return url;
}
