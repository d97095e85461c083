/**
 * A short soak in CI (npm run soak; RELIABILITY.md): on PGlite without crashes, and on PostgreSQL
 * (TEST_DATABASE_URL) with the engine killed three times. The soak runs as users run it, in its own
 * process; its JSON result must show every kind of fault injected and no check violated.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it, type TestContext } from 'node:test';
import { runChecks } from '../bench/soak/checks.js';
import { Dice } from '../bench/soak/dice.js';
import { Ledger } from '../bench/soak/ledger.js';
import { MerchantReceiver } from '../bench/soak/receiver.js';
import type { SoakResult } from '../bench/soak/soak.js';
import type { Tenant } from '../bench/soak/tenants.js';
import type { Db } from '../src/store/db.js';

const databaseUrl = process.env.TEST_DATABASE_URL;

async function soak(t: TestContext, args: string[]): Promise<{ code: number | null; result: SoakResult | undefined; stderr: string }> {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'bench/soak/run.ts', '--json', ...args], {
    env: { ...process.env, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A test that times out stops its soak (which stops its engine).
    signal: t.signal,
  });
  child.on('error', () => undefined);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = stdout.trim().split('\n').at(-1);
  return { code, result: line ? (JSON.parse(line) as SoakResult) : undefined, stderr };
}

function assertClean(t: TestContext, run: Awaited<ReturnType<typeof soak>>): SoakResult {
  const { result } = run;
  assert.ok(result, `no JSON result (exit ${run.code}):\n${run.stderr.slice(-3_000)}`);
  t.diagnostic(
    `${result.store}: ${result.acknowledged} transactions, ${result.requests.requests} requests, ${result.faults.total} faults, ` +
      `${result.kills.length} kills, ${result.receiver.accepted} deliveries accepted (${result.receiver.duplicates} duplicates); ` +
      `load ${result.loadSeconds.toFixed(0)} s, drain ${result.drainSeconds.toFixed(0)} s, total ${result.totalSeconds.toFixed(0)} s`,
  );
  const failed = result.checks.filter((check) => check.violations > 0);
  assert.deepEqual(failed, [], 'no check has violations');
  assert.equal(result.violations, 0);
  assert.ok(result.drained, `drained (${JSON.stringify(result.drainState)})`);
  assert.equal(result.engineExitCode, 0, 'the engine stopped cleanly after the drain');
  assert.equal(run.code, 0, run.stderr.slice(-3_000));
  for (const kind of ['error', 'timeout', 'drop', 'duplicate', 'delay', 'replay'] as const) {
    assert.ok(result.faults[kind] > 0, `faults of kind ${kind} were injected`);
  }
  assert.ok(result.acknowledged > 20, `a real load (${result.acknowledged} transactions acknowledged)`);
  for (const action of ['DEPOSIT', 'WITHDRAW', 'REFUND']) assert.ok(result.figures.byActionAndStatus[action], `${action}s ran`);
  assert.ok(result.receiver.accepted > 0 && result.figures.merchantEvents > 0);
  return result;
}

describe('soak', () => {
  it('PGlite: mixed load with gateway faults, then every check holds', async (t) => {
    const result = assertClean(t, await soak(t, ['--minutes', '0.3', '--workers', '3', '--seed', '6101']));
    assert.equal(result.kills.length, 0);
  });

  it('PostgreSQL: the same with the engine killed (kill -9) three times', { skip: databaseUrl ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, async (t) => {
    const result = assertClean(t, await soak(t, ['--minutes', '0.4', '--workers', '4', '--store', 'postgres', '--crash', '3', '--seed', '6102']));
    assert.equal(result.kills.length, 3);
    assert.ok(result.requests.connectionErrors > 0, 'the load met the engine down');
  });
});

/** A store that answers the checks' queries with the rows given, by table. */
function storeWith(tables: Record<string, Record<string, unknown>[]>): Db {
  const query = async (sql: string) => {
    const table = /FROM (\w+)/.exec(sql)?.[1] ?? '';
    const rows = tables[table];
    if (rows === undefined) throw new Error(`no rows for ${table}`);
    return { rows, rowCount: rows.length };
  };
  return { kind: 'pglite', query, exec: async () => undefined, simpleQuery: query, transaction: async () => assert.fail('no transactions'), close: async () => undefined } as unknown as Db;
}

