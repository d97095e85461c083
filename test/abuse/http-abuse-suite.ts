import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { ProcessGuard } from '../helpers/abuse-process-guard.js';
import { count, newTally, summaryLine, writeReport, type StoreReport } from '../helpers/abuse-report.js';
import { SecretScanner } from '../helpers/abuse-scan.js';
import type { StoreKind } from '../../src/store/db.js';
import { storeCases, type TestStore } from '../helpers/stores.js';
import { createAbuseWorld, type AbuseWorld } from './abuse-world.js';
import { callbackEndpoints, callbackRoute, endpointName, endpoints } from './endpoints.js';
import { callbackPlan, planFor, type Plan } from './request-plans.js';
import { apiAnswerProblem, callbackAnswerProblem, callbackWasStored } from './verdicts.js';

/**
 * How many generated requests each endpoint gets (ABUSE_RUNS). The default is what fits the CI
 * budget on a 2-core box; RELIABILITY.md records a 10,000-per-endpoint run. ABUSE_SEED replays a
 * run; ABUSE_REPORT=<file.json> writes the figures (as <file>.<store>.json, one per store).
 */
const defaultRuns = 800;
const runs = Number(process.env.ABUSE_RUNS ?? defaultRuns);
const seed = process.env.ABUSE_SEED === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.ABUSE_SEED);

/**
 * POST routes whose successful answer hands out a new token or signing secret (and only to this
 * caller). Matched on the request as sent: a request generated for one route may use another method.
 */
const issuingRoutes = [
  '/admin/v1/brands/:brandId/environments',
  '/admin/v1/environments/:environmentId/tokens',
  '/admin/v1/environments/:environmentId/tokens/rotate',
  '/admin/v1/environments/:environmentId/webhook-endpoints',
  '/admin/v1/environments/:environmentId/webhook-endpoints/:endpointId/rotate-secret',
].map((route) => new RegExp(`^${route.replace(/:\w+/g, '[^/?]+')}(?:\\?|$)`));

function issuesSecrets(plan: Plan, res: LightMyRequestResponse): boolean {
  return plan.method === 'POST' && res.statusCode < 300 && issuingRoutes.some((route) => route.test(plan.url));
}

/** Tables whose rows are scanned after the run: everything requests can write. */
const scannedTables = [
  'brands', 'environments', 'secret_tokens', 'psps', 'flow_targets', 'transactions', 'transaction_status_history',
  'transaction_step_runs', 'idempotency_keys', 'merchant_events', 'event_outbox', 'webhook_endpoints', 'inbound_callbacks',
];

function codeOf(res: LightMyRequestResponse): string | undefined {
  if (res.statusCode < 400) return undefined;
  const match = /"code":"(\d+)"/.exec(res.body.slice(0, 200));
  return match?.[1];
}

function send(w: AbuseWorld, plan: Plan): Promise<LightMyRequestResponse> {
  return w.app.inject({
    method: plan.method as 'GET',
    url: plan.url,
    headers: plan.headers,
    ...(plan.payload === undefined ? {} : { payload: plan.payload }),
  });
}

