import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { storeCases, type TestStore } from '../helpers/stores.js';
import { callbackEndpoints, callbackRoute, endpointName, endpoints } from './endpoints.js';

/**
 * Every route the app serves, as `METHOD /path`, from Fastify's own route tree (HEAD routes are
 * Fastify's automatic twins of GET ones). The tree prints one segment per line, indented four
 * characters per level.
 */
function servedRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (match === null) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '' && m !== 'HEAD')) routes.push(`${method} ${stack.join('')}`);
  }
  return routes.sort();
}

describe('the abuse suite covers every public endpoint', () => {
  let store: TestStore;
  let t: TestEngine;
  before(async () => {
    store = await storeCases()[0]!.create();
    t = await startTestEngine(store);
  });
  after(async () => {
    await t.close();
    await store.destroy();
  });

  it('lists exactly the routes the app serves (a new route must be added to test/abuse/endpoints.ts)', () => {
    const listed = [...endpoints.map(endpointName), ...new Set(callbackEndpoints.map(({ method }) => `${method} ${callbackRoute}`))].sort();
    assert.deepEqual(listed, servedRoutes(t.engine.app.printRoutes({ commonPrefix: false })));
  });
});
