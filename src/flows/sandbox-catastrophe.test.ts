import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';

// Run in a child process: an isolate V8 loses control of leaves a parked thread behind, and
// without the handler it aborts the whole process it runs in.
describe('an isolate V8 loses control of', () => {
  it('is reported to onCatastrophicError while the process lives on and runs fail cleanly', async () => {
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'test/fixtures/sandbox-catastrophe-child.ts'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, sig) => resolve(sig)));
    // Killed by itself after printing; an abort (SIGABRT) would mean V8 took the process down.
    assert.equal(signal, 'SIGKILL', `child ended by ${String(signal)}:\n${stdout}\n${stderr}`);
    const result = JSON.parse(stdout.trim()) as { failure: { kind: string }; ms: number; reported: number; after: unknown };
    assert.ok(['memory', 'timeout'].includes(result.failure.kind), stdout);
    assert.ok(result.ms < 5_000, 'the run was answered by its deadline');
    assert.equal(result.reported, 1, 'the engine was told');
    assert.deepEqual(result.after, { __type: 'success', data: { fine: true } }, 'the sandbox still runs scripts');
  });
});
