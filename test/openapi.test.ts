import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { createEngine, type Engine } from '../src/engine.js';
import { createLogger } from '../src/logger.js';
import { packageRoot } from '../src/paths.js';
import { createPspSchema, updatePspSchema } from '../src/psps/psp-input.js';
import { createTransactionSchema } from '../src/transactions/transaction-input.js';
import { adminToken, LogCapture } from './helpers/engine.js';
import { spec, specCreatePspBody } from './helpers/spec-examples.js';
import { storeCases, type TestStore } from './helpers/stores.js';
import { servedRoutes } from './helpers/served-routes.js';

/**
 * The OpenAPI document (/openapi.json) against the app that serves it: no route is served without
 * being documented or documented without being served, the document is valid OpenAPI 3.1, every
 * example fits its schema, and the spec's three operations carry the spec's own examples.
 */

type Json = Record<string, unknown>;
type Operation = { security?: Json[]; tags?: string[]; parameters?: Json[]; requestBody?: Json; responses: Record<string, Json> };
type Document = { openapi: string; info: Json; servers?: Json[]; paths: Record<string, Record<string, Operation>>; components?: Json };

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const publicUrl = 'https://connxt.example.com';
const methods = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * What is served but deliberately not an API operation: HEAD (Fastify's twin of every GET), the
 * reference UI itself (its page, its copy of this document at /docs/json and /docs/yaml, its
 * assets), the dashboard's static-file wildcard (GET /dashboard, which leads there, is documented;
 * the route tree prints the wildcard as `/dashboard*`) and the gateway simulators.
 */
function isUndocumentedByDesign(route: string): boolean {
  const [method, path] = route.split(' ') as [string, string];
  if (method === 'HEAD') return true;
  return path === '/docs' || path.startsWith('/docs/') || /^\/dashboard\/?\*$/.test(path) || path.startsWith('/simulators/');
}

const operationsOf = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    methods.filter((method) => item[method] !== undefined).map((method) => ({ method, path, operation: item[method]! })),
  );

function find(document: Document, method: string, path: string): Operation {
  const operation = document.paths[path]?.[method];
  assert.ok(operation, `${method.toUpperCase()} ${path} is documented`);
  return operation;
}

const jsonMedia = (body: Json | undefined) => (body?.content as Record<string, Json> | undefined)?.['application/json'];
const exampleValue = (media: Json | undefined, name: string) => ((media?.examples as Record<string, { value: unknown }>)[name] ?? assert.fail(`example ${name}`)).value;

/** Every (schema, example) pair the document holds: media and parameter examples, and `examples` inside schemas. */
function examplesIn(document: Document): { where: string; schema: unknown; example: unknown }[] {
  const found: { where: string; schema: unknown; example: unknown }[] = [];
  const walkSchema = (schema: unknown, where: string) => {
    if (typeof schema !== 'object' || schema === null) return;
    if (Array.isArray(schema)) return schema.forEach((item, i) => walkSchema(item, `${where}/${i}`));
    const record = schema as Json;
    if (Array.isArray(record.examples)) record.examples.forEach((example, i) => found.push({ where: `${where} examples[${i}]`, schema, example }));
    for (const [key, value] of Object.entries(record)) {
      if (key === 'properties' || key === '$defs') for (const [name, sub] of Object.entries(value as Json)) walkSchema(sub, `${where}/${name}`);
      else if (['items', 'additionalProperties', 'anyOf', 'oneOf', 'allOf', 'not', 'prefixItems'].includes(key)) walkSchema(value, `${where}/${key}`);
    }
  };
  const walkMedia = (media: Json, where: string) => {
    walkSchema(media.schema, where);
    if ('example' in media) found.push({ where: `${where} example`, schema: media.schema, example: media.example });
    for (const [name, example] of Object.entries((media.examples ?? {}) as Record<string, { value: unknown }>)) {
      found.push({ where: `${where} examples.${name}`, schema: media.schema, example: example.value });
    }
  };
  for (const { method, path, operation } of operationsOf(document)) {
    const where = `${method.toUpperCase()} ${path}`;
    for (const parameter of operation.parameters ?? []) walkMedia(parameter, `${where} parameter ${String(parameter.name)}`);
    for (const [type, media] of Object.entries((operation.requestBody?.content ?? {}) as Record<string, Json>)) walkMedia(media, `${where} body ${type}`);
    for (const [status, response] of Object.entries(operation.responses)) {
      for (const [type, media] of Object.entries((response.content ?? {}) as Record<string, Json>)) walkMedia(media, `${where} ${status} ${type}`);
    }
  }
  return found;
}

