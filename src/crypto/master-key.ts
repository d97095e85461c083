import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import { advisoryLocks } from '../store/advisory-locks.js';
import type { Db, Queryable } from '../store/db.js';

/**
 * The key that wraps every environment's data key, checked against the fingerprint the store
 * recorded when it was first used, so a wrong key stops start-up instead of showing up later as
 * credentials that cannot be decrypted.
 *
 * Where it comes from: CONNXT_MASTER_KEY; or, outside production, `<dataDir>/master.key`, generated
 * on first start of an empty store (with a warning: whoever reads that file reads every PSP
 * credential). A store that already has a key never gets a new one generated for it. Runs under an
 * advisory lock, so processes starting together agree on one key.
 */
export async function loadMasterKey(
  db: Db,
  config: Pick<Config, 'masterKey' | 'production' | 'dataDir'>,
  logger: Logger,
): Promise<Buffer> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [advisoryLocks.masterKeyCheck]);
    const recorded = await readFingerprint(tx);
    const keyPath = join(config.dataDir, 'master.key');

    let key: Buffer;
    let source: string;
    if (config.masterKey !== undefined) {
      key = config.masterKey;
      source = 'CONNXT_MASTER_KEY';
    } else if (config.production) {
      throw new ConfigError('NODE_ENV=production requires CONNXT_MASTER_KEY');
    } else {
      const fromFile = readKeyFile(keyPath);
      if (fromFile !== undefined) {
        key = fromFile;
        logger.info({ keyPath }, 'using the development master key of the data dir');
      } else if (recorded !== undefined) {
        throw new ConfigError(
          `this store's credentials are encrypted under a master key that is not here: set CONNXT_MASTER_KEY, or restore ${keyPath}`,
        );
      } else {
        key = randomBytes(32);
        writeKeyFile(keyPath, key);
        logger.warn({ keyPath }, 'generated a development master key in the data dir; set CONNXT_MASTER_KEY outside development');
      }
      source = keyPath;
    }

    const fingerprint = fingerprintOf(key);
    if (recorded === undefined) {
      await tx.query("INSERT INTO engine_settings (key, value) VALUES ('master_key_check', $1)", [fingerprint.toString('base64')]);
    } else if (recorded.length !== fingerprint.length || !timingSafeEqual(recorded, fingerprint)) {
      throw new ConfigError(`${source} is not the master key this store was created with`);
    }
    return key;
  });
}

export async function readFingerprint(tx: Queryable): Promise<Buffer | undefined> {
  const { rows } = await tx.query<{ value: string }>("SELECT value FROM engine_settings WHERE key = 'master_key_check'");
  return rows[0] === undefined ? undefined : Buffer.from(rows[0].value, 'base64');
}

export function fingerprintOf(key: Buffer): Buffer {
  return createHmac('sha256', key).update('connxt master key check v1').digest();
}

export function readKeyFile(keyPath: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(keyPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new ConfigError(`${keyPath} does not hold a 32-byte base64 key`);
  return key;
}

/** Written and fsynced (file and folder) before its fingerprint is committed to the store. */
function writeKeyFile(keyPath: string, key: Buffer): void {
  const dir = join(keyPath, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fd = openSync(keyPath, 'wx', 0o600);
  try {
    writeSync(fd, key.toString('base64') + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
