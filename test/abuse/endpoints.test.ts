import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { servedRoutes } from '../helpers/served-routes.js';
import { storeCases, type TestStore } from '../helpers/stores.js';
import { callbackEndpoints, callbackRoute, endpointName, endpoints } from './endpoints.js';

/**
 * The route tree prints a wildcard route without the static text between its parent node and the
 * `*` (`/docs/static/*` as `/docs/*`, `/dashboard/*` as `/dashboard*`). A listed wildcard route
 * stands for such a printed one when it extends the printed prefix and the app serves it.
 */
function asListed(served: string[], listed: string[], app: FastifyInstance): string[] {
  return served.map((route) => {
    if (!route.endsWith('*') || listed.includes(route)) return route;
    const [method, printed] = route.split(' ') as [string, string];
    const match = listed.find((name) => {
      const [listedMethod, url] = name.split(' ') as [string, string];
      return listedMethod === method && url.endsWith('*') && url.startsWith(printed.slice(0, -1)) && app.hasRoute({ method: method as 'GET', url });
    });
    return match ?? route;
  });
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
    assert.deepEqual(listed, asListed(servedRoutes(t.engine.app).filter((route) => !route.startsWith('HEAD ')), listed, t.engine.app).sort());
  });
});
