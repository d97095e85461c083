import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { randomBase62 } from '../src/ids.js';
import { fails, ok, okJson } from './helpers/cli.js';
import { spec } from './helpers/spec-examples.js';
import { testGatewayScript } from './helpers/test-gateway.js';

// `connxt flow-targets …` and `connxt environments update --host-map` as operators run them:
// a real subprocess, configured by its environment only.



interface TargetView {
  id: string;
  name: string;
  logo: string | null;
  status: string;
  credentialSchema: unknown;
  inputSchema: unknown;
  actions: { id: string; name: string; definition: { id: string; description: string; inputSchema: unknown } | null }[];
  source: string;
  allowedHosts: string[];
  versions: Record<string, number>;
}

const definitionOf = (target: TargetView, action: string) => target.actions.find((a) => a.name === action)!.definition;

const credentialSchema = {
  type: 'object',
  required: ['apiKey'],
  properties: { apiKey: { type: 'string', minLength: 1 } },
  additionalProperties: false,
};
const targetInputSchema = {
  paymentMethods: { type: 'array', items: { enum: ['CARD'], type: 'string' } },
  countries: { type: 'array', items: { enum: ['DE'], type: 'string' } },
  currencies: { type: 'array', items: { enum: ['EUR', 'USD'], type: 'string' } },
};
const depositInputSchema = { type: 'object', required: ['customer'], properties: { customer: { type: 'object' } } };
const withdrawScript = 'export async function initiate(ctx, sdk) {\n  return sdk.response.success({ status: "PENDING" });\n}\n';
const logoSvg = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>\n';

/** The files an operator would pass, in a directory of their own. */
function writeFiles(dir: string) {
  mkdirSync(dir, { recursive: true });
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  return {
    credentialSchema: file('credential-schema.json', JSON.stringify(credentialSchema, null, 2)),
    inputSchema: file('input-schema.json', JSON.stringify(targetInputSchema)),
    depositInputSchema: file('deposit-input.json', `\uFEFF${JSON.stringify(depositInputSchema)}`),
    deposit: file('deposit.js', testGatewayScript),
    depositV2: file('deposit-v2.js', testGatewayScript.replace('value: res.data.redirectUrl }', 'value: res.data.redirectUrl + "?v=2" }')),
    withdraw: file('withdraw.js', withdrawScript),
    broken: file('broken.js', 'export async function initiate(ctx, sdk) {\n  return {;\n}\n'),
    importsFs: file('imports-fs.js', `import { readFileSync } from "node:fs";\n${withdrawScript}`),
    notJson: file('not-json.json', '{"type": "object",'),
    logo: file('logo.svg', logoSvg),
    missing: join(dir, 'no-such-script.js'),
  };
}

const databaseUrl = process.env.TEST_DATABASE_URL;