/**
 * spec/001 is the project's specification, kept outside the repository (/work/shared/spec beside it,
 * or CONNXT_SPEC_DIR). Its examples are the JSON blocks of the text; request bodies are the curl
 * `--data` of its bash blocks. Where the spec elides (`{ ... }`, a `...` line) the elision is read
 * as nothing, as src/http/openapi/spec-examples.ts does.
 */
function specExamples(): { json: unknown[]; requests: unknown[] } | undefined {
  const dir = process.env.CONNXT_SPEC_DIR ?? join(packageRoot, '..', 'shared', 'spec');
  let text: string;
  try {
    text = readFileSync(join(dir, '001_39b6a73d1c4900d8.txt'), 'utf8');
  } catch {
    return undefined;
  }
  const parse = (block: string) =>
    JSON.parse(
      block
        .replace(/\{ \.\.\. \}/g, '{}')
        .replace(/^\s*\.\.\.\s*$/gm, '')
        .replace(/,(\s*[}\]])/g, '$1'),
    ) as unknown;
  const json = [...text.matchAll(/```json\n([\s\S]*?)```/g)]
    .map((match) => match[1]!)
    .filter((block) => !block.includes('<response_data>') && !block.includes('<error_code>'))
    .map(parse);
  const requests = [...text.matchAll(/--data '([\s\S]*?)'\n```/g)].map((match) => parse(match[1]!));
  return { json, requests };
}

describe('the OpenAPI document at /openapi.json and the reference at /docs', () => {
  let store: TestStore;
  let engine: Engine;
  let document: Document;

  before(async () => {
    store = await storeCases()[0]!.create();
    // The simulators are mounted too: the document must leave them out.
    const config = { production: false, dataDir: store.dataDir, masterKey: randomBytes(32), adminToken, publicUrl, simulators: true };
    engine = await createEngine(config, { db: await store.open(), logger: createLogger('info', new LogCapture()) });
    const res = await engine.app.inject('/openapi.json');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    document = res.json() as Document;
  });
  after(async () => {
    await engine.close();
    await store.destroy();
  });

  it('documents every route the app serves and serves every operation it documents (a new route needs a schema with tags)', () => {
    const served = servedRoutes(engine.app);
    assert.ok(served.some((route) => route.startsWith('GET /simulators/')), 'the simulators are mounted in this test');
    const expected = served.filter((route) => !isUndocumentedByDesign(route)).sort();
    const documented = operationsOf(document)
      .map(({ method, path }) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)
      .sort();
    assert.deepEqual(documented, expected);
    assert.ok(expected.length > 50, `${expected.length} operations`);
  });

  it('validates as OpenAPI 3.1 against the official schema', async () => {
    assert.equal(document.openapi, '3.1.0');
    const result = await new Validator().validate(document as never);
    assert.deepEqual(result.errors ?? [], []);
    assert.equal(result.valid, true);
  });

  it('names the engine, its version from package.json and its public URL as the server', () => {
    const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal(document.info.title, 'Connxt Engine API');
    assert.equal(document.info.version, version);
    assert.match(String(document.info.description), /X-SECRET-TOKEN/);
    assert.deepEqual(document.servers?.map((server) => server.url), [publicUrl]);
  });

  it('asks X-SECRET-TOKEN on /connxt/v2, the bearer token on /admin/v1 (the merchant routes mounted there too), the optional scrape token on /metrics, nothing elsewhere', () => {
    const schemes = (document.components?.securitySchemes ?? {}) as Record<string, Json>;
    assert.deepEqual(schemes.secretToken, { ...schemes.secretToken, type: 'apiKey', in: 'header', name: 'X-SECRET-TOKEN' });
    assert.deepEqual(schemes.adminToken, { ...schemes.adminToken, type: 'http', scheme: 'bearer' });
    assert.deepEqual(schemes.metricsToken, { ...schemes.metricsToken, type: 'http', scheme: 'bearer' });
    for (const { method, path, operation } of operationsOf(document)) {
      const expected = path.startsWith('/connxt/v2/callbacks/')
        ? []
        : path.startsWith('/connxt/v2/')
          ? [{ secretToken: [] }]
          : path.startsWith('/admin/v1/')
            ? [{ adminToken: [] }]
            : path === '/metrics'
              ? [{ metricsToken: [] }, {}]
              : [];
      assert.deepEqual(operation.security, expected, `${method} ${path}`);
      if (expected.length > 0) assert.ok(operation.responses['401'], `${method} ${path} documents its 401`);
    }
    // The same route plugin, under both prefixes: the environment id is a declared path parameter there.
    const scoped = find(document, 'get', '/admin/v1/environments/{environmentId}/psps/{id}');
    assert.deepEqual(scoped.parameters?.map((p) => `${String(p.in)} ${String(p.name)}`).sort(), ['path environmentId', 'path id']);
    assert.deepEqual(find(document, 'get', '/connxt/v2/psps/{id}').parameters?.map((p) => p.name), ['id']);
  });

  it('describes every answer in the Connxt envelopes, with the codes of src/errors.ts', () => {
    const codes: Record<string, string> = { 400: '4001', 401: '4002', 404: '4004', 409: '4005', 413: '4001', 415: '4001', 500: '1000', 503: '1000' };
    for (const { method, path, operation } of operationsOf(document)) {
      assert.ok(operation.tags?.length === 1 && typeof (operation as Json).summary === 'string', `${method} ${path} has a tag and a summary`);
      for (const [status, response] of Object.entries(operation.responses)) {
        const schema = jsonMedia(response)?.schema as Json | undefined;
        const properties = (schema?.properties ?? {}) as Record<string, { enum?: string[] }>;
        if (status.startsWith('2') && path.startsWith('/connxt/v2/') && !path.startsWith('/connxt/v2/callbacks/')) {
          assert.deepEqual(schema?.required, ['timestamp', 'code', 'message', 'data'], `${method} ${path} ${status}`);
          assert.deepEqual(properties.code?.enum, [status]);
        }
        if (codes[status] !== undefined && properties.errors !== undefined) assert.deepEqual(properties.code?.enum, [codes[status]], `${method} ${path} ${status}`);
      }
    }
    assert.ok(find(document, 'post', '/connxt/v2/transactions').responses['415'], 'a JSON body route documents 415');
  });

  it('reuses the services\' own body schemas (one source for validation and documentation)', () => {
    const bodyOf = (method: string, path: string) => jsonMedia(find(document, method, path).requestBody)?.schema;
    const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
    assert.deepEqual(bodyOf('post', '/connxt/v2/psps/external'), plain(createPspSchema));
    assert.deepEqual(bodyOf('patch', '/connxt/v2/psps/{id}'), plain(updatePspSchema));
    assert.deepEqual(bodyOf('post', '/connxt/v2/transactions'), plain(createTransactionSchema));
    // Bodies that may be left out are not marked required.
    assert.equal(find(document, 'post', '/connxt/v2/transactions').requestBody?.required, true);
    assert.equal(find(document, 'post', '/admin/v1/environments/{environmentId}/tokens/rotate').requestBody?.required, false);
  });

  it('has examples that validate against their own schemas (JSON Schema 2020-12)', () => {
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    const examples = examplesIn(document);
    assert.ok(examples.length > 20, `${examples.length} examples`);
    const problems = examples.flatMap(({ where, schema, example }) => {
      const validate = ajv.compile(schema as Json);
      return validate(example) ? [] : [`${where}: ${ajv.errorsText(validate.errors)}`];
    });
    assert.deepEqual(problems, []);
  });

  it('shows spec/001\'s own examples on its three operations', (t) => {
    const definitions = find(document, 'get', '/connxt/v2/flow-types/definitions');
    const createPsp = find(document, 'post', '/connxt/v2/psps/external');
    const createTransaction = find(document, 'post', '/connxt/v2/transactions');
    const documented = {
      definitions: exampleValue(jsonMedia(definitions.responses['200']), 'spec'),
      pspRequest: exampleValue(jsonMedia(createPsp.requestBody), 'spec'),
      pspAnswer: exampleValue(jsonMedia(createPsp.responses['200']), 'spec'),
      transactionRequest: exampleValue(jsonMedia(createTransaction.requestBody), 'spec'),
      redirect: exampleValue(jsonMedia(createTransaction.responses['200']), 'redirect'),
      direct: exampleValue(jsonMedia(createTransaction.responses['200']), 'direct'),
    };
    // The request of step 2 as the other suites send it, and the spec's ids.
    assert.deepEqual(documented.pspRequest, specCreatePspBody());
    assert.equal((documented.transactionRequest as Json).flowActionId, spec.actions.DEPOSIT);
    assert.equal((documented.transactionRequest as Json).flowTargetId, spec.sticpay.targetId);

    const fromSpec = specExamples();
    if (fromSpec === undefined) return t.skip('spec/001 not found (set CONNXT_SPEC_DIR)');
    const [definitionsAnswer, pspAnswer, , redirectAnswer, directAnswer] = fromSpec.json;
    assert.deepEqual(documented.definitions, definitionsAnswer);
    assert.deepEqual(documented.pspRequest, fromSpec.requests[0]);
    assert.deepEqual(documented.pspAnswer, pspAnswer);
    assert.deepEqual(documented.transactionRequest, fromSpec.requests[1]);
    assert.deepEqual(documented.redirect, redirectAnswer);
    assert.deepEqual(documented.direct, directAnswer);
  });

  it('describes what the engine really answers, status and body, on a walk through the API', async () => {
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    const tenant = { 'x-secret-token': engine.demo!.secretToken };
    const admin = { authorization: `Bearer ${adminToken}` };
    const covered = new Set<string>();
    /** Sends the request, finds the answer's status among the route's documented ones and checks the body against its schema. */
    const call = async (method: string, route: string, options: { url?: string; headers?: Record<string, string>; body?: unknown; type?: string } = {}) => {
      const res = await engine.app.inject({
        method: method as 'GET',
        url: options.url ?? route,
        headers: { ...options.headers, ...(options.body === undefined ? {} : { 'content-type': options.type ?? 'application/json' }) },
        ...(options.body === undefined ? {} : { payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
      });
      const operation = find(document, method.toLowerCase(), route.split('?')[0]!.replace(/:(\w+)/g, '{$1}'));
      const where = `${method} ${options.url ?? route} → ${res.statusCode}`;
      const response = operation.responses[String(res.statusCode)] ?? operation.responses[`${String(res.statusCode)[0]}XX`];
      assert.ok(response, `${where} is a documented status`);
      const contentType = String(res.headers['content-type'] ?? '').split(';')[0]!;
      if (res.statusCode !== 302) {
        const documented = Object.entries((response.content ?? {}) as Record<string, Json>);
        const media = documented.find(([type]) => type.split(';')[0] === contentType)?.[1];
        assert.ok(media, `${where}: ${contentType} is documented`);
        if (contentType === 'application/json') {
          const validate = ajv.compile(media.schema as Json);
          assert.ok(validate(res.json()), `${where}: ${ajv.errorsText(validate.errors)} in ${res.body.slice(0, 300)}`);
        }
      }
      covered.add(`${method} ${route}`);
      return res.statusCode < 300 && contentType === 'application/json' ? (res.json() as { data: Json & { id: string } }).data : undefined;
    };

    await call('GET', '/health');
    await call('GET', '/ready');
    await call('GET', '/metrics');
    await call('GET', '/openapi.json');
    await call('GET', '/dashboard');
    await call('GET', '/connxt/v2/flow-types/definitions', { url: '/connxt/v2/flow-types/definitions?type=PSP', headers: tenant });
    await call('GET', '/connxt/v2/flow-types/definitions', { url: '/connxt/v2/flow-types/definitions?type=NOPE', headers: tenant });
    await call('GET', '/connxt/v2/flow-types/definitions', { headers: tenant });
    await call('GET', '/connxt/v2/psps');
    const psp = (await call('POST', '/connxt/v2/psps/external', { headers: tenant, body: specCreatePspBody() }))!;
    await call('POST', '/connxt/v2/psps/external', { headers: tenant, body: specCreatePspBody() });
    await call('POST', '/connxt/v2/psps/external', { headers: tenant, body: 'name=x', type: 'text/plain' });
    await call('POST', '/connxt/v2/psps/external', { headers: tenant, body: { name: '' } });
    await call('GET', '/connxt/v2/psps', { headers: tenant });
    await call('GET', '/connxt/v2/psps/:id', { url: `/connxt/v2/psps/${psp.id}`, headers: tenant });
    await call('GET', '/connxt/v2/psps/:id', { url: '/connxt/v2/psps/psp_unknown', headers: tenant });
    await call('PATCH', '/connxt/v2/psps/:id', { url: `/connxt/v2/psps/${psp.id}`, headers: tenant, body: { description: 'payouts' } });
    // A withdrawal waits for an operator (the demo environment approves none by itself): no gateway is called.
    const withdrawal = {
      flowActionId: spec.actions.WITHDRAW, flowTargetId: spec.sticpay.targetId, pspId: psp.id, txnCurrency: 'USD', txnAmount: '10.00',
      executePayload: { body: { order: { id: 'openapi-1' }, customer: { id: 'c-1', email: 'payee@example.com' } } },
    };
    const created = (await call('POST', '/connxt/v2/transactions', { headers: { ...tenant, 'idempotency-key': 'openapi-walk-1' }, body: withdrawal }))!;
    await call('POST', '/connxt/v2/transactions', { headers: { ...tenant, 'idempotency-key': 'openapi-walk-1' }, body: withdrawal });
    await call('POST', '/connxt/v2/transactions', { headers: tenant, body: { ...withdrawal, txnAmount: 'ten' } });
    const txnId = String(created.txnId);
    await call('GET', '/connxt/v2/transactions', { url: '/connxt/v2/transactions?limit=5', headers: tenant });
    await call('GET', '/connxt/v2/transactions/:id', { url: `/connxt/v2/transactions/${txnId}`, headers: tenant });
    await call('POST', '/connxt/v2/transactions/:id/reject', { url: `/connxt/v2/transactions/${txnId}/reject`, headers: tenant, body: { reason: 'walk' } });
    await call('POST', '/connxt/v2/transactions/:id/approve', { url: `/connxt/v2/transactions/${txnId}/approve`, headers: tenant });
    const environmentId = engine.demo!.environmentId;
    const scoped = `/admin/v1/environments/${environmentId}`;
    await call('GET', '/admin/v1/environments/:environmentId/transactions/:id/steps', { url: `${scoped}/transactions/${txnId}/steps`, headers: admin });
    await call('GET', '/admin/v1/environments/:environmentId/transactions/:id', { url: `${scoped}/transactions/${txnId}`, headers: admin });
    await call('GET', '/admin/v1/environments/:environmentId/psps', { url: '/admin/v1/environments/env_unknown/psps', headers: admin });
    await call('GET', '/connxt/v2/callbacks/:kind/:transactionId/:token', { url: `/connxt/v2/callbacks/r/${txnId}/not-the-token` });

    const brand = (await call('POST', '/admin/v1/brands', { headers: admin, body: { name: 'Walk brand' } }))!;
    await call('GET', '/admin/v1/brands', { headers: admin });
    await call('GET', '/admin/v1/brands/:brandId', { url: `/admin/v1/brands/${brand.id}`, headers: admin });
    const environment = (await call('POST', '/admin/v1/brands/:brandId/environments', { url: `/admin/v1/brands/${brand.id}/environments`, headers: admin, body: { name: 'walk' } }))!;
    await call('GET', '/admin/v1/brands/:brandId/environments', { url: `/admin/v1/brands/${brand.id}/environments`, headers: admin });
    const env = `/admin/v1/environments/${environment.id}`;
    await call('PATCH', '/admin/v1/environments/:environmentId', { url: env, headers: admin, body: { webhookUrl: 'https://shop.example/hooks', withdrawalAutoApproveLimits: { USD: '50' } } });
    await call('GET', '/admin/v1/environments/:environmentId', { url: env, headers: admin });
    const token = (await call('POST', '/admin/v1/environments/:environmentId/tokens', { url: `${env}/tokens`, headers: admin }))!;
    await call('POST', '/admin/v1/environments/:environmentId/tokens/rotate', { url: `${env}/tokens/rotate`, headers: admin, body: { graceSeconds: 60 } });
    await call('POST', '/admin/v1/environments/:environmentId/tokens/:tokenId/revoke', { url: `${env}/tokens/${token.id}/revoke`, headers: admin });
    await call('GET', '/admin/v1/environments/:environmentId/tokens', { url: `${env}/tokens`, headers: admin });
    await call('GET', '/admin/v1/flow-targets', { headers: admin });
    await call('GET', '/admin/v1/flow-targets/:id', { url: `/admin/v1/flow-targets/${spec.sticpay.targetId}`, headers: admin });
    await call('GET', '/admin/v1/flow-targets', { headers: { authorization: 'Bearer wrong' } });
    const hooks = `${scoped}/webhook-endpoints`;
    const endpoint = (await call('POST', '/admin/v1/environments/:environmentId/webhook-endpoints', { url: hooks, headers: admin, body: { url: 'https://shop.example/events' } }))!;
    const hook = `/admin/v1/environments/:environmentId/webhook-endpoints/:endpointId`;
    await call('GET', '/admin/v1/environments/:environmentId/webhook-endpoints', { url: hooks, headers: admin });
    await call('PATCH', hook, { url: `${hooks}/${endpoint.id}`, headers: admin, body: { events: ['transaction.rejected'] } });
    await call('POST', `${hook}/rotate-secret`, { url: `${hooks}/${endpoint.id}/rotate-secret`, headers: admin });
    await call('GET', `${hook}/deliveries`, { url: `${hooks}/${endpoint.id}/deliveries`, headers: admin });
    await call('GET', hook, { url: `${hooks}/${endpoint.id}`, headers: admin });
    await call('DELETE', hook, { url: `${hooks}/${endpoint.id}`, headers: admin });
    await call('GET', '/admin/v1/environments/:environmentId/events', { url: `${scoped}/events`, headers: admin });
    assert.equal(covered.size, 40, 'operations walked through');
  });

  it('serves the same document to the reference UI (/docs/json)', async () => {
    const res = await engine.app.inject('/docs/json');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), document);
  });

  for (const page of ['/docs', '/docs/']) {
    it(`${page} (the interactive reference) is HTML whose scripts and styles the engine serves itself`, async () => {
      const res = await engine.app.inject(page);
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      const assets = [...res.body.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
      assert.ok(assets.some((asset) => asset.endsWith('.js')) && assets.some((asset) => asset.endsWith('.css')), assets.join(' '));
      for (const asset of assets) {
        const url = new URL(asset, `http://engine.local${page}`);
        assert.equal(url.origin, 'http://engine.local', `${asset} is served by the engine, not a CDN`);
        const answer = await engine.app.inject(url.pathname);
        assert.equal(answer.statusCode, 200, `${url.pathname}`);
        assert.ok(answer.rawPayload.length > 0, `${url.pathname} is not empty`);
        if (asset.endsWith('.js')) assert.match(String(answer.headers['content-type']), /javascript/);
        if (asset.endsWith('.css')) assert.match(String(answer.headers['content-type']), /^text\/css/);
      }
    });
  }

  it('serves nothing outside the reference\'s assets (path traversal)', async () => {
    for (const url of [
      '/docs/static/../../package.json',
      '/docs/static/%2e%2e/%2e%2e/package.json',
      '/docs/static/..%2f..%2fpackage.json',
      '/docs/static/%2e%2e%2f%2e%2e%2fpackage.json',
      '/docs/static/....//....//package.json',
    ]) {
      const res = await engine.app.inject(url);
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${url}: ${res.statusCode}`);
      assert.doesNotMatch(res.body, /"connxt-engine"/, url);
    }
  });
});
