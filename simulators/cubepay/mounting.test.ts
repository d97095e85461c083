import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { pressThrough } from '../../test/conformance/hosted-pages.js';
import { defaultSimulatorOptions } from '../kit/simulator.js';
import { demoCredentials } from './accounts.js';
import { simulator } from './index.js';
import { freePort, paymentRequest } from './test-harness.js';

/**
 * Mounted inside a host app that brings its own body parsers and error handling (as the engine
 * does), the simulator still reads JSON and forms its own way and answers with its own bodies.
 */
describe('Cube Pay simulator mounted in a host app', () => {
  let app: FastifyInstance;
  let base: string;
  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}/simulators/cubepay`;
    app = Fastify();
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, _body, done) => done(new Error('host parser used'), undefined));
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) => done(new Error('host parser used'), undefined));
    app.setErrorHandler(async (_error, _request, reply) => reply.code(418).send({ host: true }));
    await app.register(
      async (simulators) => {
        await simulators.register(simulator.create(defaultSimulatorOptions(base)), { prefix: '/cubepay' });
      },
      { prefix: '/simulators' },
    );
    await app.listen({ host: '127.0.0.1', port });
  });
  after(() => app.close());

  const post = (path: string, body: string) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': demoCredentials.apiKey }, body });

  it('parses JSON with its own parser and answers its own error bodies', async () => {
    const created = await post('/v1/checkout', JSON.stringify(paymentRequest({ provider_id: 210 })));
    assert.equal(created.status, 200);
    const { url } = (await created.json()) as { url: string };
    assert.ok(url.startsWith(`${base}/checkout/`));
    const broken = await post('/v1/checkout', '{"request": ');
    assert.equal(broken.status, 400);
    assert.equal(((await broken.json()) as { code: number }).code, 1025);
    const polluted = await post('/v1/checkout', '{"request": {"__proto__": {"x": 1}}}');
    assert.equal(polluted.status, 400);
    // Hosted-page forms work too.
    await pressThrough(url, 'pay');
  });
});
