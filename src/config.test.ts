import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

const masterKey = randomBytes(32);
const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://connxt@db/connxt',
  CONNXT_MASTER_KEY: masterKey.toString('base64'),
  CONNXT_PUBLIC_URL: 'https://pay.example.com/',
};

/** Asserts that loading fails with a one-line ConfigError that names the variable. */
function refuses(env: NodeJS.ProcessEnv, variable: string): void {
  assert.throws(
    () => loadConfig(env),
    (err: unknown) =>
      err instanceof ConfigError && err.message.includes(variable) && !err.message.includes('\n'),
    `${JSON.stringify(env)} should be refused naming ${variable}`,
  );
}

describe('loadConfig', () => {
  it('has development defaults', () => {
    const config = loadConfig({});
    assert.equal(config.production, false);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.equal(config.databaseUrl, undefined);
    assert.ok(isAbsolute(config.dataDir));
    assert.equal(config.dataDir, resolve('.connxt'));
    assert.equal(config.adminToken, undefined);
    assert.equal(config.metricsToken, undefined);
    assert.equal(config.masterKey, undefined);
    assert.equal(config.simulators, true);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.publicUrl, 'http://127.0.0.1:8080');
    assert.equal(config.role, 'all');
    assert.equal(config.jobsSchema, 'pgboss');
    assert.equal(config.reconcileAfterSeconds, 60);
    assert.equal(config.deliveryLeaseSeconds, 120);
  });

  it('reads valid values', () => {
    const config = loadConfig({
      HOST: '0.0.0.0',
      PORT: '3000',
      DATABASE_URL: 'postgresql://localhost/connxt',
      CONNXT_ADMIN_TOKEN: 'a'.repeat(24),
      CONNXT_METRICS_TOKEN: 'm'.repeat(24),
      CONNXT_MASTER_KEY: masterKey.toString('base64'),
      CONNXT_SIMULATORS: 'off',
      LOG_LEVEL: 'debug',
      CONNXT_ROLE: 'worker',
      CONNXT_DELIVERY_LEASE_SECONDS: '15',
    });
    assert.equal(config.role, 'worker');
    assert.equal(config.deliveryLeaseSeconds, 15);
    assert.equal(config.port, 3000);
    assert.equal(config.databaseUrl, 'postgresql://localhost/connxt');
    assert.equal(config.adminToken, 'a'.repeat(24));
    assert.equal(config.metricsToken, 'm'.repeat(24));
    assert.deepEqual(config.masterKey, masterKey);
    assert.equal(config.simulators, false);
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.publicUrl, 'http://0.0.0.0:3000');
  });

  it('refuses each bad value with a line naming the variable', () => {
    refuses({ PORT: 'abc' }, 'PORT');
    refuses({ PORT: '70000' }, 'PORT');
    refuses({ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL');
    refuses({ CONNXT_ADMIN_TOKEN: 'a'.repeat(23) }, 'CONNXT_ADMIN_TOKEN');
    refuses({ CONNXT_METRICS_TOKEN: 'm'.repeat(23) }, 'CONNXT_METRICS_TOKEN');
    refuses({ CONNXT_MASTER_KEY: randomBytes(31).toString('base64') }, 'CONNXT_MASTER_KEY');
    refuses({ CONNXT_MASTER_KEY: randomBytes(33).toString('base64') }, 'CONNXT_MASTER_KEY');
    refuses({ CONNXT_MASTER_KEY: 'not base64 at all!' }, 'CONNXT_MASTER_KEY');
    refuses({ CONNXT_SIMULATORS: 'maybe' }, 'CONNXT_SIMULATORS');
    refuses({ LOG_LEVEL: 'loud' }, 'LOG_LEVEL');
    refuses({ CONNXT_PUBLIC_URL: 'ftp://x' }, 'CONNXT_PUBLIC_URL');
    refuses({ CONNXT_PUBLIC_URL: 'not a url' }, 'CONNXT_PUBLIC_URL');
    refuses({ CONNXT_ROLE: 'web' }, 'CONNXT_ROLE');
    refuses({ CONNXT_JOBS_SCHEMA: 'Jobs; DROP' }, 'CONNXT_JOBS_SCHEMA');
    refuses({ CONNXT_RECONCILE_AFTER_SECONDS: '0' }, 'CONNXT_RECONCILE_AFTER_SECONDS');
    refuses({ CONNXT_RECONCILE_AFTER_SECONDS: '1.5' }, 'CONNXT_RECONCILE_AFTER_SECONDS');
    // A lease shorter than one delivery attempt (10 s) would take back deliveries still running.
    refuses({ CONNXT_DELIVERY_LEASE_SECONDS: '10' }, 'CONNXT_DELIVERY_LEASE_SECONDS');
    refuses({ CONNXT_DELIVERY_LEASE_SECONDS: '3601' }, 'CONNXT_DELIVERY_LEASE_SECONDS');
  });

  it('runs api and worker processes only on PostgreSQL: the embedded store is one process', () => {
    refuses({ CONNXT_ROLE: 'api' }, 'CONNXT_ROLE');
    refuses({ CONNXT_ROLE: 'worker' }, 'CONNXT_ROLE');
    assert.equal(loadConfig({ CONNXT_ROLE: 'api', DATABASE_URL: 'postgres://localhost/connxt' }).role, 'api');
  });

  it('requires PostgreSQL, a master key and a public URL in production, and no simulators', () => {
    refuses({ ...production, DATABASE_URL: undefined }, 'DATABASE_URL');
    refuses({ ...production, CONNXT_MASTER_KEY: undefined }, 'CONNXT_MASTER_KEY');
    refuses({ ...production, CONNXT_PUBLIC_URL: undefined }, 'CONNXT_PUBLIC_URL');
    refuses({ ...production, CONNXT_SIMULATORS: 'on' }, 'CONNXT_SIMULATORS');
  });

  it('loads a valid production config with simulators off', () => {
    const config = loadConfig(production);
    assert.equal(config.production, true);
    assert.equal(config.simulators, false);
    assert.deepEqual(config.masterKey, masterKey);
    assert.equal(config.publicUrl, 'https://pay.example.com');
  });
});

describe('loadConfig regressions', () => {
  it('keeps the one-line message when a value holds a newline', () => {
    refuses({ PORT: '80\n80' }, 'PORT');
    refuses({ LOG_LEVEL: 'a\nb' }, 'LOG_LEVEL');
    refuses({ CONNXT_SIMULATORS: 'o\nn' }, 'CONNXT_SIMULATORS');
  });

  it('takes PORT only as decimal digits', () => {
    refuses({ PORT: '0x1F90' }, 'PORT');
    refuses({ PORT: '1e3' }, 'PORT');
  });

  it('refuses a public URL with a query or fragment, whose trailing slash would be cut', () => {
    refuses({ CONNXT_PUBLIC_URL: 'https://x.example/?r=/' }, 'CONNXT_PUBLIC_URL');
    refuses({ CONNXT_PUBLIC_URL: 'https://x.example/#a' }, 'CONNXT_PUBLIC_URL');
    assert.equal(loadConfig({ CONNXT_PUBLIC_URL: 'https://x.example/base/' }).publicUrl, 'https://x.example/base');
  });
});
