import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { call, startEngineProcess } from '../helpers/engine-process.js';

// Found by the escape corpus: a script that keeps adding to a Map, a Set or an object used as a
// dictionary (not an array: that is a clean "memory" failure) reaches its heap limit inside V8's
// hash-table growth, which isolated-vm cannot contain ("Catastrophic out-of-memory error"). The
// isolate's thread stays parked, so the engine does what it does for any lost isolate: answers,
// logs it, and stops so that its supervisor restarts it. This pins that behaviour down: the
// upload is refused, nothing hangs, and the process ends rather than serving on with a lost thread.
// It runs in an engine process of its own because the process does end.

describe('a runaway Map in an uploaded script', () => {
  it('is refused at upload, then the engine logs the lost isolate and stops to be restarted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'connxt-runaway-'));
    const engine = await startEngineProcess({ CONNXT_DATA_DIR: dataDir });
    const exited = new Promise<void>((resolve) => engine.child.once('exit', () => resolve()));
    try {
      const upload = await call(engine.url, 'POST', '/admin/v1/flow-targets', {
        admin: true,
        body: {
          name: 'Runaway Map',
          credentialSchema: { type: 'object', properties: {} },
          allowedHosts: [],
          actions: { DEPOSIT: { script: 'const seen = new Map();\nfor (let i = 0; ; i++) seen.set(i, i);\nexport async function initiate() {}' } },
        },
      });
      assert.equal(upload.status, 400, JSON.stringify(upload.body));
      const ended = await Promise.race([exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 30_000))]);
      assert.notEqual(ended, 'running', `the engine served on with a lost isolate:\n${engine.output()}`);
      assert.match(engine.output(), /a script isolate failed beyond recovery/);
      assert.match(engine.output(), /engine stopped after a sandbox failure/);
    } finally {
      if (engine.child.exitCode === null && engine.child.signalCode === null) await engine.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
