import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBase62 } from '../../src/ids.js';
import type { StoreKind } from '../../src/store/db.js';
import { openPgDb } from '../../src/store/pg-db.js';
import { openPgliteDb } from '../../src/store/pglite-db.js';
import { withClient, type TestStore } from './stores.js';

// The `connxt` CLI as operators run it: a real subprocess, configured by its environment only.

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The `connxt` process itself, for commands that keep running (`start`). */
export function spawnConnxt(env: Record<string, string>, ...args: string[]): ChildProcessWithoutNullStreams {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...env };
  // Only what the test gives configures the engine: nothing inherited from the test runner's environment.
  for (const name of Object.keys(childEnv)) {
    if ((name.startsWith('CONNXT_') || name === 'DATABASE_URL' || name === 'NODE_ENV') && env[name] === undefined) delete childEnv[name];
  }
  return spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: childEnv });
}

export function connxt(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnConnxt(env, ...args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a command that must succeed and returns its stdout. */
export async function ok(env: Record<string, string>, ...args: string[]): Promise<string> {
  const run = await connxt(env, ...args);
  assert.equal(run.code, 0, `connxt ${args.join(' ')} failed:\n${run.stderr}`);
  return run.stdout;
}

export async function okJson<T>(env: Record<string, string>, ...args: string[]): Promise<T> {
  return JSON.parse(await ok(env, ...args, '--json')) as T;
}

/** Runs a command that must fail with this exit code and print nothing on stdout; returns its stderr. */
export async function fails(code: number, env: Record<string, string>, ...args: string[]): Promise<string> {
  const run = await connxt(env, ...args);
  assert.equal(run.code, code, `connxt ${args.join(' ')}: expected exit ${code}, got ${String(run.code)}\n${run.stdout}${run.stderr}`);
  assert.equal(run.stdout, '');
  return run.stderr;
}

/**
 * A private store that both the CLI (through `env`, as an operator configures it) and an engine in
 * the test process (through `open`, see startTestEngine) can use, one after the other: the embedded
 * store admits one process at a time.
 */
export interface CliStore extends TestStore {
  env: Record<string, string>;
}

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set, in a schema of its own. */
export function cliStoreCases(): { kind: StoreKind; create(): Promise<CliStore> }[] {
  const cases = [{ kind: 'pglite' as const, create: createPgliteCliStore }];
  const url = process.env.TEST_DATABASE_URL;
  return url === undefined || url === '' ? cases : [...cases, { kind: 'postgres' as const, create: () => createPostgresCliStore(url) }];
}

async function createPgliteCliStore(): Promise<CliStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'connxt-cli-'));
  return {
    kind: 'pglite',
    dataDir,
    jobsSchema: 'pgboss',
    env: { CONNXT_DATA_DIR: dataDir },
    open: () => openPgliteDb(join(dataDir, 'pgdata')),
    async destroy() {
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

async function createPostgresCliStore(url: string): Promise<CliStore> {
  const schema = `connxt_cli_${randomBase62(10).toLowerCase()}`;
  await withClient(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
  const dataDir = mkdtempSync(join(tmpdir(), 'connxt-cli-pg-'));
  return {
    kind: 'postgres',
    dataDir,
    jobsSchema: `${schema}_jobs`,
    env: { DATABASE_URL: withSearchPath(url, schema), CONNXT_DATA_DIR: dataDir },
    open: async () => openPgDb({ connectionString: url, schema, maxConnections: 4 }),
    async destroy() {
      await withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE; DROP SCHEMA ${schema} CASCADE`));
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** The URL an operator would give to put the schema first on the search_path. */
export function withSearchPath(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}
