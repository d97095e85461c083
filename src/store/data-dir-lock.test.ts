import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lockDataDir } from './data-dir-lock.js';

/**
 * Each contender waits for the same instant (so they really collide), takes the lock or fails,
 * holds it a moment so the others meet it, then prints what happened.
 */
const contender = `
  import { lockDataDir } from './src/store/data-dir-lock.ts';
  while (Date.now() < Number(process.argv[2])) {}
  try { const unlock = lockDataDir(process.argv[1]); await new Promise((r) => setTimeout(r, 1500)); unlock(); process.stdout.write('locked'); }
  catch (err) { process.stdout.write(/in use/.test(err.message) ? 'refused' : 'error: ' + err.message); }
`;

async function race(dir: string, contenders: number): Promise<string[]> {
  const startAt = String(Date.now() + 4000);
  const runs = Array.from({ length: contenders }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', contender, dir, startAt], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    return new Promise<string>((resolve) => child.on('exit', () => resolve(out.trim())));
  });
  return (await Promise.all(runs)).sort();
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

describe('lockDataDir', () => {
  it('lets exactly one of several processes starting together take the lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connxt-lock-'));
    try {
      const results = await race(dir, 6);
      assert.deepEqual(results, ['locked', 'refused', 'refused', 'refused', 'refused', 'refused']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets exactly one of them take over a lock left by a dead process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connxt-lock-'));
    try {
      writeFileSync(join(dir, 'engine.lock'), String(deadPid()));
      const results = await race(dir, 6);
      assert.deepEqual(results, ['locked', 'refused', 'refused', 'refused', 'refused', 'refused']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a second lock in the same process, an unreadable lock file, and releases on unlock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'connxt-lock-'));
    try {
      const unlock = lockDataDir(dir);
      assert.equal(readFileSync(join(dir, 'engine.lock'), 'utf8'), String(process.pid));
      assert.throws(() => lockDataDir(dir), /in use by process/);
      unlock();
      assert.equal(existsSync(join(dir, 'engine.lock')), false);
      writeFileSync(join(dir, 'engine.lock'), '');
      assert.throws(() => lockDataDir(dir), /unreadable/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