describe('soak checks', () => {
  const tenant: Tenant = { index: 0, environmentId: 'env_1', token: 'sec_x', psps: new Map(), sims: new Map(), endpoints: [{ id: 'whe_all', events: null }] };
  const transaction = (id: string, fields: Record<string, unknown>) => ({
    id,
    environment_id: 'env_1',
    order_id: `order-${id}`,
    action: 'DEPOSIT',
    status: 'SUCCESS',
    version: 2,
    flow_definition_id: 'fld_1',
    next_check_at: null,
    amount_minor: '1000',
    refunded_minor: '0',
    refund_pending_minor: '0',
    parent_transaction_id: null,
    ...fields,
  });
  const hops = (id: string, statuses: string[]) => statuses.map((to, index) => ({ transaction_id: id, seq: index + 1, from_status: statuses[index - 1] ?? null, to_status: to }));

  it('find each kind of violation the soak looks for', async () => {
    const ledger = new Ledger();
    ledger.acknowledge({ id: 'lost', tenant: 0, orderId: 'order-lost', action: 'DEPOSIT', gateway: 'sticpay' }, 'key-1');
    ledger.acknowledge({ id: 'ok', tenant: 0, orderId: 'order-ok', action: 'DEPOSIT', gateway: 'sticpay' }, 'key-1');
    const receiver = new MerchantReceiver(new Dice(1, 1));
    await receiver.start();
    receiver.register('m1', 'whe_all', 'whsec_test');
    const forged = await fetch(receiver.urlFor('m1'), {
      method: 'POST',
      headers: { 'connxt-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`, 'connxt-event-id': 'evt_1' },
      body: '{"id":"evt_1"}',
    });
    assert.equal(forged.status, 400);
    await receiver.stop();
    const paid = ['NEW', 'CREATED', 'INITIATED', 'PG_ACCEPTED', 'PG_SUCCESS', 'SUCCESS'];
    const db = storeWith({
      transactions: [
        transaction('ok', { version: 6 }),
        transaction('twice', { order_id: 'order-ok', status: 'PG_ACCEPTED', version: 4 }),
        transaction('skips', { status: 'PG_SUCCESS', version: 4, next_check_at: new Date() }),
        transaction('gap', { status: 'CREATED', version: 2, next_check_at: new Date() }),
        transaction('refund', { action: 'REFUND', version: 6, amount_minor: '600', parent_transaction_id: 'ok' }),
        transaction('waiting', { action: 'WITHDRAW', status: 'PENDING_FOR_APPROVAL', version: 3 }),
      ],
      flow_definitions: [{ id: 'fld_1', transitions: null }],
      transaction_status_history: [
        ...hops('ok', paid),
        ...hops('twice', paid.slice(0, 4)),
        ...hops('skips', ['NEW', 'CREATED', 'INITIATED', 'PG_SUCCESS']),
        { transaction_id: 'gap', seq: 1, from_status: null, to_status: 'NEW' },
        { transaction_id: 'gap', seq: 3, from_status: 'NEW', to_status: 'CREATED' },
        ...hops('refund', paid),
        ...hops('waiting', ['NEW', 'CREATED', 'PENDING_FOR_APPROVAL']),
      ],
      merchant_events: [{ id: 'evt_1', environment_id: 'env_1', type: 'transaction.new' }],
    });
    const checks = await runChecks({ db, ledger, receiver, tenants: [tenant] });
    const violations = Object.fromEntries(checks.map((check, index) => [index + 1, check.violations]));
    // 1: "lost" is not stored, order-ok exists twice, key-1 answered two transactions.
    // 2: INITIATED → PG_SUCCESS skips a status; seq 2 is missing. 3: one waits for an operator,
    // one is unsettled with no check scheduled. 4: evt_1 never arrived; a delivery was not signed
    // with the endpoint's secret. 5: the deposit does not record what its SUCCESS refund took.
    assert.deepEqual(violations, { 1: 3, 2: 2, 3: 2, 4: 2, 5: 1 }, JSON.stringify(checks, null, 1));
  });
});
