import type { BenchStore } from './bench-store.js';
import { startPortChild } from './child.js';

/** The baseline server (baseline-server.ts) as its own process on `store`. */
export async function startBaseline(store: BenchStore): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const server = await startPortChild(
    ['--import', 'tsx', new URL('./baseline-server.ts', import.meta.url).pathname],
    store.kind === 'postgres'
      ? { BASELINE_STORE: 'postgres', BASELINE_DATABASE_URL: store.databaseUrl! }
      : { BASELINE_STORE: 'pglite', BASELINE_DATA_DIR: store.pgliteDir },
  );
  return { url: `http://127.0.0.1:${server.port}`, pid: server.child.pid!, stop: () => server.stop() };
}
