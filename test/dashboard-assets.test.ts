import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { terminalStatuses as engineTerminalStatuses, transactionStatuses } from '../src/transactions/status.js';
import { startTestEngine, type TestEngine } from './helpers/engine.js';
import { storeCases, type TestStore } from './helpers/stores.js';

// How the engine serves the dashboard: no build step, every module it imports resolvable, and a
// Content-Security-Policy that lets the page run only its own scripts and talk only to its origin.

describe('dashboard assets', () => {
  let store: TestStore;
  let t: TestEngine;
  const get = (url: string) => t.engine.app.inject({ method: 'GET', url });

  before(async () => {
    store = await storeCases()[0]!.create();
    t = await startTestEngine(store);
  });
  after(async () => {
    await t.close();
    await store.destroy();
  });

  it('sends /dashboard to /dashboard/ and serves the page with a strict policy', async () => {
    const redirect = await get('/dashboard');
    assert.equal(redirect.statusCode, 302);
    assert.equal(redirect.headers.location, '/dashboard/');

    const page = await get('/dashboard/');
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    const policy = String(page.headers['content-security-policy']);
    for (const directive of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) assert.ok(policy.includes(directive), policy);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.doesNotMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script: the policy would block it');
  });

  it('serves every module the page imports, transitively, as JavaScript', async () => {
    const seen = new Set<string>();
    const pending = ['/dashboard/js/app.js', '/dashboard/styles.css'];
    while (pending.length > 0) {
      const url = pending.pop()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const res = await get(url);
      assert.equal(res.statusCode, 200, `${url}: ${res.statusCode}`);
      if (!url.endsWith('.js')) continue;
      assert.match(String(res.headers['content-type']), /javascript/, url);
      for (const [, specifier] of res.body.matchAll(/^import [^'"]*'([^']+)';$/gm)) pending.push(new URL(specifier!, `http://x${url}`).pathname);
    }
    assert.ok(seen.size >= 15, `only ${seen.size} files reached`);
  });

  it("knows the engine's transaction statuses and which of them are final", async () => {
    const format = (await get('/dashboard/js/format.js')).body;
    const listed = (name: string) => [...(new RegExp(`${name} = (?:new Set\\()?\\[([^\\]]*)\\]`).exec(format)?.[1] ?? '').matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
    assert.deepEqual(listed('transactionStatuses'), [...transactionStatuses]);
    assert.deepEqual(listed('terminalStatuses'), [...engineTerminalStatuses]);
  });

  it('answers the API envelope for a missing file, and nothing outside its folder', async () => {
    for (const url of ['/dashboard/nope.js', '/dashboard/../package.json', '/dashboard/%2e%2e/package.json', '/dashboard/..%2fsrc%2fconfig.ts', '/dashboard/.git/config']) {
      const res = await get(url);
      assert.ok([400, 403, 404].includes(res.statusCode), `${url}: ${res.statusCode}`);
      assert.match(res.json().code, /^400[14]$/, `${url}: answered in the API envelope`);
      assert.doesNotMatch(res.body, /"name": "connxt-engine"|loadConfig/, url);
    }
    const missing = await get('/dashboard/nope.js');
    assert.equal(missing.json().code, '4004');
  });
});
