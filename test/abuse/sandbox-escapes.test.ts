import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Redactor } from '../../src/flows/redaction.js';
import { Sandbox } from '../../src/flows/sandbox.js';
import { ProcessGuard } from '../helpers/abuse-process-guard.js';
import { assertContained, crossRun, escapeAttempts, moduleOf } from './sandbox-escapes.js';

// Every attempt of the corpus through the real sandbox (real isolates, real sockets): each one is
// contained, the process lives on, nothing of the host leaks in, and nothing reaches the trap.

const timeoutMs = 600;

/** A server that must never be reached, and an allowed one that redirects wherever `?to=` says. */
async function listen(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('sandbox escape corpus, run in the sandbox', () => {
  let trap: { server: http.Server; port: number };
  let redirector: { server: http.Server; port: number };
  const trapHits: string[] = [];
  let box: Sandbox;
  let guard: ProcessGuard;

  before(async () => {
    trap = await listen((req, res) => {
      trapHits.push(`${req.method} ${req.url}`);
      res.end('trapped');
    });
    redirector = await listen((req, res) => {
      if (req.url === '/echo') {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        return void req.on('end', () => res.end(Buffer.concat(chunks).toString('hex')));
      }
      const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
      if (to === null || to === 'none') return void res.end('{"here":true}');
      res.writeHead(302, { location: to });
      res.end();
    });
    box = new Sandbox({ heapMb: 32, timeoutMs, maxIsolates: 4, httpTimeoutMs: 500 });
    guard = new ProcessGuard();
  });

  after(async () => {
    guard.stop();
    box.close();
    for (const { server } of [trap, redirector]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  describe('each attempt is contained and answered by its deadline', { concurrency: 4 }, () => {
    for (const attempt of escapeAttempts) {
      it(`${attempt.category}: ${attempt.name}`, async () => {
      const started = Date.now();
      const report = await box.run({
        scriptName: `escape-${attempt.category}@1`,
        script: moduleOf(attempt),
        step: 'initiate',
        ctx: { trap: `http://127.0.0.1:${trap.port}`, trapPort: trap.port, trapHost: `127.0.0.1:${trap.port}`, redirector: `http://127.0.0.1:${redirector.port}` },
        egress: { allowedHosts: ['api.psp.example', `127.0.0.1:${redirector.port}`, `rebind.127.0.0.1.nip.io:${trap.port}`], hostMap: {} },
        redactor: new Redactor([]),
      });
      assertContained(attempt, report);
      // The answer comes by the deadline, whatever the script does (a little slack for a busy box).
      assert.ok(Date.now() - started < timeoutMs + 3_000, `${attempt.name} was answered after ${Date.now() - started} ms`);
      });
    }
  });

  // A SharedArrayBuffer that crossed still shared was freed with its isolate while the host held
  // it: the engine process crashed (SIGSEGV, heap corruption) some runs later. Now it crosses as a
  // copy, so a write after the call is not what the host sends.
  it('shared-memory: bytes handed to the host are a copy taken at the call, never memory the script still writes to', async () => {
    const report = await box.run({
      scriptName: 'shared@1',
      script: `export async function initiate(ctx, sdk) {
        const shared = new Uint8Array(new SharedArrayBuffer(4));
        const pending = sdk.http.post(ctx.redirector + "/echo", { body: shared, headers: { "content-type": "application/octet-stream" } });
        shared[0] = 0x41;
        return (await pending).data;
      }`,
      step: 'initiate',
      ctx: { redirector: `http://127.0.0.1:${redirector.port}` },
      egress: { allowedHosts: [`127.0.0.1:${redirector.port}`], hostMap: {} },
      redactor: new Redactor([]),
    });
    assert.equal(report.value, '00000000', JSON.stringify(report.failure));
  });

  it('cross-run: a later run in the same isolate finds nothing an earlier one left behind', async () => {
    const single = new Sandbox({ heapMb: 32, timeoutMs, maxIsolates: 1 });
    try {
      const run = (step: string, ctx: Record<string, unknown>) =>
        single.run({ scriptName: 'cross-run@1', script: `export async function initiate(ctx, sdk) {\n${step}\n}`, step: 'initiate', ctx, egress: { allowedHosts: [], hostMap: {} }, redactor: new Redactor([]) });
      assert.equal((await run(crossRun.stash, { secret: 'SECRET-of-the-first-transaction' })).value, 'stashed');
      const found = await run(crossRun.search, {});
      assert.equal(found.value, 'contained');
      assert.equal(single.poolSize.alive, 1, 'both runs used the one isolate');
    } finally {
      single.close();
    }
  });

  it('left the host untouched: no request reached the trap, no crash, no pollution, and the sandbox still runs scripts', async () => {
    assert.deepEqual(trapHits, []);
    assert.deepEqual(guard.crashes, []);
    assert.deepEqual(guard.pollution(), []);
    const report = await box.run({
      scriptName: 'after@1',
      script: 'export async function initiate(ctx, sdk) { return sdk.response.success({ fine: typeof globalThis.process }); }',
      step: 'initiate',
      ctx: {},
      egress: { allowedHosts: [], hostMap: {} },
      redactor: new Redactor([]),
    });
    assert.deepEqual(report.value, { __type: 'success', data: { fine: 'undefined' } });
    assert.ok(box.poolSize.alive <= 4, JSON.stringify(box.poolSize));
  });
});
