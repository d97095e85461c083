import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redactor } from './redaction.js';
import { Sandbox, type StepRequest } from './sandbox.js';

const script = 'export async function initiate(ctx, sdk) {\n  return sdk.response.success({ status: "PENDING" });\n}\n';

function request(id: number): StepRequest {
  return {
    scriptName: `fld_pool_test@${id}`,
    script,
    step: 'initiate',
    ctx: { id: `t${id}` },
    egress: { allowedHosts: [], hostMap: {} },
    redactor: Redactor.fromCredential({}),
  };
}

describe('isolate pool', () => {
  it('gives back the isolates a burst needed once they have been idle a while, keeping two warm', async () => {
    const sandbox = new Sandbox({ idleRetireMs: 300 });
    try {
      // Started in one tick, so each takes an isolate of its own.
      const reports = await Promise.all([1, 2, 3, 4, 5, 6].map((id) => sandbox.run(request(id))));
      assert.ok(reports.every((report) => report.ok));
      // Slots go back just after the answers.
      for (let i = 0; i < 50 && sandbox.poolSize.idle < 6; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(sandbox.poolSize, { alive: 6, idle: 6, waiting: 0 });

      await new Promise((resolve) => setTimeout(resolve, 800));
      assert.deepEqual(sandbox.poolSize, { alive: 2, idle: 2, waiting: 0 });
      // The two kept still serve.
      assert.ok((await sandbox.run(request(7))).ok);
    } finally {
      sandbox.close();
    }
  });
});
