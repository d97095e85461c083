// The engine as the benches run it: a real OS process started the way `npm start` starts it
// (src/main.ts, without the build step), so that its CPU, memory and event loop are its own and
// its resident memory and CPU time can be read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchStore } from './bench-store.js';

export const benchAdminToken = 'bench-admin-token-0123456789abcdef';
// Fixed so that nothing is generated beside the store; a bench key, never a real one.
const benchMasterKey = Buffer.alloc(32, 7).toString('base64');

export interface EngineUnderTest {
  url: string;
  pid: number;
  /** Resident memory now, in MiB (VmRSS). */
  rssMb(): number;
  /** Where its log lines went. */
  logFile: string;
  /** SIGTERM, and wait for it to exit; the store stays. */
  stop(): Promise<void>;
}

export async function startEngineUnderTest(store: BenchStore, options: { nodeFlags?: string[]; env?: Record<string, string> } = {}): Promise<EngineUnderTest> {
  const logFile = join(store.workDir, 'engine.log');
  const port = 18_000 + Math.floor(Math.random() * 2_000);
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...engineEnv(),
    PORT: String(port),
    HOST: '127.0.0.1',
    CONNXT_PUBLIC_URL: url,
    CONNXT_ADMIN_TOKEN: benchAdminToken,
    CONNXT_MASTER_KEY: benchMasterKey,
    CONNXT_SIMULATORS: 'off',
    CONNXT_DATA_DIR: join(store.workDir, 'data'),
    // The bench's deposits are never paid: without this, reconciliation would start asking the
    // stand-in about the warm-up deposits a minute in, and time that work inside the later runs.
    CONNXT_RECONCILE_AFTER_SECONDS: '86400',
    ...(store.databaseUrl === undefined ? {} : { DATABASE_URL: store.databaseUrl, CONNXT_JOBS_SCHEMA: store.jobsSchema! }),
    ...options.env,
  };
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, ['--no-node-snapshot', ...(options.nodeFlags ?? []), '--import', 'tsx', 'src/main.ts'], {
    env,
    stdio: ['ignore', log, log],
  });
  const exited = once(child, 'exit');
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the engine exited (${child.exitCode}) before it was ready; see ${logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the engine was not ready within 90 s; see ${logFile}`);
    }
    const ready = await fetch(`${url}/ready`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = child.pid!;
  return {
    url,
    pid,
    logFile,
    rssMb: () => residentMb(pid),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The bench's own settings and database URLs stay out of the engine's environment. */
function engineEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name.startsWith('BENCH_') || name === 'DATABASE_URL' || name === 'TEST_DATABASE_URL') continue;
    env[name] = value;
  }
  return env;
}

/** VmRSS of a process, in MiB, from /proc (Linux). */
export function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}

