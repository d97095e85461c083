import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { adminToken, freePort } from './helpers/engine.js';

/** The ```bash block after each `<!-- tour ... -->` marker of the README, in order. */
function tourBlocks(): { marker: string; script: string }[] {
  const readme = readFileSync('README.md', 'utf8');
  return [...readme.matchAll(/<!-- (tour[^>]*) -->[\s\S]*?```bash\n([\s\S]*?)```/g)].map((m) => ({ marker: m[1]!, script: m[2]! }));
}

/** Starts the engine as `npm start` does (without the build step) and waits for its demo banner. */
async function startEngineProcess(dataDir: string): Promise<{ child: ChildProcess; url: string; token: string; output: () => string }> {
  // A real port: the simulators' host map and the callback URLs are built on the public URL.
  const port = await freePort();
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: String(port), CONNXT_DATA_DIR: dataDir, CONNXT_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const token = /export CONNXT_TOKEN=(sec_[0-9A-Za-z]{26})/.exec(output)?.[1];
    const url = /curl -s '(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
    if (token !== undefined && url !== undefined) return { child, url, token, output: () => output };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`engine did not print its demo banner:\n${output}`);
}

describe('README quick start and curl tour', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'connxt-readme-'));
  let engine: Awaited<ReturnType<typeof startEngineProcess>>;

  before(async () => {
    engine = await startEngineProcess(dataDir);
  });
  after(() => {
    if (engine.child.exitCode === null) engine.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the demo token once, and every tour block runs as written', () => {
    assert.equal(engine.output().match(/sec_[0-9A-Za-z]{26}/g)?.length, 1);
    const blocks = tourBlocks();
    assert.equal(blocks.length, 8);
    const expected = [
      ['"code":"200"', '"name":"PSP"', '"definition":null'],
      ['"credential":"***ENCRYPTED***"', '"flowActionName":"DEPOSIT"'],
      ['"status":"DISABLED"'],
      ['"code":"4001"', '"field":"credential.apiKey"', '"code":"4002"'],
      ['"name":"live"', '"EXPIRING"', '"status":"REVOKED"'],
      ['"status":"PG_ACCEPTED"', '"value":"https://pay.example/checkout/ortx', '"txnAmount":"200.00"', '"cause":"api"', '"nextCursor":null'],
      ['"pixCopyAndPaste":"000201', '"status":"SUCCESS"', '"SUCCESS (webhook)"'],
      ['/simulators/cubepay/checkout/', '"status":"SUCCESS"', '"PG_SUCCESS ('],
    ];
    for (const [index, block] of blocks.entries()) {
      const run = spawnSync('bash', ['-euo', 'pipefail', '-c', block.script], {
        env: { ...process.env, CONNXT_URL: engine.url, CONNXT_TOKEN: engine.token, CONNXT_ADMIN_TOKEN: adminToken },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(run.status, 0, `${block.marker} #${index + 1} failed:\n${run.stderr}\n${run.stdout}`);
      const compact = run.stdout.replace(/\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/g, '');
      for (const fragment of expected[index]!) assert.ok(compact.includes(fragment), `${block.marker} #${index + 1}: no ${fragment} in\n${run.stdout}`);
    }
  });

  it('shuts down cleanly on SIGTERM and releases the data directory', async () => {
    const exited = new Promise<number | null>((resolve) => engine.child.once('exit', (code) => resolve(code)));
    engine.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(existsSync(join(dataDir, 'engine.lock')), false);
  });
});

describe('start-up failures', () => {
  it('says in one line that the port is taken, exits 1 and leaves the data directory unlocked', async () => {
    const blocker = (await import('node:net')).createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'connxt-port-'));
    try {
      const run = spawnSync(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'src/main.ts'], {
        env: { ...process.env, PORT: String(port), CONNXT_DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, /^connxt: could not start: .*EADDRINUSE.*\n$/);
      assert.equal(existsSync(join(dataDir, 'engine.lock')), false);
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops on bad configuration with one clear line', () => {
    const run = spawnSync(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: '', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 1);
    assert.equal(run.stderr, 'connxt: NODE_ENV=production requires DATABASE_URL (PostgreSQL)\n');
  });
});

describe('graceful shutdown', () => {
  it('does not let a client that never finishes its request keep the engine alive', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'connxt-slow-'));
    const started = await startEngineProcess(dataDir);
    try {
      const { port } = new URL(started.url);
      const socket = (await import('node:net')).connect(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.on('error', () => undefined);
      // Headers promise a body that never comes.
      socket.write(`POST /connxt/v2/psps/external HTTP/1.1\r\nHost: x\r\nX-SECRET-TOKEN: ${started.token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
      const signalledAt = Date.now();
      started.child.kill('SIGTERM');
      assert.equal(await exited, 0);
      const tookMs = Date.now() - signalledAt;
      assert.ok(tookMs < 15_000, `took ${tookMs} ms`);
      assert.equal(existsSync(join(dataDir, 'engine.lock')), false);
      socket.destroy();
    } finally {
      if (started.child.exitCode === null) started.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
