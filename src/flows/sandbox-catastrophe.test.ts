import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redactor } from './redaction.js';
import { Sandbox } from './sandbox.js';

// In a file of its own: without the handler, this script aborts the whole process it runs in.
describe('an isolate V8 loses control of', () => {
  it('is reported to onCatastrophicError while the process lives on and the run fails cleanly', async () => {
    const reported: string[] = [];
    const sandbox = new Sandbox({ timeoutMs: 3_000, heapMb: 32, onCatastrophicError: (message) => reported.push(message) });
    try {
      const started = Date.now();
      const report = await sandbox.run({
        scriptName: 'catastrophe',
        // One 400 MB backing store, far past the 32 MB limit: V8 fails inside the allocation.
        script: 'export async function initiate() { const a = new Array(5e7); for (let i = 0; i < a.length; i++) a[i] = 1.5; return a.length; }',
        step: 'initiate',
        ctx: {},
        egress: { allowedHosts: [], hostMap: {} },
        redactor: new Redactor([]),
      });
      assert.equal(report.ok, false);
      assert.ok(report.failure?.kind === 'memory' || report.failure?.kind === 'timeout', JSON.stringify(report.failure));
      assert.ok(Date.now() - started < 5_000, 'the run was answered by its deadline');
      assert.equal(reported.length, 1, 'the engine was told');
    } finally {
      sandbox.close();
    }
  });
});
