import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { spawnConnxt } from './helpers/cli.js';
import { freePort } from './helpers/free-port.js';

// `connxt start`: the engine in the foreground, as `npm start` runs it, until SIGTERM.

describe('connxt start', () => {
  it('serves the API, the dashboard and the reference until SIGTERM, then exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'connxt-start-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawnConnxt({ CONNXT_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info', CONNXT_ADMIN_TOKEN: 'start-test-admin-token-0123456789' }, 'start');
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const deadline = Date.now() + 60_000;
      while (!(await fetch(`${url}/ready`).then((res) => res.ok, () => false))) {
        assert.ok(Date.now() < deadline && child.exitCode === null, `connxt start did not become ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.match(output, /export CONNXT_TOKEN=sec_[0-9A-Za-z]{26}/, 'the demo token, printed once on an empty store');
      assert.match(output, /"msg":"Connxt Engine listening"/);
      for (const path of ['/health', '/dashboard/', '/openapi.json', '/metrics']) assert.equal((await fetch(`${url}${path}`)).status, 200, path);
      const brands = await fetch(`${url}/admin/v1/brands`, { headers: { authorization: 'Bearer start-test-admin-token-0123456789' } });
      assert.equal(((await brands.json()) as { data: { name: string }[] }).data[0]?.name, 'Demo');
      child.kill('SIGTERM');
      assert.equal(await exited, 0, output);
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
