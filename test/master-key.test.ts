import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../src/config.js';
import { loadMasterKey } from '../src/crypto/master-key.js';
import { createLogger } from '../src/logger.js';
import type { Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { storeCases, type TestStore } from './helpers/stores.js';

const logger = createLogger('silent');
const freshDir = () => mkdtempSync(join(tmpdir(), 'connxt-key-'));
const refusal = (message: string) => (err: unknown) => {
  assert.ok(err instanceof ConfigError, String(err));
  assert.equal(err.message, message);
  return true;
};

for (const storeCase of storeCases()) {
  describe(`master key [${storeCase.kind}]`, () => {
    let store: TestStore;
    let db: Db;
    const dirs: string[] = [];
    const dir = () => {
      const created = freshDir();
      dirs.push(created);
      return created;
    };

    before(async () => {
      store = await storeCase.create();
      db = await store.open();
      await migrate(db);
    });
    after(async () => {
      await db.close();
      await store.destroy();
      for (const created of dirs) rmSync(created, { recursive: true, force: true });
    });

    it('generates one key for an empty store, into a private file, and reads it back', async () => {
      const dataDir = dir();
      const key = await loadMasterKey(db, { masterKey: undefined, production: false, dataDir }, logger);
      const keyPath = join(dataDir, 'master.key');
      assert.equal(readFileSync(keyPath, 'utf8'), `${key.toString('base64')}\n`);
      assert.equal(statSync(keyPath).mode & 0o777, 0o600);
      assert.deepEqual(await loadMasterKey(db, { masterKey: undefined, production: false, dataDir }, logger), key);
      assert.deepEqual(await loadMasterKey(db, { masterKey: key, production: true, dataDir: dir() }, logger), key);
    });

    it('never generates a new key for a store that already has one', async () => {
      const dataDir = dir();
      await assert.rejects(
        loadMasterKey(db, { masterKey: undefined, production: false, dataDir }, logger),
        refusal(`this store's credentials are encrypted under a master key that is not here: set CONNXT_MASTER_KEY, or restore ${join(dataDir, 'master.key')}`),
      );
      assert.equal(existsSync(join(dataDir, 'master.key')), false);
    });

    it('names the source of a wrong key', async () => {
      await assert.rejects(
        loadMasterKey(db, { masterKey: randomBytes(32), production: false, dataDir: dir() }, logger),
        refusal('CONNXT_MASTER_KEY is not the master key this store was created with'),
      );
      const dataDir = dir();
      writeFileSync(join(dataDir, 'master.key'), randomBytes(32).toString('base64'));
      await assert.rejects(
        loadMasterKey(db, { masterKey: undefined, production: false, dataDir }, logger),
        refusal(`${join(dataDir, 'master.key')} is not the master key this store was created with`),
      );
      await assert.rejects(
        loadMasterKey(db, { masterKey: undefined, production: true, dataDir }, logger),
        refusal('NODE_ENV=production requires CONNXT_MASTER_KEY'),
      );
    });
  });
}

describe('master key, several processes starting together on one PostgreSQL', { skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL' }, () => {
  it('agrees on one generated key', async () => {
    const store = await storeCases().find((c) => c.kind === 'postgres')!.create();
    const dbs = await Promise.all(Array.from({ length: 4 }, () => store.open()));
    const dataDir = freshDir();
    try {
      await migrate(dbs[0]!);
      const keys = await Promise.all(dbs.map((db) => loadMasterKey(db, { masterKey: undefined, production: false, dataDir }, logger)));
      assert.equal(new Set(keys.map((k) => k.toString('hex'))).size, 1);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      await store.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
