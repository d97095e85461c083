import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redactor } from './redaction.js';
import { Sandbox } from './sandbox.js';

const run = promisify(execFile);
const poolModule = fileURLToPath(new URL('./isolate-pool.ts', import.meta.url));

/**
 * A child that makes a pool, drops an object only a WeakRef still points at, and asks from an
 * 'exit' listener of its own (registered after the pool's) whether a collection ran at exit.
 */
const child = `
const { IsolatePool } = await import(${JSON.stringify(poolModule)});
new IsolatePool({ heapMb: 8, maxIsolates: 1, preludeSource: '' });
let dropped = { payload: new Array(64).fill(0) };
const ref = new WeakRef(dropped);
dropped = undefined;
await new Promise((resolve) => setImmediate(resolve));
process.on('exit', () => process.stdout.write(ref.deref() === undefined ? 'collected' : 'still there'));
`;

describe('collection at exit', () => {
  // What it prevents, isolated-vm aborting the process at a natural exit (see exit-collection.ts),
  // happens only when V8 is mid-way through marking then, so the test checks the collection itself.
  it('collects garbage in the exit event of a process that made an isolate pool', async () => {
    const { stdout } = await run(process.execPath, ['--no-node-snapshot', '--import', 'tsx', '--input-type=module', '-e', child]);
    assert.equal(stdout, 'collected');
  });

  it('does not hand `gc` to sandboxed scripts', async () => {
    const sandbox = new Sandbox();
    try {
      const report = await sandbox.run({
        scriptName: 'fld_exit_collection@1',
        script: 'export async function initiate(ctx, sdk) {\n  return sdk.response.success({ gc: typeof gc, onGlobal: "gc" in globalThis });\n}\n',
        step: 'initiate',
        ctx: {},
        egress: { allowedHosts: [], hostMap: {} },
        redactor: Redactor.fromCredential({}),
      });
      assert.ok(report.ok, JSON.stringify(report.failure));
      assert.deepEqual(report.value, { __type: 'success', data: { gc: 'undefined', onGlobal: false } });
    } finally {
      sandbox.close();
    }
  });
});
