/**
 * GET /metrics after real work: a Sticpay deposit paid on the simulator's hosted page (real HTTP
 * both ways, callbacks included), merchant webhooks delivered to a real receiver and refused by
 * another, a pending deposit due for reconciliation, and a store that stalls during a scrape. The
 * scrape is read over HTTP and parsed; counts are compared with what the engine stored. The same
 * run's log lines are checked for the request and transaction ids.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomBase62 } from '../src/ids.js';
import { runEngine } from '../src/run-engine.js';
import { driver } from './conformance/drivers/sticpay.js';
import { knownTransaction, type KnownTransaction } from './conformance/driver.js';
import { startSimulator, waitForStatus, type RunningSimulator } from './conformance/harness.js';
import { adminToken, freePort, startTestEngine, type TestEngine } from './helpers/engine.js';
import { call as callEngine } from './helpers/engine-process.js';
import { spec } from './helpers/spec-examples.js';
import { storeCases, withClient, type TestStore } from './helpers/stores.js';

const minute = 60_000;

/** The engine's clock: real time plus an offset the test moves forward. */
class FakeClock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/** A merchant's webhook receiver on loopback answering every delivery with `status`. */
class Receiver {
  received = 0;
  #server: Server | undefined;

  constructor(private readonly status: number) {}

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.received += 1;
        res.writeHead(this.status).end();
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

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, sample lines only: `name{a="x",b="y"} 12`. */
function parseScrape(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `a sample line: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the sample with exactly these labels; undefined when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const want = JSON.stringify(Object.entries(labels).sort());
  return samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want)?.value;
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

for (const storeCase of storeCases()) {
  describe(`metrics and log ids [${storeCase.kind}]`, () => {
    const clock = new FakeClock();
    const delivered = new Receiver(200);
    const refusing = new Receiver(503);
    let store: TestStore;
    let t: TestEngine;
    let sim: RunningSimulator;
    let pspId: string;
    let credential: Record<string, unknown>;
    let paid: KnownTransaction & { status: string };
    /** Left PG_ACCEPTED and due by the backlog test; settled by the race test. */
    let pending: KnownTransaction & { status: string };
    const requestId = `metrics-${randomBase62(8)}`;
    const secrets: string[] = [];

    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const { status, body: answer } = await callEngine(t.baseUrl, method, path, { token: t.demoToken!, body, headers });
      assert.ok(status >= 200 && status < 300, `${method} ${path} → ${status}: ${JSON.stringify(answer)}`);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return answer.data as Record<string, any>;
    };
    const scrape = async () => {
      const response = await fetch(`${t.baseUrl}/metrics`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      const text = await response.text();
      return { text, samples: parseScrape(text) };
    };
    const deposit = async (headers: Record<string, string> = {}) => {
      const request = driver.depositRequest();
      const body = { pspId, flowActionId: spec.actions.DEPOSIT, flowTargetId: driver.targetId, ...request };
      return knownTransaction(await call('POST', '/connxt/v2/transactions', body, headers), request);
    };
    const transactionLabels = { action: 'DEPOSIT', target: driver.targetId };

    before(async () => {
      store = await storeCase.create();
      t = await startTestEngine(store, {
        clock,
        listen: true,
        sandbox: { timeoutMs: 8_000, httpTimeoutMs: 1_500 },
        // The janitor's first pass runs at start, then not again during the test: the pending
        // deposit below stays due. A refused delivery is retried only after the test is over.
        background: { janitorIntervalMs: 60 * minute, deliveryRetry: { retryLimit: 1, retryDelaySeconds: 600, backoff: false } },
      });
      sim = await startSimulator(driver.name);
      const admin = { authorization: `Bearer ${adminToken}` };
      const environmentId = t.engine.demo!.environmentId;
      await call('PATCH', `/admin/v1/environments/${environmentId}`, { hostMap: Object.fromEntries(sim.origins.map((o) => [o, sim.baseUrl])) }, admin);
      const target = (await t.engine.services.catalog.snapshot()).targets.get(driver.targetId)!;
      const operations = [{ flowActionId: spec.actions.DEPOSIT, flowDefinitionId: target.definitions.get(spec.actions.DEPOSIT)!.id, status: 'ENABLED' }];
      credential = await driver.credential(sim.client);
      pspId = (await call('POST', '/connxt/v2/psps/external', { name: 'Metrics', credential: JSON.stringify(credential), flowTargetId: driver.targetId, operations })).id;
      for (const receiver of [delivered, refusing]) {
        const url = await receiver.start();
        const endpoint = await call('POST', `/admin/v1/environments/${environmentId}/webhook-endpoints`, { url, events: ['transaction.succeeded'] }, admin);
        secrets.push(url, endpoint.secret);
      }
      secrets.push(t.demoToken!, adminToken, sim.baseUrl, environmentId, pspId, ...Object.values(credential).map(String));
    });
    after(async () => {
      await t?.close();
      await sim?.app.close();
      await delivered.stop();
      await refusing.stop();
      await store?.destroy();
    });

    it('counts a paid deposit, its scripts, its gateway calls and its webhook deliveries exactly', async () => {
      paid = await deposit({ 'x-request-id': requestId });
      await driver.payer(paid, 'pay', sim.client);
      await waitForStatus(async () => call('GET', `/connxt/v2/transactions/${paid.id}`) as Promise<{ status: string }>, (s) => s === 'SUCCESS', 'the paid deposit');
      // Both callbacks (the payer's return and the gateway's notification) have run their steps,
      // and both endpoints have had their one attempt recorded.
      await until('both callbacks processed', async () => {
        const { rows } = await t.db.query<{ n: string }>(
          "SELECT count(DISTINCT kind) AS n FROM inbound_callbacks WHERE transaction_id = $1 AND state <> 'received'",
          [paid.id],
        );
        return rows[0]!.n === '2';
      });
      await until('one attempt per endpoint recorded', async () => {
        const { rows } = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM webhook_delivery_attempts');
        return rows[0]!.n === '2';
      });
      const { text, samples } = await scrape();

      // Transactions: one created; each status entered as often as the history has it.
      assert.equal(valueOf(samples, 'connxt_transactions_created_total', transactionLabels), 1);
      const { history } = (await call('GET', `/connxt/v2/transactions/${paid.id}`)) as { history: { status: string }[] };
      assert.equal(history[0]!.status, 'NEW');
      assert.equal(history.at(-1)!.status, 'SUCCESS');
      const entered = new Map<string, number>();
      for (const { status } of history) entered.set(status, (entered.get(status) ?? 0) + 1);
      for (const [status, times] of entered) {
        assert.equal(valueOf(samples, 'connxt_transaction_status_changes_total', { ...transactionLabels, status }), times, status);
      }
      assert.equal(samples.filter((s) => s.name === 'connxt_transaction_status_changes_total').length, entered.size, 'no status it did not enter');

      // Scripts: one duration per step run the engine stored, by step and outcome.
      const { rows: runs } = await t.db.query<{ step: string; ok: boolean; failure_kind: string | null; meta: { http: Record<string, { response: { status: number } | null; error?: string }> } }>(
        'SELECT step, ok, failure_kind, meta FROM transaction_step_runs WHERE transaction_id = $1',
        [paid.id],
      );
      assert.deepEqual(runs.map((r) => r.step).sort(), ['initiate', 'redirect', 'webhook']);
      const runsBy = new Map<string, number>();
      for (const run of runs) {
        const key = JSON.stringify([run.step, run.ok ? 'ok' : run.failure_kind]);
        runsBy.set(key, (runsBy.get(key) ?? 0) + 1);
      }
      for (const [key, times] of runsBy) {
        const [step, outcome] = JSON.parse(key) as [string, string];
        const labels = { target: driver.targetId, action: 'DEPOSIT', step, outcome };
        assert.equal(valueOf(samples, 'connxt_script_duration_seconds_count', labels), times, key);
        assert.ok(valueOf(samples, 'connxt_script_duration_seconds_sum', labels)! > 0);
      }
      assert.equal(valueOf(samples, 'connxt_script_duration_seconds_count', { target: driver.targetId, action: 'DEPOSIT', step: 'initiate', outcome: 'ok' }), 1);

      // Gateway calls: one latency per HTTP exchange the step runs recorded, by status.
      const callsBy = new Map<string, number>();
      for (const run of runs) {
        for (const exchange of Object.values(run.meta.http)) {
          const status = exchange.response === null ? (/timed out/.test(exchange.error ?? '') ? 'timeout' : 'error') : String(exchange.response.status);
          callsBy.set(status, (callsBy.get(status) ?? 0) + 1);
        }
      }
      assert.ok((callsBy.get('200') ?? 0) >= 1, 'the deposit called the gateway');
      for (const [status, times] of callsBy) {
        assert.equal(valueOf(samples, 'connxt_gateway_request_duration_seconds_count', { target: driver.targetId, status }), times, status);
      }
      assert.equal(samples.filter((s) => s.name === 'connxt_gateway_request_duration_seconds_count').length, callsBy.size);

      // Webhooks: the receiver that answered 200 got its one delivery, the other refused it once.
      assert.equal(delivered.received, 1);
      assert.equal(refusing.received, 1);
      assert.equal(valueOf(samples, 'connxt_webhook_delivery_lag_seconds_count'), 1);
      assert.ok(valueOf(samples, 'connxt_webhook_delivery_lag_seconds_sum')! >= 0);
      assert.equal(valueOf(samples, 'connxt_webhook_delivery_failures_total', { reason: 'http_5xx' }), 1);
      assert.equal(samples.filter((s) => s.name === 'connxt_webhook_delivery_failures_total').length, 1);

      // Node's own process metrics are there; the settled deposit is not due for a check.
      assert.ok(valueOf(samples, 'process_cpu_user_seconds_total')! > 0);
      assert.ok(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds'));
      assert.equal(valueOf(samples, 'connxt_reconciliation_backlog'), 0);

      // Nothing of a tenant's, no credential, token or URL in the scrape.
      for (const secret of [...secrets, paid.id, paid.pspTxnId ?? 'no psp id']) assert.equal(text.includes(secret), false, `the scrape holds ${secret.slice(0, 12)}…`);
      assert.doesNotMatch(text, /:\/\/|ortx[0-9A-Za-z]{12}|(brn|env|psp|tok|evt|whe)_[0-9A-Za-z]{26}/);
    });

    it('shows a pending deposit in the backlog once its check is due, and keeps the last count while the store stalls', async () => {
      pending = await deposit();
      assert.equal(pending.status, 'PG_ACCEPTED');
      assert.equal(valueOf((await scrape()).samples, 'connxt_reconciliation_backlog'), 0, 'not due yet');
      clock.offsetMs += 61_000; // past the first check (60 s after its last change)
      assert.equal(valueOf((await scrape()).samples, 'connxt_reconciliation_backlog'), 1);

      // A writer holds the table: the count waits, and the scrape answers the last one after 1 s.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      const holder = t.db.transaction(async (tx) => {
        await tx.query('LOCK TABLE transactions IN ACCESS EXCLUSIVE MODE');
        locked();
        await held;
      });
      await lockTaken;
      try {
        const started = Date.now();
        const { samples } = await scrape();
        assert.equal(valueOf(samples, 'connxt_reconciliation_backlog'), 1);
        assert.ok(Date.now() - started < 3_000, 'the scrape did not wait for the store');
        assert.ok(t.logs.lines.some((line) => line.includes('reconciliation backlog not counted')), 'a warning was logged');
      } finally {
        release();
        await holder;
      }
    });

    it('counts a status once when several callbacks race to apply it (the losers wrote nothing)', async () => {
      assert.equal(valueOf((await scrape()).samples, 'connxt_transaction_status_changes_total', { ...transactionLabels, status: 'SUCCESS' }), 1);
      await driver.settleDeposit(pending, sim.client);
      // Unsigned notifications are triggers (the step asks the gateway): distinct bodies, so none
      // is a duplicate of another, all sent at once while the deposit is still PG_ACCEPTED.
      const webhookUrl = t.engine.services.executor.callbackUrls(pending.id).webhook;
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => {
          const callback = JSON.stringify({ type: 'pay', code: 200, message: `trigger ${i}`, parameters: JSON.stringify({ order_no: pending.id }) });
          return fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ callback }) });
        }),
      );
      assert.deepEqual(answers.map((a) => a.status), Array(6).fill(200));
      await waitForStatus(async () => call('GET', `/connxt/v2/transactions/${pending.id}`) as Promise<{ status: string }>, (s) => s === 'SUCCESS', 'the settled deposit');
      const { history } = (await call('GET', `/connxt/v2/transactions/${pending.id}`)) as { history: { status: string }[] };
      assert.equal(history.filter((h) => h.status === 'SUCCESS').length, 1);
      const { samples } = await scrape();
      for (const status of ['PG_SUCCESS', 'SUCCESS']) {
        assert.equal(valueOf(samples, 'connxt_transaction_status_changes_total', { ...transactionLabels, status }), 2, status);
      }
      assert.equal(valueOf(samples, 'connxt_reconciliation_backlog'), 0, 'settled, the deposit is no longer due');
    });

    it('logs the request id on the request lines and the transaction id on every line about the transaction', () => {
      const lines = t.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const requestLines = lines.filter((line) => line.requestId === requestId);
      // Fastify's own lines, and the service's line written while handling the request.
      assert.deepEqual(requestLines.map((line) => line.msg), ['incoming request', 'transaction initiated', 'request completed']);
      assert.equal(requestLines[1]!.txnId, paid.id);
      assert.equal((requestLines[0]!.req as { url: string }).url, '/connxt/v2/transactions');
      assert.equal(lines.filter((line) => (line.req as { url?: string } | undefined)?.url === '/metrics').length, 0, 'scrapes are not logged');
      const transactionLines = lines.filter((line) => line.txnId === paid.id).map((line) => line.msg);
      assert.ok(transactionLines.includes('transaction initiated'), JSON.stringify(transactionLines));
      assert.equal(transactionLines.filter((msg) => msg === 'callback processed').length, 2);
      assert.equal(transactionLines.filter((msg) => msg === 'webhook delivery attempt').length, 2);
      // Every line about it but the request lines (whose URLs name it) carries its id as txnId.
      const untagged = lines.filter((line) => line.requestId === undefined && line.txnId !== paid.id && JSON.stringify(line).includes(paid.id));
      assert.deepEqual(untagged.map((line) => line.msg), []);
    });
  });
}

describe('CONNXT_METRICS_TOKEN', () => {
  const metricsToken = 'scrape-token-0123456789abcdefghij';
  let store: TestStore;
  let t: TestEngine;
  before(async () => {
    store = await storeCases()[0]!.create();
    t = await startTestEngine(store, { metricsToken });
  });
  after(async () => {
    await t?.close();
    await store?.destroy();
  });

  it('makes /metrics ask for it as a bearer token, and leaves /health public', async () => {
    const scrape = (authorization?: string) =>
      t.engine.app.inject({ method: 'GET', url: '/metrics', ...(authorization === undefined ? {} : { headers: { authorization } }) });
    for (const refused of [undefined, 'Bearer wrong-token-0123456789abcdefghij', metricsToken, `Bearer ${adminToken}`]) {
      const answer = await scrape(refused);
      assert.equal(answer.statusCode, 401, String(refused));
      const body = answer.json() as { code: string; message: string };
      assert.equal(body.code, '4002');
      assert.equal(body.message, 'Authentication required: send Authorization: Bearer <metrics token>');
      assert.ok(!answer.body.includes(metricsToken.slice(0, 12)), 'the answer does not echo the token');
    }
    const allowed = await scrape(`Bearer ${metricsToken}`);
    assert.equal(allowed.statusCode, 200);
    assert.match(allowed.body, /# TYPE connxt_transactions_created_total counter/);
    assert.equal((await t.engine.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  });

  it('is documented as optional bearer auth on /metrics, with its 401', async () => {
    const document = (await t.engine.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    assert.deepEqual(document.paths['/metrics']!.get!.security, [{ metricsToken: [] }, {}]);
    assert.ok(document.paths['/metrics']!.get!.responses['401']);
    assert.deepEqual(document.components.securitySchemes.metricsToken, {
      type: 'http',
      scheme: 'bearer',
      description: 'The scrape token, `CONNXT_METRICS_TOKEN`. Without it configured, /metrics is public.',
    });
  });
});

describe('a worker process serves /health, /ready and /metrics (with its token) on PORT', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL (PostgreSQL)' }, () => {
  it('answers probes and a scrape, and no API route', async () => {
    const url = process.env.TEST_DATABASE_URL!;
    const schema = `connxt_worker_${randomBase62(10).toLowerCase()}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'connxt-worker-'));
    await withClient(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
    const port = await freePort();
    const engine = await runEngine({
      NODE_ENV: 'production',
      CONNXT_ROLE: 'worker',
      DATABASE_URL: `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      CONNXT_JOBS_SCHEMA: `${schema}_jobs`,
      CONNXT_MASTER_KEY: randomBytes(32).toString('base64'),
      CONNXT_PUBLIC_URL: 'https://pay.example.com',
      CONNXT_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      CONNXT_METRICS_TOKEN: 'worker-scrape-token-0123456789abcdef',
    });
    try {
      assert.ok(engine, 'the worker started');
      const base = `http://127.0.0.1:${port}`;
      assert.equal((await fetch(`${base}/health`)).status, 200);
      assert.equal((await fetch(`${base}/ready`)).status, 200);
      assert.equal((await fetch(`${base}/metrics`)).status, 401, 'CONNXT_METRICS_TOKEN is asked for');
      const metrics = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer worker-scrape-token-0123456789abcdef' } });
      assert.equal(metrics.status, 200);
      const text = await metrics.text();
      assert.equal(valueOf(parseScrape(text), 'connxt_reconciliation_backlog'), 0);
      assert.match(text, /# TYPE connxt_webhook_delivery_failures_total counter/);
      assert.equal((await fetch(`${base}/connxt/v2/flow-types/definitions?type=PSP`)).status, 404);
    } finally {
      await engine?.close();
      await withClient(url, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE; DROP SCHEMA ${schema} CASCADE`));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
