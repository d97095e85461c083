import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Db } from '../store/db.js';
import { advisoryLocks } from '../store/advisory-locks.js';

/**
 * The configured master key, or outside production one generated once into the data dir (with a
 * warning: whoever can read that file can read every PSP credential of this store).
 */
export function resolveMasterKey(config: Pick<Config, 'masterKey' | 'production' | 'dataDir'>, logger: Logger): Buffer {
  if (config.masterKey !== undefined) return config.masterKey;
  if (config.production) throw new ConfigError('NODE_ENV=production requires CONNXT_MASTER_KEY');
  const keyPath = join(config.dataDir, 'master.key');
  if (existsSync(keyPath)) {
    const key = Buffer.from(readFileSync(keyPath, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new ConfigError(`${keyPath} does not hold a 32-byte base64 key`);
    logger.warn({ keyPath }, 'using the development master key from the data dir; set CONNXT_MASTER_KEY outside development');
    return key;
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(keyPath, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  logger.warn({ keyPath }, 'generated a development master key in the data dir; set CONNXT_MASTER_KEY outside development');
  return key;
}

function fingerprint(key: Buffer): Buffer {
  return createHmac('sha256', key).update('connxt master key check v1').digest();
}

/**
 * Records which master key a store was created with and refuses another one: starting with the
 * wrong key would otherwise only show up later as credentials that cannot be decrypted.
 */
export async function checkMasterKey(db: Db, key: Buffer): Promise<void> {
  const expected = fingerprint(key);
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [advisoryLocks.masterKeyCheck]);
    const { rows } = await tx.query<{ value: string }>(
      "SELECT value FROM engine_settings WHERE key = 'master_key_check'",
    );
    const stored = rows[0];
    if (stored === undefined) {
      await tx.query("INSERT INTO engine_settings (key, value) VALUES ('master_key_check', $1)", [expected.toString('base64')]);
      return;
    }
    const actual = Buffer.from(stored.value, 'base64');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      throw new ConfigError('CONNXT_MASTER_KEY is not the key this store was created with');
    }
  });
}
