import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { CallbackTokens } from '../src/callbacks/callback-tokens.js';
import { randomBase62 } from '../src/ids.js';
import { call, demoTokenOf, remoteApp, startEngineProcess, type EngineProcess } from './helpers/engine-process.js';
import { FakePsp } from './helpers/fake-psp.js';
import { depositBody, setUpTestGateway, testCredential, testGatewayHandler, type TestGateway } from './helpers/test-gateway.js';

const databaseUrl = process.env.TEST_DATABASE_URL;

/** A merchant's webhook receiver: records every delivery and answers 200. */
class Receiver {
  readonly deliveries: { eventId: string; type: string; txnId: string; sequence: number }[] = [];
  #server: Server | undefined;

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          id: string;
          type: string;
          data: { sequence: number; transaction: { txnId: string } };
        };
        this.deliveries.push({ eventId: event.id, type: event.type, txnId: event.data.transaction.txnId, sequence: event.data.sequence });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/hooks`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}

/** A private schema on the test PostgreSQL, and the environment engine processes on it share. */
async function sharedStore() {
  const schema = `connxt_mp_${randomBase62(10).toLowerCase()}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const separator = databaseUrl!.includes('?') ? '&' : '?';
  const masterKey = randomBytes(32);
  const env = {
    DATABASE_URL: `${databaseUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    CONNXT_JOBS_SCHEMA: `${schema}_jobs`,
    CONNXT_MASTER_KEY: masterKey.toString('base64'),
    CONNXT_SIMULATORS: 'off',
    CONNXT_RECONCILE_AFTER_SECONDS: '2',
  };
  return {
    env,
    masterKey,
    query: async <Row>(sql: string, params: unknown[] = []) => (await admin.query(sql.replaceAll('$schema', schema), params)).rows as Row[],
    async destroy() {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE; DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 45_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

describe('many engine processes on one PostgreSQL', { skip: databaseUrl ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, () => {
  const psp = new FakePsp(testGatewayHandler);
  const receiver = new Receiver();
  let receiverUrl: string;

  before(async () => {
    await psp.start();
    receiverUrl = await receiver.start();
  });
  after(async () => {
    await psp.stop();
    await receiver.stop();
  });

  it('two processes: every event delivered once, a webhook sent to both moves the transaction once, both stop cleanly', async () => {
    const store = await sharedStore();
    const processes: EngineProcess[] = [];
    try {
      const a = await startEngineProcess(store.env);
      processes.push(a);
      const b = await startEngineProcess(store.env);
      processes.push(b);
      const token = demoTokenOf(a);
      const environmentId = (await store.query<{ id: string }>('SELECT id FROM $schema.environments'))[0]!.id;
      const gateway: TestGateway = await setUpTestGateway(remoteApp(a.url), token, environmentId, psp);
      const endpoint = await call(a.url, 'POST', `/admin/v1/environments/${environmentId}/webhook-endpoints`, { admin: true, body: { url: receiverUrl } });
      assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));

      const txnIds: string[] = [];
      for (let i = 0; i < 10; i += 1) {
        const via = i % 2 === 0 ? a : b;
        const created = await call(via.url, 'POST', '/connxt/v2/transactions', { token, body: depositBody(gateway, { scenario: 'redirect', orderId: `two-proc-${i}` }) });
        assert.equal(created.status, 200, JSON.stringify(created.body));
        assert.equal(created.body.data.status, 'PG_ACCEPTED');
        txnIds.push(created.body.data.txnId as string);
      }

      const tokens = new CallbackTokens(store.masterKey);
      await Promise.all(
        txnIds.map(async (txnId) => {
          const body = JSON.stringify({ id: `pg_${txnId}`, state: 'SUCCESS' });
          const signature = createHmac('sha256', testCredential.apiKey).update(body).digest('hex');
          const answers = await Promise.all(
            [a, b].map((engine) =>
              call(engine.url, 'POST', `/connxt/v2/callbacks/w/${txnId}/${tokens.tokenFor('w', txnId)}`, { body, headers: { 'x-test-signature': signature } }),
            ),
          );
          assert.deepEqual(answers.map((answer) => answer.status), [200, 200]);
        }),
      );
      const successes = await store.query<{ transaction_id: string; n: string }>(
        `SELECT transaction_id, count(*) AS n FROM $schema.transaction_status_history WHERE to_status = 'SUCCESS' GROUP BY transaction_id`,
      );
      assert.equal(successes.length, 10);
      assert.ok(successes.every((row) => row.n === '1'), 'one SUCCESS per transaction');

      // NEW, CREATED, INITIATED, PG_ACCEPTED, PG_SUCCESS, SUCCESS for each of the ten.
      await until('60 events delivered', async () => new Set(receiver.deliveries.map((d) => d.eventId)).size >= 60);
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // room for a duplicate to show up
      const perEvent = new Map<string, number>();
      for (const delivery of receiver.deliveries) perEvent.set(delivery.eventId, (perEvent.get(delivery.eventId) ?? 0) + 1);
      assert.equal(perEvent.size, 60);
      assert.deepEqual([...perEvent.values()].filter((n) => n !== 1), [], 'no event delivered twice');
      const count = async (table: string) => (await store.query<{ n: string }>(`SELECT count(*) AS n FROM $schema.${table}`))[0]!.n;
      assert.equal(await count('merchant_events'), '60');
      assert.equal(await count('webhook_delivery_attempts'), '60', 'one attempt each');

      assert.equal(await b.stop(), 0, b.output());
      assert.equal(await a.stop(), 0, a.output());
    } finally {
      for (const engine of processes) if (engine.child.exitCode === null) await engine.kill();
      await store.destroy();
    }
  });

  it('kill -9 mid-transaction: no acknowledged transaction lost, none stuck after restart and reconciliation', async () => {
    const store = await sharedStore();
    const slowOrders = new Set<string>();
    psp.handler = (request) => {
      const body = (request.body ?? {}) as { orderId?: string; scenario?: string };
      // The PSP takes the slow payments and answers late: the engine dies before it hears back.
      if (request.method === 'POST' && body.scenario === 'slow') return { delayMs: 8_000, body: { id: `pg_${body.orderId}`, state: 'PENDING' } };
      const lookup = /^\/payments\/(ortx\w+)$/.exec(request.path);
      if (request.method === 'GET' && lookup) return { body: { id: `pg_${lookup[1]}`, state: 'SUCCESS' } };
      return testGatewayHandler(request);
    };
    let engine: EngineProcess | undefined;
    try {
      engine = await startEngineProcess(store.env);
      const token = demoTokenOf(engine);
      const environmentId = (await store.query<{ id: string }>('SELECT id FROM $schema.environments'))[0]!.id;
      const gateway = await setUpTestGateway(remoteApp(engine.url), token, environmentId, psp);

      const acknowledged = new Map<string, string>();
      const create = async (orderId: string, scenario: string) => {
        const created = await call(engine!.url, 'POST', '/connxt/v2/transactions', { token, body: depositBody(gateway, { scenario, orderId }) });
        if (created.status === 200) acknowledged.set(created.body.data.txnId as string, created.body.data.status as string);
      };
      for (let i = 0; i < 6; i += 1) await create(`kill-fast-${i}`, i % 2 === 0 ? 'success' : 'redirect');
      const inFlight = Array.from({ length: 4 }, (_, i) => {
        slowOrders.add(`kill-slow-${i}`);
        return create(`kill-slow-${i}`, 'slow').catch(() => undefined); // the connection dies with the engine
      });
      await until('the PSP to hold the slow payments', async () => psp.requests.filter((r) => (r.body as { scenario?: string } | null)?.scenario === 'slow').length === 4);
      await engine.kill();
      await Promise.all(inFlight);
      assert.equal(acknowledged.size, 6);

      engine = await startEngineProcess(store.env);
      for (const [txnId, status] of acknowledged) {
        const read = await call(engine.url, 'GET', `/connxt/v2/transactions/${txnId}`, { token });
        assert.equal(read.status, 200, `acknowledged ${txnId} must survive`);
        assert.ok([status, 'SUCCESS'].includes(read.body.data.status as string), `${txnId}: ${read.body.data.status}`);
      }
      const slow = await store.query<{ id: string; status: string }>(`SELECT id, status FROM $schema.transactions WHERE order_id LIKE 'kill-slow-%'`);
      assert.equal(slow.length, 4, 'each payment the PSP took was stored before the PSP was called');
      await until('reconciliation to settle what the crash left', async () => {
        const open = await store.query<{ n: string }>(
          `SELECT count(*) AS n FROM $schema.transactions WHERE status NOT IN ('SUCCESS', 'FAILED', 'REJECTED', 'ABANDONED', 'PG_ACCEPTED')`,
        );
        return open[0]!.n === '0';
      });
      const settled = await store.query<{ order_id: string; status: string; cause: string }>(
        `SELECT t.order_id, t.status, h.cause FROM $schema.transactions t
           JOIN $schema.transaction_status_history h ON h.transaction_id = t.id AND h.seq = t.version
          WHERE t.order_id LIKE 'kill-slow-%' ORDER BY t.order_id`,
      );
      assert.deepEqual(
        settled.map((row) => [row.order_id, row.status, row.cause]),
        [...slowOrders].sort().map((orderId) => [orderId, 'SUCCESS', 'reconciliation']),
      );
      assert.equal(await engine.stop(), 0, engine.output());
    } finally {
      if (engine !== undefined && engine.child.exitCode === null) await engine.kill();
      psp.handler = testGatewayHandler;
      await store.destroy();
    }
  });
});