// Every command is a process that opens the store (an embedded one admits one at a time), so the
// suites below each get their own store and run side by side; checks that never reach a store run
// in parallel.
describe('connxt flow-targets and environments update --host-map', { concurrency: true }, () => {
  const workDir = mkdtempSync(join(tmpdir(), 'connxt-cli-ftg-'));
  const files = writeFiles(join(workDir, 'files'));
  after(() => rmSync(workDir, { recursive: true, force: true }));

  describe('flow-targets on the embedded store', { concurrency: 1 }, () => {
    const env = () => ({ CONNXT_DATA_DIR: join(workDir, 'targets') });
    let created: TargetView;
    const name = 'CLI Gateway';

    it('create reads the schemas, scripts and logo from files', async () => {
      created = await okJson<TargetView>(
        env(),
        ...['flow-targets', 'create', '--name', name, '--credential-schema', files.credentialSchema],
        ...['--allowed-host', 'psp.test', '--allowed-host', 'api.cli-gateway.example:8443', '--input-schema', files.inputSchema],
        ...['--logo', files.logo, '--deposit', files.deposit, '--description-deposit', 'CLI deposit'],
        ...['--input-schema-deposit', files.depositInputSchema, '--withdraw', files.withdraw],
      );
      assert.match(created.id, /^ftg_[0-9a-hjkmnp-tv-z]{26}$/);
      const deposit = definitionOf(created, 'DEPOSIT')!;
      const withdraw = definitionOf(created, 'WITHDRAW')!;
      assert.match(deposit.id, /^fld_[0-9a-hjkmnp-tv-z]{26}$/);
      assert.deepEqual(created, {
        id: created.id,
        name,
        logo: `data:image/svg+xml;base64,${Buffer.from(logoSvg).toString('base64')}`,
        status: 'ENABLED',
        credentialSchema,
        inputSchema: targetInputSchema,
        actions: [
          { id: spec.actions.REFUND, name: 'REFUND', definition: null },
          { id: spec.actions.WITHDRAW, name: 'WITHDRAW', definition: { id: withdraw.id, description: 'WITHDRAW script', inputSchema: { type: 'object' } } },
          { id: spec.actions.DEPOSIT, name: 'DEPOSIT', definition: { id: deposit.id, description: 'CLI deposit', inputSchema: depositInputSchema } },
        ],
        source: 'custom',
        allowedHosts: ['psp.test', 'api.cli-gateway.example:8443'],
        versions: { [deposit.id]: 1, [withdraw.id]: 1 },
      });
    });

    it('list shows it beside the builtin targets; show answers what create answered', async () => {
      const human = await ok(env(), 'flow-targets', 'list');
      assert.match(human, /^ID +NAME +STATUS +SOURCE +ALLOWED HOSTS\n/);
      assert.match(human, new RegExp(`^${created.id} +CLI Gateway +ENABLED +custom +psp\\.test, api\\.cli-gateway\\.example:8443$`, 'm'));
      assert.match(human, new RegExp(`^${spec.sticpay.targetId} +Sticpay +ENABLED +builtin +api\\.sticpay\\.com$`, 'm'));
      assert.deepEqual(await okJson(env(), 'flow-targets', 'show', created.id), created);
      const script = await ok(env(), 'flow-targets', 'show', created.id, '--script', 'DEPOSIT');
      assert.equal(script, testGatewayScript.endsWith('\n') ? testGatewayScript : `${testGatewayScript}\n`, 'the script as uploaded');
    });

    it('a script that does not compile exits 2 with the compiler’s message on stderr', async () => {
      const stderr = await fails(
        2,
        env(),
        ...['flow-targets', 'create', '--name', 'Broken', '--credential-schema', files.credentialSchema, '--allowed-host', 'psp.test'],
        ...['--deposit', files.broken, '--withdraw', files.importsFs],
      );
      const lines = stderr.split('\n');
      assert.equal(lines.length, 4, stderr);
      assert.equal(lines[0], 'connxt: Validation failed');
      assert.match(lines[1]!, /^ {2}actions\.DEPOSIT\.script: does not compile: SyntaxError: \S/);
      assert.equal(lines[2], '  actions.WITHDRAW.script: does not compile: import of "node:fs" is not available in the sandbox');
      assert.equal(lines[3], '');
    });

    it('a name already taken exits 4', async () => {
      const stderr = await fails(
        4,
        env(),
        ...['flow-targets', 'create', '--name', ` ${name} `, '--credential-schema', files.credentialSchema],
        ...['--allowed-host', 'psp.test', '--deposit', files.deposit],
      );
      assert.equal(stderr, 'connxt: A flow target with this name already exists\n');
    });

    it('set-status switches a target off and on, builtin ones too', async () => {
      const disabled = await okJson<TargetView>(env(), 'flow-targets', 'set-status', created.id, 'DISABLED');
      assert.deepEqual({ ...disabled, status: 'ENABLED' }, created);
      assert.equal(disabled.status, 'DISABLED');
      const human = await ok(env(), 'flow-targets', 'set-status', created.id, 'ENABLED');
      assert.match(human, /^flow target enabled\n/);
      assert.match(human, new RegExp(`^id: +${created.id}$`, 'm'));
      assert.match(human, /^status: +ENABLED$/m);
      assert.match(human, /^logo: +data:image\/svg\+xml;base64,… \(\d+ characters\)$/m);
      assert.match(human, /^allowed hosts: +psp\.test, api\.cli-gateway\.example:8443$/m);
      assert.match(human, new RegExp(`^DEPOSIT +${definitionOf(created, 'DEPOSIT')!.id} +1 +CLI deposit$`, 'm'));
      assert.match(human, /^REFUND +- +- +-$/m);

      const sticpay = await okJson<TargetView>(env(), 'flow-targets', 'set-status', spec.sticpay.targetId, 'DISABLED');
      assert.deepEqual([sticpay.status, sticpay.source], ['DISABLED', 'builtin']);
      const list = await okJson<{ id: string; name: string; status: string; source: string; allowedHosts: string[] }[]>(env(), 'flow-targets', 'list');
      assert.deepEqual(
        list.filter((t) => t.source === 'custom'),
        [{ id: created.id, name, status: 'ENABLED', source: 'custom', allowedHosts: ['psp.test', 'api.cli-gateway.example:8443'] }],
        'only the target created; nothing of the refused ones',
      );
      assert.equal(list.find((t) => t.id === spec.sticpay.targetId)?.status, 'DISABLED');
    });

    it('put-action uploads a new version (a refused one counts for nothing); on a builtin target it exits 4', async () => {
      const depositId = definitionOf(created, 'DEPOSIT')!.id;
      const broken = await fails(2, env(), 'flow-targets', 'put-action', created.id, 'DEPOSIT', files.broken);
      assert.match(broken, /^connxt: Validation failed\n {2}script: does not compile: SyntaxError: [^\n]+\n$/);
      const human = await ok(env(), 'flow-targets', 'put-action', created.id, 'DEPOSIT', files.depositV2, '--description', 'CLI deposit v2');
      assert.match(human, /^DEPOSIT script uploaded as version 2\n/);
      assert.match(human, new RegExp(`^DEPOSIT +${depositId} +2 +CLI deposit v2$`, 'm'));
      assert.match(human, new RegExp(`^WITHDRAW +${definitionOf(created, 'WITHDRAW')!.id} +1 +WITHDRAW script$`, 'm'));
      const builtin = await fails(4, env(), 'flow-targets', 'put-action', spec.sticpay.targetId, 'DEPOSIT', files.deposit);
      assert.equal(builtin, 'connxt: A builtin flow target is defined by connectors/; change its scripts there\n');
    });

    it('an unknown id exits 3', async () => {
      const unknown = 'ftg_01jt2ctt8veh48mkpcx2bdeaaa';
      assert.equal(await fails(3, env(), 'flow-targets', 'show', unknown), 'connxt: Flow target not found\n');
      assert.equal(await fails(3, env(), 'flow-targets', 'set-status', 'nope', 'DISABLED'), 'connxt: Flow target not found\n');
      assert.equal(await fails(3, env(), 'flow-targets', 'show', created.id, '--script', 'REFUND'), 'connxt: This flow target has no REFUND script\n');
    });
  });

  describe('environments update --host-map', { concurrency: 1 }, () => {
    const env = () => ({ CONNXT_DATA_DIR: join(workDir, 'environments') });
    let environmentId = '';
    let productionId = '';
    const update = (id: string, ...entries: string[]) => ['environments', 'update', id, ...entries.flatMap((e) => ['--host-map', e])];

    before(async () => {
      const brand = await okJson<{ id: string }>(env(), 'brands', 'create', 'Host maps');
      environmentId = (await okJson<{ id: string }>(env(), 'environments', 'create', '--brand', brand.id, '--name', 'sandbox')).id;
      productionId = (await okJson<{ id: string }>(env(), 'environments', 'create', '--brand', brand.id, '--name', 'live', '--production')).id;
    });

    it('sets the map (repeatable, replacing the old one), shows it, and "none" clears it', async () => {
      const updated = await okJson<{ name: string; hostMap: Record<string, string> }>(
        env(),
        ...update(environmentId, 'https://psp.test=http://127.0.0.1:9999', 'https://api.sticpay.com=http://127.0.0.1:9998/sticpay/'),
      );
      assert.deepEqual(updated.hostMap, { 'https://psp.test': 'http://127.0.0.1:9999', 'https://api.sticpay.com': 'http://127.0.0.1:9998/sticpay' });
      assert.equal(updated.name, 'sandbox');
      const replaced = await ok(env(), ...update(environmentId, 'https://psp.test=http://127.0.0.1:7777'));
      assert.match(replaced, /^environment updated\n/);
      assert.match(replaced, /^host map: +https:\/\/psp\.test -> http:\/\/127\.0\.0\.1:7777$/m);
      const cleared = await ok(env(), ...update(environmentId, 'none'));
      assert.match(cleared, /^host map: +-$/m);
      assert.match(cleared, /^name: +sandbox$/m);
    });

    it('is refused on a production environment with exit 2', async () => {
      const refused = await fails(2, env(), ...update(productionId, 'https://psp.test=http://127.0.0.1:9999'));
      assert.equal(refused, 'connxt: Validation failed\n  hostMap: is not allowed on a production environment\n');
    });
  });

  // None of these opens a store: the data dir stays absent.
  describe('input refused before any store is opened (exit 2)', { concurrency: 1 }, () => {
    const neverOpened = join(workDir, 'never-opened');
    const env = () => ({ CONNXT_DATA_DIR: neverOpened });
    const create = ['flow-targets', 'create', '--name', 'Refused', '--credential-schema', files.credentialSchema, '--allowed-host', 'psp.test'];
    const assertNoStore = () => assert.ok(!existsSync(neverOpened), 'a store was opened');

    it('a file that cannot be read is named, with the option that named it', async () => {
      const [missing, missingPut] = await Promise.all([
        fails(2, env(), ...create, '--deposit', files.missing),
        fails(2, env(), 'flow-targets', 'put-action', spec.sticpay.targetId, 'DEPOSIT', files.missing),
      ]);
      assert.equal(missing, `connxt: Cannot read ${files.missing}\n  --deposit: cannot read ${files.missing}: no such file\n`);
      assert.equal(missingPut, `connxt: Cannot read ${files.missing}\n  script: cannot read ${files.missing}: no such file\n`);
      assertNoStore();
    });

    it('invalid options get the same field errors as the admin API', async () => {
      const [hosts, notJson, noAction] = await Promise.all([
        fails(2, env(), ...create, '--deposit', files.deposit, '--allowed-host', 'http://x', '--allowed-host', 'a b'),
        fails(2, env(), 'flow-targets', 'create', '--name', 'x', '--credential-schema', files.notJson, '--allowed-host', 'psp.test', '--deposit', files.deposit),
        fails(2, env(), ...create, '--description-withdraw', 'no script'),
      ]);
      assert.equal(hosts, 'connxt: Validation failed\n  allowedHosts[1]: has an invalid format\n  allowedHosts[2]: has an invalid format\n');
      assert.equal(notJson, `connxt: Validation failed\n  --credential-schema: ${files.notJson} is not valid JSON\n`);
      assert.equal(
        noAction,
        'connxt: Validation failed\n  --withdraw: is required with --description-withdraw or --input-schema-withdraw\n' +
          '  actions: pass at least one of --deposit, --withdraw, --refund\n',
      );
      const [badStatus, badAction, badScript] = await Promise.all([
        fails(2, env(), 'flow-targets', 'set-status', spec.sticpay.targetId, 'PAUSED'),
        fails(2, env(), 'flow-targets', 'put-action', spec.sticpay.targetId, 'CAPTURE', files.deposit),
        fails(2, env(), 'flow-targets', 'show', spec.sticpay.targetId, '--script', 'deposit'),
      ]);
      assert.equal(badScript, 'connxt: Validation failed\n  --script: must be one of: DEPOSIT, WITHDRAW, REFUND\n');
      assert.equal(badStatus, 'connxt: Validation failed\n  status: must be one of: ENABLED, DISABLED\n');
      assert.equal(badAction, 'connxt: Validation failed\n  action: must be one of: DEPOSIT, WITHDRAW, REFUND\n');
      assertNoStore();
    });

    it('malformed --host-map entries', async () => {
      const id = 'env_0123456789ABCDEFGHIJKLMNOP';
      const update = (...entries: string[]) => fails(2, env(), 'environments', 'update', id, ...entries.flatMap((e) => ['--host-map', e]));
      const [noEquals, mixedNone, badOrigin] = await Promise.all([
        update('https://psp.test'),
        update('none', 'https://psp.test=http://x.example'),
        update('ftp://psp.test=http://127.0.0.1:1'),
      ]);
      assert.equal(noEquals, 'connxt: Validation failed\n  --host-map: "https://psp.test" is not <origin>=<baseUrl>\n');
      assert.equal(mixedNone, 'connxt: Validation failed\n  --host-map: "none" cannot be combined with other entries\n');
      assert.match(badOrigin, /^connxt: Validation failed\n {2}hostMap\S*: [^\n]+\n$/);
      assertNoStore();
    });
  });

  describe('flow-targets on PostgreSQL', { concurrency: 1, skip: databaseUrl === undefined || databaseUrl === '' }, () => {
    const schema = `connxt_cli_${randomBase62(10).toLowerCase()}`;
    const admin = () => new pg.Client({ connectionString: databaseUrl });
    let url = '';
    const env = () => ({ DATABASE_URL: url, CONNXT_DATA_DIR: join(workDir, 'pg') });

    before(async () => {
      const client = admin();
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`).finally(() => client.end());
      url = `${databaseUrl}${databaseUrl!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    });

    after(async () => {
      const client = admin();
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
    });

    it('create, put-action, set-status, and list show the result', async () => {
      const created = await okJson<TargetView>(
        env(),
        ...['flow-targets', 'create', '--name', 'PG Gateway', '--credential-schema', files.credentialSchema, '--allowed-host', 'psp.test'],
        ...['--deposit', files.deposit],
      );
      const depositId = definitionOf(created, 'DEPOSIT')!.id;
      assert.deepEqual(created.versions, { [depositId]: 1 });
      const [uploaded, disabled] = await Promise.all([
        okJson<TargetView>(env(), 'flow-targets', 'put-action', created.id, 'DEPOSIT', files.depositV2),
        okJson<TargetView>(env(), 'flow-targets', 'set-status', created.id, 'DISABLED'),
      ]);
      assert.deepEqual(uploaded.versions, { [depositId]: 2 });
      assert.equal(disabled.id, created.id);
      const list = await okJson<{ id: string; status: string; source: string }[]>(env(), 'flow-targets', 'list');
      assert.deepEqual(
        list.filter((t) => t.source === 'custom').map((t) => [t.id, t.status]),
        [[created.id, 'DISABLED']],
      );
      const versions = await withPg(url, (client) =>
        client.query<{ version: number }>('SELECT version FROM flow_definition_versions WHERE definition_id = $1 ORDER BY version', [depositId]),
      );
      assert.deepEqual(versions.rows, [{ version: 1 }, { version: 2 }]);
    });
  });
});

async function withPg<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
