import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ProcessGuard } from '../helpers/abuse-process-guard.js';
import { SecretScanner } from '../helpers/abuse-scan.js';
import { adminToken, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { spec } from '../helpers/spec-examples.js';
import { storeCases, type TestStore } from '../helpers/stores.js';
import { crossRun, escapeAttempts, helpers } from './sandbox-escapes.js';

// The corpus again, the whole way: uploaded as a custom flow target with the admin API (whose
// check runs the top level), then run by deposits through POST /connxt/v2/transactions. The
// sandbox path is the same on every store, so this runs on the embedded one only.

const timeoutMs = 600;
const credentialSchema = { type: 'object', required: ['apiKey'], properties: { apiKey: { type: 'string' } } };
const stepAttempts = escapeAttempts.filter((attempt) => attempt.step !== undefined);

/**
 * One script for the whole corpus: each attempt is a function, the deposit's payload says which
 * one runs and with what ctx additions, and its verdict comes back as the message of a FAILED
 * deposit. A script that breaks instead ends the deposit REJECTED with the failure.
 */
const dispatcher = `${helpers}
const attacks = [
${[...stepAttempts.map((attempt) => attempt.step!), crossRun.stash, crossRun.search].map((step) => `  async (ctx, sdk) => {\n${step}\n  },`).join('\n')}
];
export async function initiate(ctx, sdk) {
  const body = ctx.data.body;
  const verdict = await attacks[body.attack]({ ...ctx, ...body.probe }, sdk);
  const text = typeof verdict === "string" ? verdict : JSON.stringify(verdict);
  return sdk.response.success({ status: "FAILED", orderId: ctx.id, userId: "escape", message: String(text).slice(0, 900) });
}
`;

/** Top levels an upload's check runs: each is refused (4001) or harmless, and the engine lives on. */
const uploads: { name: string; script: string; refused: boolean }[] = [
  ...escapeAttempts.filter((attempt) => attempt.module !== undefined).map((attempt) => ({ name: attempt.name, script: attempt.module!, refused: true })),
  { name: 'a loop at the top level', script: 'for (;;) {}\nexport async function initiate() {}', refused: true },
  { name: 'self-scheduling microtasks at the top level', script: 'const again = () => Promise.resolve().then(again); again(); await new Promise(() => {});\nexport async function initiate() {}', refused: true },
  { name: 'a memory bomb at the top level', script: 'const keep = []; for (let i = 0; ; i++) keep.push({ i, s: "x" + i });\nexport async function initiate() {}', refused: true },
  { name: 'Atomics.wait at the top level', script: 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);\nexport async function initiate() {}', refused: true },
  { name: 'process probed at the top level', script: `${helpers}\nconst found = verdict(Function("return this")().process, "top");\nexport async function initiate() { return found; }`, refused: false },
];

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('sandbox escape corpus, uploaded and run through the engine', () => {
  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const apiKey = 'Zq9escape-corpus-api-key-7d1c';
  let store: TestStore;
  let t: TestEngine;
  let trap: { server: http.Server; port: number };
  let redirector: { server: http.Server; port: number };
  const trapHits: string[] = [];
  let guard: ProcessGuard;
  let targetId = '';
  let pspId = '';

  const deposit = (attack: number, probe: Record<string, unknown>) =>
    t.engine.app.inject({
      method: 'POST',
      url: '/connxt/v2/transactions',
      headers: { 'x-secret-token': t.demoToken!, 'content-type': 'application/json' },
      payload: JSON.stringify({
        flowActionId: spec.actions.DEPOSIT,
        flowTargetId: targetId,
        pspId,
        txnCurrency: 'EUR',
        txnAmount: '10.00',
        executePayload: { body: { order: { id: `escape-${attack}-${Math.random()}` }, attack, probe } },
      }),
    });

  before(async () => {
    trap = await listen((req, res) => {
      trapHits.push(`${req.method} ${req.url}`);
      res.end('trapped');
    });
    redirector = await listen((req, res) => {
      const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
      if (to === null || to === 'none') return void res.end('{"here":true}');
      res.writeHead(302, { location: to });
      res.end();
    });
    store = await storeCases()[0]!.create();
    t = await startTestEngine(store, { sandbox: { timeoutMs, maxIsolates: 2, httpTimeoutMs: 500 } });
    guard = new ProcessGuard();
    const created = await t.engine.app.inject({
      method: 'POST',
      url: '/admin/v1/flow-targets',
      headers: admin,
      payload: JSON.stringify({
        name: 'Escape Gateway',
        credentialSchema,
        allowedHosts: ['api.psp.example', `127.0.0.1:${redirector.port}`, `rebind.127.0.0.1.nip.io:${trap.port}`],
        actions: { DEPOSIT: { script: dispatcher } },
      }),
    });
    assert.equal(created.statusCode, 201, created.body);
    const target = created.json().data as { id: string; actions: { name: string; id: string; definition: { id: string } | null }[] };
    targetId = target.id;
    const action = target.actions.find((a) => a.name === 'DEPOSIT')!;
    const psp = await t.engine.app.inject({
      method: 'POST',
      url: '/connxt/v2/psps/external',
      headers: { 'x-secret-token': t.demoToken!, 'content-type': 'application/json' },
      payload: JSON.stringify({
        name: 'Escape PSP',
        credential: JSON.stringify({ apiKey }),
        flowTargetId: targetId,
        operations: [{ flowActionId: action.id, flowDefinitionId: action.definition!.id, status: 'ENABLED' }],
      }),
    });
    assert.equal(psp.statusCode, 200, psp.body);
    pspId = psp.json().data.id;
  });

  after(async () => {
    guard.stop();
    await t.close();
    await store.destroy();
    for (const { server } of [trap, redirector]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses at upload (4001) every script whose top level attacks, and stores the harmless ones', async () => {
    for (const upload of uploads) {
      const res = await t.engine.app.inject({
        method: 'POST',
        url: '/admin/v1/flow-targets',
        headers: admin,
        payload: JSON.stringify({ name: `Upload ${upload.name}`, credentialSchema, allowedHosts: [], actions: { DEPOSIT: { script: upload.script } } }),
      });
      assert.equal(res.statusCode, upload.refused ? 400 : 201, `${upload.name}: ${res.body}`);
      if (upload.refused) assert.match(JSON.stringify(res.json().errors), /"field":"actions\.DEPOSIT\.script"/, `${upload.name}: ${res.body}`);
      assert.doesNotMatch(res.body, /ESCAPED/);
    }
  });

  it('contains every attempt run by a deposit: FAILED with its own verdict, or REJECTED with the failure, never a 5xx', async () => {
    const probe = { trap: `http://127.0.0.1:${trap.port}`, trapPort: trap.port, trapHost: `127.0.0.1:${trap.port}`, redirector: `http://127.0.0.1:${redirector.port}` };
    for (const [index, attempt] of stepAttempts.entries()) {
      const before = t.logs.lines.length;
      const res = await deposit(index, probe);
      for (const line of t.logs.lines.slice(before)) if (line.includes('"level":60') || line.includes('beyond recovery')) console.log('FATAL during', attempt.name, line.slice(0, 300));
      assert.equal(res.statusCode, 200, `${attempt.name}: ${res.body.slice(0, 300)}`);
      assert.doesNotMatch(res.body, /ESCAPED/, attempt.name);
      assert.ok(res.body.length < 256 * 1024, `${attempt.name}: a ${res.body.length}-character answer`);
      const data = res.json().data as { status: string; message: string | null; error: { message: string } | null };
      if (data.status === 'FAILED') assert.ok(attempt.outcomes.includes('answer'), `${attempt.name}: ${data.message}`);
      else assert.ok(data.error !== null && attempt.outcomes.some((outcome) => outcome !== 'answer'), `${attempt.name}: ${data.status} ${JSON.stringify(data.error)}`);
    }
  });

  it('shows a later transaction nothing an earlier one left in the sandbox', async () => {
    const secret = 'SECRET-of-an-earlier-transaction';
    const first = await deposit(stepAttempts.length, { secret });
    assert.equal(first.json().data.message, 'stashed');
    // Two isolates: enough runs that the later ones use the one the first ran in.
    for (let i = 0; i < 4; i++) {
      const later = await deposit(stepAttempts.length + 1, {});
      assert.equal(later.json().data.message, 'contained');
      assert.equal(later.body.includes(secret), false);
    }
  });

  it('lives on: health, no crash, no pollution, nothing reached the trap, no secret in the log', async () => {
    const health = await t.engine.app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(trapHits, []);
    assert.deepEqual(guard.crashes, []);
    assert.deepEqual(guard.pollution(), []);
    const scanner = new SecretScanner();
    scanner.add('PSP credential', apiKey);
    scanner.add('tenant token', t.demoToken!);
    scanner.add('admin token', adminToken);
    assert.deepEqual(scanner.scan('the engine log', t.logs.text), []);
  });
});
