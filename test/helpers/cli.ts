import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The `connxt` CLI as operators run it: a real subprocess, configured by its environment only.

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function connxt(env: Record<string, string>, ...args: string[]): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...env };
  if (env.DATABASE_URL === undefined) delete childEnv.DATABASE_URL;
  delete childEnv.NODE_ENV;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, env: childEnv });
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
