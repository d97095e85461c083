import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { randomBase62 } from '../src/ids.js';
import { connxt, ok, okJson } from './helpers/cli.js';

// The `connxt` CLI as operators run it: a real subprocess, configured by its environment only.


interface Token {
  id: string;
  prefix: string;
  status: string;
  secretToken?: string;
}

/** brands → environments → tokens, the same on every store; returns the ids it created, for later steps. */
function tenantFlow(env: () => Record<string, string>) {
  const state = { brandId: '', environmentId: '', firstToken: '', rotatedTokenId: '' };

  it('brands create / list / get', async () => {
    const brand = await okJson<{ id: string; name: string }>(env(), 'brands', 'create', '  Acme  ');
    assert.match(brand.id, /^brn_/);
    assert.equal(brand.name, 'Acme');
    state.brandId = brand.id;
    const list = await okJson<{ id: string }[]>(env(), 'brands', 'list');
    assert.deepEqual(
      list.map((b) => b.id),
      [brand.id],
    );
    assert.deepEqual(await okJson(env(), 'brands', 'get', brand.id), brand);
  });

  it('environments create prints the secret token once, and --json carries it', async () => {
    const human = await ok(env(), 'environments', 'create', '--brand', state.brandId, '--name', 'sandbox');
    const token = /secret token \(shown only once\): (sec_[0-9A-Za-z]{26})\n/.exec(human)?.[1];
    assert.ok(token !== undefined, human);
    assert.equal(human.split(token).length, 2, 'the token appears exactly once');

    const environment = await okJson<{ id: string; name: string; webhookUrl: string | null; secretToken: string }>(
      env(),
      ...['environments', 'create', '--brand', state.brandId, '--name', 'live', '--webhook-url', 'https://shop.example/hooks'],
    );
    assert.match(environment.id, /^env_/);
    assert.equal(environment.webhookUrl, 'https://shop.example/hooks');
    assert.match(environment.secretToken, /^sec_[0-9A-Za-z]{26}$/);
    state.environmentId = environment.id;
    state.firstToken = environment.secretToken;

    const list = await okJson<{ name: string }[]>(env(), 'environments', 'list', '--brand', state.brandId);
    assert.deepEqual(
      list.map((e) => e.name),
      ['sandbox', 'live'],
    );
  });

  it('tokens list shows the prefix, never the token', async () => {
    const human = await ok(env(), 'tokens', 'list', '--environment', state.environmentId);
    assert.ok(human.includes(state.firstToken.slice(0, 8)), human);
    assert.ok(!human.includes(state.firstToken));
    assert.match(human, /ACTIVE/);
    const json = await ok(env(), 'tokens', 'list', '--environment', state.environmentId, '--json');
    assert.ok(!json.includes(state.firstToken));
  });

  it('tokens rotate --grace-seconds 0 expires the old token at once', async () => {
    const rotated = await okJson<{ token: Token; expiring: Token[] }>(
      env(),
      ...['tokens', 'rotate', '--environment', state.environmentId, '--grace-seconds', '0'],
    );
    assert.match(rotated.token.secretToken ?? '', /^sec_/);
    assert.equal(rotated.expiring.length, 1);
    state.rotatedTokenId = rotated.token.id;
    const list = await okJson<Token[]>(env(), 'tokens', 'list', '--environment', state.environmentId);
    assert.deepEqual(
      list.map((t) => [t.id === rotated.token.id ? 'new' : 'old', t.status]),
      [
        ['old', 'EXPIRED'],
        ['new', 'ACTIVE'],
      ],
    );
  });

  it('tokens revoke', async () => {
    const args = ['tokens', 'revoke', '--environment', state.environmentId, '--token', state.rotatedTokenId];
    const revoked = await okJson<Token>(env(), ...args);
    assert.equal(revoked.status, 'REVOKED');
  });
  return state;
}

describe('connxt CLI on the embedded store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'connxt-cli-'));
  const env = () => ({ CONNXT_DATA_DIR: dataDir });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrate applies the migrations once, then finds the store up to date', async () => {
    const first = await connxt(env(), 'migrate');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^applied \d+ migrations?:\n {2}001 foundation\n/);
    assert.match(first.stderr, /applying migration 1\/\d+: 1 foundation/);
    assert.equal(await ok(env(), 'migrate'), 'store is up to date\n');
  });

  const flow = tenantFlow(env);

  it('environments update sets and clears settings', async () => {
    const args = ['environments', 'update', flow.environmentId, '--name', 'production', '--webhook-url', 'none'];
    const updated = await okJson<{ name: string; webhookUrl: string | null }>(env(), ...args);
    assert.deepEqual([updated.name, updated.webhookUrl], ['production', null]);
  });

  it('invalid input exits 2 with the same field errors as the admin API', async () => {
    const args = ['environments', 'create', '--brand', flow.brandId, '--name', 'x', '--success-redirect-url', 'ftp://x'];
    const badUrl = await connxt(env(), ...args);
    assert.equal(badUrl.code, 2);
    assert.equal(badUrl.stdout, '');
    assert.match(badUrl.stderr, /^connxt: Validation failed\n {2}successRedirectUrl: \S/);
    const emptyName = await connxt(env(), 'brands', 'create', '');
    assert.equal(emptyName.code, 2);
    assert.match(emptyName.stderr, /^ {2}name: \S/m);
  });

  it('an unknown id exits 3', async () => {
    const run = await connxt(env(), 'brands', 'get', 'brn_doesnotexist00000000000000');
    assert.equal(run.code, 3);
    assert.match(run.stderr, /^connxt: Brand not found$/m);
  });
});

describe('connxt CLI while another process holds the data dir', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'connxt-cli-lock-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stops with one line saying the store is in use', async () => {
    const lockPath = join(dataDir, 'engine.lock');
    writeFileSync(lockPath, String(process.pid)); // this test process is alive: the lock holds
    const run = await connxt({ CONNXT_DATA_DIR: dataDir }, 'brands', 'list');
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^connxt: [^\n]*in use[^\n]*\n$/);
    assert.equal(readFileSync(lockPath, 'utf8'), String(process.pid), 'the holder keeps its lock');
    assert.ok(!existsSync(join(dataDir, 'pgdata')), 'the store was not opened');
  });
});

const databaseUrl = process.env.TEST_DATABASE_URL;

describe('connxt CLI on PostgreSQL', { skip: databaseUrl === undefined || databaseUrl === '' }, () => {
  const schema = `connxt_cli_${randomBase62(10).toLowerCase()}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'connxt-cli-pg-'));
  const admin = () => new pg.Client({ connectionString: databaseUrl });
  let url = '';
  const env = () => ({ DATABASE_URL: url, CONNXT_DATA_DIR: dataDir });

  before(async () => {
    const client = admin();
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`).finally(() => client.end());
    url = `${databaseUrl}${databaseUrl!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  });

  after(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    const client = admin();
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
  });

  tenantFlow(env);

  it('kept everything in its own schema', async () => {
    const client = admin();
    await client.connect();
    const { rows } = await client
      .query<{ count: string }>('SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [
        schema,
        'brands',
      ])
      .finally(() => client.end());
    assert.equal(rows[0]?.count, '1');
  });
});