/** The whole suite on one kind of store (one test file each, so that the stores run side by side). */
export function abuseSuite(kind: StoreKind): void {
  const found = storeCases().find((candidate) => candidate.kind === kind);
  if (found === undefined) {
    it(`abuse [${kind}]`, { skip: `no ${kind} store configured (TEST_DATABASE_URL)` }, () => undefined);
    return;
  }
  const storeCase = found;
  describe(`abuse: generated bad input to every public endpoint [${storeCase.kind}]`, () => {
    let store: TestStore;
    let w: AbuseWorld;
    let guard: ProcessGuard;
    let startedAt = 0;
    const report: StoreReport = { store: storeCase.kind, runsPerEndpoint: runs, seed, endpoints: [], totalRequests: 0, wallSeconds: 0, violations: 0, leaks: 0, logLinesScanned: 0 };
    const storedCallbacks = new Map<string, number>();

    before(async () => {
      store = await storeCase.create();
      w = await createAbuseWorld(store);
      guard = new ProcessGuard();
      startedAt = performance.now();
    });
    after(async () => {
      guard.stop();
      await w.close();
      await store.destroy();
      report.wallSeconds = Math.round((performance.now() - startedAt) / 100) / 10;
      writeReport(report);
      console.log(
        `abuse [${storeCase.kind}] ${report.totalRequests} requests to ${report.endpoints.length} endpoints in ${report.wallSeconds} s (seed ${seed}); ` +
          `violations ${report.violations}; leaks ${report.leaks}; log lines scanned ${report.logLinesScanned}`,
      );
    });

    /**
     * Sends `runs` generated requests and fails on the first bad answer (fast-check then shrinks it
     * to a minimal request). Afterwards the log is scanned and the process checked.
     */
    async function abuse(
      name: string,
      plans: fc.Arbitrary<Plan>,
      judge: (plan: Plan, res: LightMyRequestResponse) => string | undefined,
      onAnswer?: (plan: Plan, res: LightMyRequestResponse) => void,
      runShare = 1,
    ) {
      const tally = newTally(name);
      const started = performance.now();
      try {
        await fc.assert(
          fc.asyncProperty(plans, async (plan) => {
            const res = await send(w, plan);
            count(tally, res.statusCode, codeOf(res), plan.credential === 'bad');
            onAnswer?.(plan, res);
            const problem = judge(plan, res) ?? leakIn(name, plan, res);
            if (problem !== undefined) throw new Error(`${problem}; the answer: ${res.statusCode} ${w.scanner.mask(res.body.slice(0, 300))}${loggedError(res)}`);
          }),
          { numRuns: Math.max(1, Math.round(runs * runShare)), seed, includeErrorInReport: true },
        );
      } catch (err) {
        report.violations += 1;
        throw err;
      } finally {
        tally.ms = Math.round(performance.now() - started);
        report.endpoints.push(tally);
        report.totalRequests += tally.requests;
        console.log(summaryLine(storeCase.kind, tally));
      }
      await assertUnharmed(name);
    }

    /** What the engine logged about a failed request (its error message, secrets masked). */
    function loggedError(res: LightMyRequestResponse): string {
      const requestId = String(res.headers['x-request-id']);
      const line = w.t.logs.lines.find((l) => l.includes(requestId) && l.includes('"err"'));
      if (line === undefined) return '';
      const err = (JSON.parse(line) as { err?: { message?: string; stack?: string } }).err;
      return `; logged: ${w.scanner.mask(`${err?.message ?? ''} ${err?.stack?.split('\n').slice(1, 4).join(' ') ?? ''}`)}`;
    }

    function leakIn(name: string, plan: Plan, res: LightMyRequestResponse): string | undefined {
      const issued = issuesSecrets(plan, res) ? SecretScanner.issuedIn(res.body) : [];
      const found = w.scanner.scan(`the answer to ${name}`, `${JSON.stringify(res.headers)}\n${res.body}`, new Set(issued));
      for (const secret of issued) w.scanner.add('a secret issued during the run', secret);
      report.leaks += found.length;
      return found.length > 0 ? `leaked ${found.map((f) => `${f.what} in …${f.context}…`).join(', ')}` : undefined;
    }

    /** The log so far holds no secret; the engine still answers; nothing crashed or got polluted. */
    async function assertUnharmed(name: string) {
      const lines = w.t.logs.lines.splice(0);
      report.logLinesScanned += lines.length;
      const leaks = w.scanner.scan(`the log during ${name}`, lines.join('\n'));
      report.leaks += leaks.length;
      assert.deepEqual(leaks, [], `secrets in the log during ${name}`);
      for (const url of ['/health', '/ready']) {
        const res = await w.app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 200, `${url} after ${name}: ${res.body}`);
      }
      assert.deepEqual(guard.crashes, [], `the process saw these during ${name}`);
      assert.deepEqual(guard.pollution(), [], `prototypes changed during ${name}`);
    }

    for (const endpoint of endpoints) {
      const name = endpointName(endpoint);
      it(`${name}: never a 5xx, a bad credential is a 401, errors in the envelope, nothing leaks`, async () => {
        await abuse(name, planFor(endpoint, w), (plan, res) => apiAnswerProblem(plan, res, w.privateIds, endpoint.successAnswer), undefined, endpoint.runShare);
      });
    }

    for (const { kind, method } of callbackEndpoints) {
      const name = `${method} ${callbackRoute.replace(':kind', kind)}`;
      it(`${name}: never a 5xx, a wrong URL token is a 404 and serves nothing, nothing leaks`, async () => {
        const key = `${kind} ${method}`;
        await abuse(name, callbackPlan(kind, method, w), (plan, res) => callbackAnswerProblem(plan, res, kind), (plan, res) => {
          if (callbackWasStored(plan, res)) storedCallbacks.set(key, (storedCallbacks.get(key) ?? 0) + 1);
        });
      });
    }

    it('stored each callback with a right URL token once, and none with a wrong one', async () => {
      const { rows } = await w.t.db.query<{ kind: string; method: string; n: string }>(
        `SELECT CASE kind WHEN 'redirect' THEN 'r' ELSE 'w' END AS kind, method, count(*) AS n FROM inbound_callbacks GROUP BY 1, 2`,
      );
      const keys = callbackEndpoints.map(({ kind, method }) => `${kind} ${method}`);
      const stored = Object.fromEntries(keys.map((key) => [key, Number(rows.find((row) => `${row.kind} ${row.method}` === key)?.n ?? 0)]));
      // The world settled one deposit with a signed webhook before the run.
      const expected = Object.fromEntries(keys.map((key) => [key, (storedCallbacks.get(key) ?? 0) + (key === 'w POST' ? 1 : 0)]));
      assert.deepEqual(stored, expected);
    });

    it('left no secret or card number in what it stored', async () => {
      for (const table of scannedTables) {
        const { rows } = await w.t.db.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${table} t`);
        const found = rows.flatMap(({ row }) => w.scanner.scan(`a row of ${table}`, row));
        report.leaks += found.length;
        assert.deepEqual(found, [], `secrets stored in ${table}`);
      }
    });
  });
}
