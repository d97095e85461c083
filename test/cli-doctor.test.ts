import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { randomBase62 } from '../src/ids.js';
import { loadMigrations } from '../src/store/migrate.js';
import { connxt, ok, withSearchPath, type Run } from './helpers/cli.js';
import { withClient } from './helpers/stores.js';

// `connxt doctor` as operators run it: a real subprocess, configured by its environment only, on
// real stores. It only reads: no store is created or migrated, no key generated or recorded.

interface Check {
  status: 'ok' | 'warn' | 'fail';
  check: string;
  detail: string;
}

const migrationCount = loadMigrations().length;
const adminToken = 'doctor-admin-token-0123456789abcdef';
const lines = (run: Run) => run.stdout.trimEnd().split('\n');
/** The line of one check, asserting the one-line format. */
const line = (run: Run, check: string) => {
  const found = lines(run).find((l) => l.slice(6).startsWith(`${check}: `));
  assert.ok(found, `no "${check}" line in:\n${run.stdout}${run.stderr}`);
  assert.match(found, /^(ok {4}|warn {2}|fail {2})\S/);
  return found;
};

describe('connxt doctor', { concurrency: true }, () => {
  const workDir = mkdtempSync(join(tmpdir(), 'connxt-doctor-'));
  after(() => rmSync(workDir, { recursive: true, force: true }));

  it('on a data dir never used: warnings only (exit 0), and nothing is created', async () => {
    const dataDir = join(workDir, 'fresh');
    const run = await connxt({ CONNXT_DATA_DIR: dataDir }, 'doctor');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.deepEqual(
      lines(run).map((l) => l.slice(0, 6).trim() + ' ' + l.slice(6, l.indexOf(':'))),
      ['ok configuration', 'warn store', 'warn master key', 'warn admin token', 'warn public URL', 'ok production checklist'],
    );
    assert.equal(line(run, 'store'), `warn  store: embedded PGlite in ${join(dataDir, 'pgdata')} does not exist yet: the engine (or connxt migrate) creates it`);
    assert.match(line(run, 'master key'), /^warn {2}master key: not set: the engine generates a development key into \S+master\.key on first start; set CONNXT_MASTER_KEY outside development$/);
    assert.equal(line(run, 'admin token'), 'warn  admin token: CONNXT_ADMIN_TOKEN is not set: the admin API (/admin/v1) and the dashboard are off');
    assert.match(line(run, 'public URL'), /^warn {2}public URL: CONNXT_PUBLIC_URL is not set: callbacks go to http:\/\/127\.0\.0\.1:8080, /);
    assert.ok(!existsSync(dataDir), 'doctor created the data dir');
  });

  it('on a store in use: the store and its development key; a wrong CONNXT_MASTER_KEY fails (exit 1); a running engine’s lock warns', async () => {
    const dataDir = join(workDir, 'used');
    await ok({ CONNXT_DATA_DIR: dataDir }, 'brands', 'list'); // migrates, generates and records the development key
    const good = await connxt({ CONNXT_DATA_DIR: dataDir, CONNXT_ADMIN_TOKEN: adminToken }, 'doctor', '--json');
    assert.equal(good.code, 0, good.stderr);
    const checks = JSON.parse(good.stdout) as Check[];
    const byName = Object.fromEntries(checks.map((c) => [c.check, c]));
    assert.deepEqual(byName.store, {
      status: 'ok',
      check: 'store',
      detail: `${byName.store!.detail.split(' in ')[0]} in ${join(dataDir, 'pgdata')}; all ${migrationCount} migrations applied`,
    });
    assert.match(byName.store!.detail, /^PGlite \(embedded, PostgreSQL \d+\.\d+\) in /);
    assert.deepEqual(byName['master key'], {
      status: 'warn',
      check: 'master key',
      detail: `the development key ${join(dataDir, 'master.key')} matches the store; set CONNXT_MASTER_KEY outside development`,
    });
    assert.deepEqual(byName['admin token'], { status: 'ok', check: 'admin token', detail: 'set: the admin API (/admin/v1) and the dashboard are on' });
    assert.ok(!good.stdout.includes(adminToken));

    const developmentKey = readFileSync(join(dataDir, 'master.key'), 'utf8');
    const wrongKey = randomBytes(32).toString('base64');
    const wrong = await connxt({ CONNXT_DATA_DIR: dataDir, CONNXT_MASTER_KEY: wrongKey }, 'doctor');
    assert.equal(wrong.code, 1);
    assert.equal(
      line(wrong, 'master key'),
      'fail  master key: CONNXT_MASTER_KEY is not the master key this store was created with: its PSP credentials cannot be decrypted',
    );
    assert.ok(!wrong.stdout.includes(wrongKey) && !wrong.stderr.includes(wrongKey));
    assert.equal(readFileSync(join(dataDir, 'master.key'), 'utf8'), developmentKey, 'the development key is left as it was');

    // While an engine holds the embedded store, doctor says which process does.
    writeFileSync(join(dataDir, 'engine.lock'), String(process.pid)); // this test process is alive: the lock holds
    const locked = await connxt({ CONNXT_DATA_DIR: dataDir }, 'doctor');
    assert.equal(locked.code, 0, locked.stdout);
    assert.match(line(locked, 'store'), new RegExp(`^warn {2}store: the embedded store in ${dataDir} is in use by process ${process.pid}; `));
    assert.equal(line(locked, 'master key'), `warn  master key: the development key ${join(dataDir, 'master.key')} (not compared with the store: it could not be read); set CONNXT_MASTER_KEY outside development`);
  });

  it('bad configuration: its one line, and the checks that need it are skipped (exit 1)', async () => {
    const run = await connxt({ CONNXT_DATA_DIR: join(workDir, 'bad'), PORT: 'eighty' }, 'doctor');
    assert.equal(run.code, 1);
    assert.equal(line(run, 'configuration'), 'fail  configuration: PORT must be an integer from 0 to 65535, got "eighty"');
    assert.equal(line(run, 'store'), 'warn  store: not checked: fix the configuration first');
  });

  it('production: the checklist, one line per item; secrets masked (exit 1)', async () => {
    const dataDir = join(workDir, 'production');
    const password = 'hunter2-db-password';
    const run = await connxt(
      {
        NODE_ENV: 'production',
        CONNXT_DATA_DIR: dataDir,
        DATABASE_URL: `postgres://connxt:${password}@127.0.0.1:1/connxt?sslpassword=${password}`,
        CONNXT_PUBLIC_URL: 'http://127.0.0.1:8080',
        CONNXT_SIMULATORS: 'on',
        CONNXT_ADMIN_TOKEN: adminToken,
      },
      'doctor',
    );
    assert.equal(run.code, 1);
    assert.equal(line(run, 'configuration'), 'fail  configuration: NODE_ENV=production requires CONNXT_MASTER_KEY');
    assert.match(line(run, 'store'), /^fail {2}store: PostgreSQL at postgres:\/\/connxt:\*\*\*@127\.0\.0\.1:1\/connxt\?sslpassword=\*\*\* cannot be read: \S/);
    assert.equal(line(run, 'master key'), 'fail  master key: CONNXT_MASTER_KEY is not set: NODE_ENV=production requires it');
    assert.equal(line(run, 'public URL'), 'fail  public URL: http://127.0.0.1:8080 is not https: put TLS in front of the engine and give its https:// address');
    assert.deepEqual(lines(run).slice(-4), [
      'ok    production DATABASE_URL: set (PostgreSQL)',
      'fail  production CONNXT_MASTER_KEY: not set: production never uses a generated key',
      'ok    production CONNXT_PUBLIC_URL: set',
      'fail  production simulators: CONNXT_SIMULATORS="on": the simulators must be off in production',
    ]);
    for (const secret of [password, adminToken]) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'a secret was printed');
    assert.ok(!existsSync(dataDir));
  });

  const databaseUrl = process.env.TEST_DATABASE_URL;
  it('on PostgreSQL: pending migrations are reported, not applied; https public URL and every production item ok', { skip: !databaseUrl }, async () => {
    const schema = `connxt_doctor_${randomBase62(10).toLowerCase()}`;
    await withClient(databaseUrl!, (client) => client.query(`CREATE SCHEMA ${schema}`));
    try {
      const env = {
        NODE_ENV: 'production',
        DATABASE_URL: withSearchPath(databaseUrl!, schema),
        CONNXT_DATA_DIR: join(workDir, 'pg'),
        CONNXT_MASTER_KEY: randomBytes(32).toString('base64'),
        CONNXT_PUBLIC_URL: 'https://pay.example.com',
        CONNXT_ADMIN_TOKEN: adminToken,
      };
      const run = await connxt(env, 'doctor');
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(line(run, 'configuration'), 'ok    configuration: valid; NODE_ENV=production, role all');
      assert.match(
        line(run, 'store'),
        new RegExp(`^warn {2}store: PostgreSQL \\d+\\.\\d+ at \\S+; empty: none of the ${migrationCount} migrations applied yet; connxt migrate \\(or the engine, on start\\) applies them$`),
      );
      assert.equal(line(run, 'master key'), 'ok    master key: CONNXT_MASTER_KEY (the store records it on first start)');
      assert.equal(line(run, 'public URL'), 'ok    public URL: https://pay.example.com');
      assert.deepEqual(lines(run).filter((l) => l.includes('production ')).map((l) => l.slice(0, 4).trim()), ['ok', 'ok', 'ok', 'ok']);
      const tables = await withClient(databaseUrl!, (client: pg.Client) =>
        client.query('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1', [schema]),
      );
      assert.equal(tables.rows[0].n, 0, 'doctor created tables');

      // A store a newer engine migrated: this one must not run on it.
      await withClient(databaseUrl!, (client) =>
        client.query(
          `CREATE TABLE ${schema}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL);
           INSERT INTO ${schema}.schema_migrations VALUES (1, 'foundation'), (999, 'from_the_future')`,
        ),
      );
      const newer = await connxt(env, 'doctor');
      assert.equal(newer.code, 1);
      assert.match(
        line(newer, 'store'),
        /^fail {2}store: PostgreSQL \d+\.\d+ at \S+; applied migrations this engine does not know: 999 from_the_future \(a newer engine migrated it\)$/,
      );
    } finally {
      await withClient(databaseUrl!, (client) => client.query(`DROP SCHEMA ${schema} CASCADE`));
    }
  });
});
