import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * PGlite is one Postgres in one process: two processes opening the same directory would corrupt it.
 * The lock is a file holding the owner's pid, created with link(2) from a temporary file, so it
 * appears atomically with its content: nobody can ever read a half-written lock.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lockPath = join(dir, 'engine.lock');
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(lockPath)) return () => rmSync(lockPath, { force: true });
    const owner = readOwner(lockPath);
    if (owner === 'gone') continue;
    if (owner === 'unreadable') {
      throw new Error(`the embedded store in ${dir} has an unreadable ${lockPath}; if no engine uses it, delete that file`);
    }
    if (isAlive(owner)) {
      throw new Error(
        `the embedded store in ${dir} is in use by process ${owner}; stop it first, or use the admin API of the running engine`,
      );
    }
    takeOverStale(lockPath, owner);
  }
  throw new Error(`could not lock the embedded store in ${dir}: another process keeps taking it`);
}

function tryCreate(lockPath: string): boolean {
  const temporary = `${lockPath}.${process.pid}.tmp`;
  writeFileSync(temporary, String(process.pid), { mode: 0o600 });
  try {
    linkSync(temporary, lockPath);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(temporary, { force: true });
  }
}

function readOwner(lockPath: string): number | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  const pid = Number(text);
  return /^\d+$/.test(text) && pid > 0 ? pid : 'unreadable';
}

/**
 * A lock left by a dead process. Two processes may find it stale at once: each moves it aside
 * under its own name and checks that what it moved is the stale lock it saw. If it moved a fresh
 * lock instead (the other process already took over), it puts that lock back.
 */
function takeOverStale(lockPath: string, stalePid: number): void {
  const aside = `${lockPath}.${process.pid}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (readOwner(aside) !== stalePid) {
    try {
      linkSync(aside, lockPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  rmSync(aside, { force: true });
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
