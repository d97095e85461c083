import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebhookDeliverer } from '../src/notifications/webhook-deliverer.js';
import { verifySignature } from '../src/notifications/webhook-signature.js';
import { adminToken, freePort, useEngine } from './helpers/engine.js';
import { FakePsp } from './helpers/fake-psp.js';
import { assertErrorEnvelope, assertSuccessEnvelope, client } from './helpers/http.js';
import { storeCases } from './helpers/stores.js';
import { depositBody, setUpTestGateway, testGatewayHandler, type TestGateway } from './helpers/test-gateway.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Answer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

/** A merchant's webhook receiver: a real HTTP server on loopback that records every request. */
class Receiver {
  readonly received: Received[] = [];
  answer: (request: Received) => Answer = () => ({ status: 200, body: 'ok' });
  #server: Server | undefined;

  async start(): Promise<void> {
    this.#server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const request = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      this.received.push(request);
      const answer = this.answer(request);
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? '');
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}${path}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}

const created = 'Resource created successfully';
const endpointKeys = ['id', 'environmentId', 'url', 'description', 'events', 'enabled', 'previousSecretExpiresAt', 'createdAt', 'updatedAt'];
const createdKeys = ['id', 'environmentId', 'url', 'description', 'events', 'enabled', 'previousSecretExpiresAt', 'secret', 'createdAt', 'updatedAt'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for deliveries');
    await sleep(50);
  }
}

const apiTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

for (const storeCase of storeCases()) {
  describe(`merchant webhooks [${storeCase.kind}]`, () => {
    // Background workers run throughout (relay, deliveries with 1 s retries). The admin API tests
    // use an environment without transactions, and the tests that drive the deliverer themselves use
    // "quiet" endpoints, so the workers never deliver to them on their own.
    const ctx = useEngine(storeCase, { sandbox: { timeoutMs: 3_000 }, background: true });
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );
    const admin = { admin: adminToken, token: null } as const;
    const psp = new FakePsp(testGatewayHandler);
    const receiver = new Receiver();
    let gateway: TestGateway;
    let envId: string;
    let adminEnvId: string;
    let otherEnvId: string;
    let productionEnvId: string;

    const base = (environmentId = envId) => `/admin/v1/environments/${environmentId}`;
    const createEndpoint = async (body: Record<string, unknown>, environmentId = envId) =>
      assertSuccessEnvelope(await api.post(`${base(environmentId)}/webhook-endpoints`, body, admin), 201, created) as { id: string; secret: string } & Record<string, unknown>;
    const remove = (path: string) => ctx.t.engine.app.inject({ method: 'DELETE', url: path, headers: { authorization: `Bearer ${adminToken}` } });
    const paidDeposit = async () => {
      const data = assertSuccessEnvelope(await api.post('/connxt/v2/transactions', depositBody(gateway, { scenario: 'success' })), 200, 'Transaction created successfully');
      assert.equal(data.status, 'SUCCESS');
      return data.txnId as string;
    };
    const eventsOf = async (txnId: string) =>
      (assertSuccessEnvelope(await api.get(`${base()}/events?transactionId=${txnId}`, admin)).items as { id: string; type: string; sequence: number; payload: Record<string, unknown> }[]).reverse();
    const eventDetail = async (eventId: string) => assertSuccessEnvelope(await api.get(`${base()}/events/${eventId}`, admin));
    const job = (eventId: string, endpointId: string, txnId: string, attempt = 1) => ({ eventId, endpointId, transactionId: txnId, attempt, lastAttempt: false });
    /** Takes only transaction.cancelled, which no test transaction reaches: the relay never queues anything for it. */
    const quietEndpoint = (path: string, extra: Record<string, unknown> = {}) => createEndpoint({ url: receiver.url(path), events: ['transaction.cancelled'], ...extra });
    const at = (path: string) => receiver.received.filter((r) => r.path === path);
    const eventIdsOf = async (txnId: string) =>
      (await ctx.t.db.query<{ id: string }>('SELECT id FROM merchant_events WHERE transaction_id = $1 ORDER BY seq', [txnId])).rows.map((r) => r.id);
    const rawPayload = async (eventId: string) =>
      (await ctx.t.db.query<{ body: string }>('SELECT payload::text AS body FROM merchant_events WHERE id = $1', [eventId])).rows[0]!.body;

    before(async () => {
      await psp.start();
      await receiver.start();
      envId = ctx.t.engine.demo!.environmentId;
      gateway = await setUpTestGateway(ctx.t.engine.app, ctx.t.demoToken!, envId, psp);
      const { tenants } = ctx.t.engine.services;
      const brand = await tenants.createBrand('Webhook Other Brand');
      adminEnvId = (await tenants.createEnvironment(brand.id, { name: 'admin' })).id;
      otherEnvId = (await tenants.createEnvironment(brand.id, { name: 'other' })).id;
      productionEnvId = (await tenants.createEnvironment(brand.id, { name: 'live', production: true })).id;
    });
    after(async () => {
      await receiver.stop();
      await psp.stop();
    });

    describe('endpoints admin API', () => {
      it('creates an endpoint and shows its secret once', async () => {
        const res = await api.post(`${base(adminEnvId)}/webhook-endpoints`, { url: 'https://shop.example/hooks' }, admin);
        const data = assertSuccessEnvelope(res, 201, created);
        assert.deepEqual(Object.keys(data), createdKeys);
        assert.match(data.id, /^whe_[0-9A-Za-z]{26}$/);
        assert.match(data.secret, /^whsec_[0-9A-Za-z]{32}$/);
        assert.deepEqual(
          { ...data, id: undefined, secret: undefined, createdAt: undefined, updatedAt: undefined },
          { id: undefined, environmentId: adminEnvId, url: 'https://shop.example/hooks', description: null, events: null, enabled: true, previousSecretExpiresAt: null, secret: undefined, createdAt: undefined, updatedAt: undefined },
        );
        assert.match(data.createdAt, apiTime);

        const got = assertSuccessEnvelope(await api.get(`${base(adminEnvId)}/webhook-endpoints/${data.id}`, admin));
        assert.deepEqual(Object.keys(got), endpointKeys);
        const listed = assertSuccessEnvelope(await api.get(`${base(adminEnvId)}/webhook-endpoints`, admin)) as Record<string, unknown>[];
        const item = listed.find((e) => e.id === data.id)!;
        assert.deepEqual(Object.keys(item), endpointKeys);
        assert.ok(!JSON.stringify(listed).includes(data.secret) && !JSON.stringify(got).includes(data.secret));

        const stored = await ctx.t.db.query<{ secret: Buffer }>('SELECT secret FROM webhook_endpoints WHERE id = $1', [data.id]);
        assert.ok(!stored.rows[0]!.secret.toString('latin1').includes(data.secret), 'the secret is stored sealed');
      });

      it('takes an event filter, a description and a disabled state', async () => {
        const data = await createEndpoint({ url: 'http://127.0.0.1:9/x?y=1', events: ['transaction.succeeded', 'transaction.failed'], description: 'orders', enabled: false }, adminEnvId);
        assert.deepEqual([data.url, data.events, data.description, data.enabled], ['http://127.0.0.1:9/x?y=1', ['transaction.succeeded', 'transaction.failed'], 'orders', false]);
      });

      it('refuses bad input with 4001 errors naming the field', async () => {
        const cases: [unknown, string, string][] = [
          [{}, 'url', 'is required'],
          [{ url: 'ftp://shop.example/x' }, 'url', 'must be an http(s) URL'],
          [{ url: '/relative' }, 'url', 'must be a'],
          [{ url: 'https://user:pw@shop.example/x' }, 'url', 'must not contain credentials'],
          [{ url: 'https://shop.example/x#frag' }, 'url', 'must not contain a fragment'],
          [{ url: `https://shop.example/${'x'.repeat(2048)}` }, 'url', 'must be at most 2048 characters'],
          [{ url: 'https://shop.example', events: ['transaction.nope'] }, 'events[0]', 'must be one of: transaction.new'],
          [{ url: 'https://shop.example', events: [] }, 'events', 'must have at least 1 item(s)'],
          [{ url: 'https://shop.example', events: 'transaction.new' }, 'events', 'must be an array or null'],
          [{ url: 'https://shop.example', enabled: 'yes' }, 'enabled', 'must be a boolean'],
          [{ url: 'https://shop.example', secret: 'mine' }, 'secret', 'is not allowed'],
        ];
        for (const [body, field, message] of cases) {
          const error = assertErrorEnvelope(await api.post(`${base(adminEnvId)}/webhook-endpoints`, body, admin), 400, '4001');
          assert.equal(error.errors[0]!.field, field, JSON.stringify(body));
          assert.ok(error.errors[0]!.message.startsWith(message), `${error.errors[0]!.message} for ${JSON.stringify(body)}`);
        }
      });

      it('requires https in a production environment', async () => {
        const error = assertErrorEnvelope(await api.post(`${base(productionEnvId)}/webhook-endpoints`, { url: 'http://shop.example/x' }, admin), 400, '4001');
        assert.deepEqual(error.errors, [{ field: 'url', message: 'must be https in a production environment' }]);
        const data = await createEndpoint({ url: 'https://shop.example/x' }, productionEnvId);
        assertErrorEnvelope(await api.patch(`${base(productionEnvId)}/webhook-endpoints/${data.id}`, { url: 'http://shop.example/y' }, admin), 400, '4001');
      });

      it('updates only the fields given', async () => {
        const { id } = await createEndpoint({ url: 'https://shop.example/a', events: ['transaction.failed'], description: 'before' }, adminEnvId);
        const patched = assertSuccessEnvelope(await api.patch(`${base(adminEnvId)}/webhook-endpoints/${id}`, { url: 'https://shop.example/b', enabled: false }, admin));
        assert.deepEqual([patched.url, patched.events, patched.description, patched.enabled], ['https://shop.example/b', ['transaction.failed'], 'before', false]);
        const cleared = assertSuccessEnvelope(await api.patch(`${base(adminEnvId)}/webhook-endpoints/${id}`, { events: null, description: null }, admin));
        assert.deepEqual([cleared.url, cleared.events, cleared.description, cleared.enabled], ['https://shop.example/b', null, null, false]);
        assert.deepEqual(assertSuccessEnvelope(await api.get(`${base(adminEnvId)}/webhook-endpoints/${id}`, admin)), cleared);
        const empty = assertErrorEnvelope(await api.patch(`${base(adminEnvId)}/webhook-endpoints/${id}`, {}, admin), 400, '4001');
        assert.equal(empty.errors[0]!.field, 'body');
      });

      it('deletes softly: reads are 404 after it, the row stays', async () => {
        const { id } = await createEndpoint({ url: 'https://shop.example/gone' }, adminEnvId);
        const res = await remove(`${base(adminEnvId)}/webhook-endpoints/${id}`);
        assert.deepEqual(assertSuccessEnvelope(res), { id, deleted: true });
        assertErrorEnvelope(await api.get(`${base(adminEnvId)}/webhook-endpoints/${id}`, admin), 404, '4004');
        assertErrorEnvelope(await api.patch(`${base(adminEnvId)}/webhook-endpoints/${id}`, { enabled: true }, admin), 404, '4004');
        assertErrorEnvelope(await remove(`${base(adminEnvId)}/webhook-endpoints/${id}`), 404, '4004');
        assertErrorEnvelope(await api.post(`${base(adminEnvId)}/webhook-endpoints/${id}/rotate-secret`, {}, admin), 404, '4004');
        const listed = assertSuccessEnvelope(await api.get(`${base(adminEnvId)}/webhook-endpoints`, admin)) as { id: string }[];
        assert.ok(!listed.some((e) => e.id === id));
        const row = await ctx.t.db.query<{ deleted_at: Date | null }>('SELECT deleted_at FROM webhook_endpoints WHERE id = $1', [id]);
        assert.ok(row.rows[0]!.deleted_at instanceof Date);
      });

      it('answers 404 for another environment\'s endpoint, unknown ids and unknown environments', async () => {
        const { id } = await createEndpoint({ url: 'https://shop.example/mine' }, adminEnvId);
        const other = `${base(otherEnvId)}/webhook-endpoints/${id}`;
        assertErrorEnvelope(await api.get(other, admin), 404, '4004');
        assertErrorEnvelope(await api.patch(other, { enabled: false }, admin), 404, '4004');
        assertErrorEnvelope(await remove(other), 404, '4004');
        assertErrorEnvelope(await api.post(`${other}/rotate-secret`, {}, admin), 404, '4004');
        assertErrorEnvelope(await api.get(`${other}/deliveries`, admin), 404, '4004');
        assert.deepEqual(assertSuccessEnvelope(await api.get(`${base(otherEnvId)}/webhook-endpoints`, admin)), []);
        assertErrorEnvelope(await api.get(`${base(adminEnvId)}/webhook-endpoints/whe_AAAAAAAAAAAAAAAAAAAAAAAAAA`, admin), 404, '4004');
        assertErrorEnvelope(await api.get(`${base(adminEnvId)}/webhook-endpoints/nonsense`, admin), 404, '4004');
        assertErrorEnvelope(await api.get('/admin/v1/environments/env_AAAAAAAAAAAAAAAAAAAAAAAAAA/webhook-endpoints', admin), 404, '4004');
        assertErrorEnvelope(await api.post('/admin/v1/environments/nope/webhook-endpoints', { url: 'https://shop.example' }, admin), 404, '4004');
        assert.equal((await api.get(`${base(adminEnvId)}/webhook-endpoints`, { token: null })).statusCode, 401);
      });

      it('rotates a secret, keeping the previous one for a grace period', async () => {
        const { id, secret } = await createEndpoint({ url: 'https://shop.example/rotating' }, adminEnvId);
        const rotated = assertSuccessEnvelope(await api.post(`${base(adminEnvId)}/webhook-endpoints/${id}/rotate-secret`, { expiresInSeconds: 3600 }, admin));
        assert.deepEqual(Object.keys(rotated), ['secret', 'previousSecretExpiresAt']);
        assert.match(rotated.secret, /^whsec_[0-9A-Za-z]{32}$/);
        assert.notEqual(rotated.secret, secret);
        const expires = Date.parse(`${rotated.previousSecretExpiresAt}Z`);
        assert.ok(Math.abs(expires - Date.now() - 3_600_000) < 5_000);
        const got = assertSuccessEnvelope(await api.get(`${base(adminEnvId)}/webhook-endpoints/${id}`, admin));
        assert.equal(got.previousSecretExpiresAt, rotated.previousSecretExpiresAt);
        assert.ok(!JSON.stringify(got).includes(rotated.secret));
        const noBody = await ctx.t.engine.app.inject({ method: 'POST', url: `${base(adminEnvId)}/webhook-endpoints/${id}/rotate-secret`, headers: { authorization: `Bearer ${adminToken}` } });
        const defaulted = assertSuccessEnvelope(noBody);
        assert.ok(Math.abs(Date.parse(`${defaulted.previousSecretExpiresAt}Z`) - Date.now() - 86_400_000) < 5_000);
        const tooLong = assertErrorEnvelope(await api.post(`${base(adminEnvId)}/webhook-endpoints/${id}/rotate-secret`, { expiresInSeconds: 604_801 }, admin), 400, '4001');
        assert.equal(tooLong.errors[0]!.field, 'expiresInSeconds');
      });
    });

    describe('events and delivery', () => {
      it('records one event per status change of a paid deposit, oldest to newest, with the previous status', async () => {
        const txnId = await paidDeposit();
        const events = await eventsOf(txnId);
        const history = assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${txnId}`)).history as { fromStatus: string | null; status: string }[];
        assert.equal(events.length, history.length);
        assert.deepEqual(events.map((e) => e.sequence), history.map((_, i) => i + 1));
        assert.equal(events.at(-1)!.type, 'transaction.succeeded');
        const last = events.at(-1)!.payload as { id: string; type: string; environmentId: string; data: { previousStatus: string; transaction: Record<string, unknown> } };
        assert.deepEqual(Object.keys(last), ['id', 'type', 'createdAt', 'environmentId', 'data']);
        assert.equal(last.id, events.at(-1)!.id);
        assert.equal(last.environmentId, envId);
        assert.equal(last.data.previousStatus, history.at(-1)!.fromStatus);
        assert.equal(last.data.transaction.txnId, txnId);
        assert.equal(last.data.transaction.status, 'SUCCESS');
        const detail = await eventDetail(last.id);
        assert.deepEqual(Object.keys(detail), ['id', 'type', 'transactionId', 'sequence', 'createdAt', 'payload', 'deliveries']);
        assert.deepEqual(detail.deliveries, []);
      });

      it('lists events newest first with filters and a cursor, only the environment\'s own', async () => {
        const txnId = await paidDeposit();
        const all = await eventsOf(txnId);
        const pages: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { items: { id: string }[]; nextCursor: string | null } = assertSuccessEnvelope(
            await api.get(`${base()}/events?transactionId=${txnId}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`, admin),
          );
          pages.push(...page.items.map((e) => e.id));
          cursor = page.nextCursor;
        } while (cursor !== null);
        assert.deepEqual(pages, all.map((e) => e.id).reverse());
        const succeeded = assertSuccessEnvelope(await api.get(`${base()}/events?type=transaction.succeeded&limit=200`, admin)).items as { type: string }[];
        assert.ok(succeeded.length >= 1 && succeeded.every((e) => e.type === 'transaction.succeeded'));
        assert.deepEqual(assertSuccessEnvelope(await api.get(`${base(otherEnvId)}/events`, admin)), { items: [], nextCursor: null });
        assertErrorEnvelope(await api.get(`${base(otherEnvId)}/events/${all[0]!.id}`, admin), 404, '4004');
        const bad = assertErrorEnvelope(await api.get(`${base()}/events?type=nope&transactionId=x&limit=0&cursor=y`, admin), 400, '4001');
        assert.deepEqual(bad.errors.map((e) => e.field).sort(), ['limit']);
        const badValues = assertErrorEnvelope(await api.get(`${base()}/events?type=nope&transactionId=x&cursor=y`, admin), 400, '4001');
        assert.deepEqual(badValues.errors.map((e) => e.field).sort(), ['cursor', 'transactionId', 'type']);
        const foreignCursor = assertErrorEnvelope(await api.get(`${base(otherEnvId)}/events?cursor=${all[0]!.id}`, admin), 400, '4001');
        assert.equal(foreignCursor.errors[0]!.field, 'cursor');
      });

      it('delivers the exact payload, signed, with its headers, and logs the attempt', async () => {
        const txnId = await paidDeposit();
        const events = await eventsOf(txnId);
        const { id: endpointId, secret } = await quietEndpoint('/ok');
        const event = events.at(-1)!;
        receiver.received.length = 0;
        await ctx.t.engine.services.deliverer.deliver(job(event.id, endpointId, txnId, 1));
        assert.equal(receiver.received.length, 1);
        const got = receiver.received[0]!;
        assert.equal(got.path, '/ok');
        assert.equal(got.body, await rawPayload(event.id));
        assert.deepEqual(JSON.parse(got.body), event.payload);
        assert.equal(got.headers['content-type'], 'application/json');
        assert.equal(got.headers['user-agent'], 'Connxt-Webhooks/1');
        assert.equal(got.headers['connxt-event-id'], event.id);
        assert.equal(got.headers['connxt-event-type'], 'transaction.succeeded');
        assert.equal(got.headers['connxt-delivery-attempt'], '1');
        const header = got.headers['connxt-signature'] as string;
        assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/);
        assert.deepEqual(verifySignature({ payload: got.body, header, secret }), { ok: true });
        assert.deepEqual(verifySignature({ payload: got.body.replace('SUCCESS', 'FAILED'), header, secret }), { ok: false, error: 'no signature matches' });

        const detail = await eventDetail(event.id);
        assert.equal(detail.deliveries.length, 1);
        const [delivery] = detail.deliveries;
        assert.equal(delivery.endpointId, endpointId);
        assert.equal(delivery.delivered, true);
        assert.equal(delivery.attempts.length, 1);
        const [attempt] = delivery.attempts;
        assert.deepEqual(Object.keys(attempt), ['attempt', 'delivered', 'statusCode', 'latencyMs', 'responseExcerpt', 'error', 'createdAt']);
        assert.deepEqual({ ...attempt, latencyMs: undefined, createdAt: undefined }, {
          attempt: 1, delivered: true, statusCode: 200, latencyMs: undefined, responseExcerpt: 'ok', error: null, createdAt: undefined,
        });
        assert.ok(Number.isInteger(attempt.latencyMs) && attempt.latencyMs >= 0);
        assert.ok(!ctx.t.logs.text.includes(secret), 'the secret is never logged');
        assert.ok(!ctx.t.logs.text.includes(header.split('v1=')[1]!), 'the signature is never logged');
        assert.ok(ctx.t.logs.lines.some((line) => line.includes('"msg":"webhook delivery attempt"') && line.includes(event.id)));
      });

      it('throws on a non-2xx answer, a redirect, a refused connection and a timeout, logging each attempt', async () => {
        const txnId = await paidDeposit();
        const event = (await eventsOf(txnId)).at(-1)!;
        const { id: failing } = await quietEndpoint('/fail');
        receiver.answer = (request) => {
          if (request.path === '/fail') return { status: 500, body: `{"error":"down"}${' '.repeat(2000)}tail` };
          if (request.path === '/moved') return { status: 302, headers: { location: receiver.url('/ok') } };
          if (request.path === '/slow') return 'hang';
          return { status: 200, body: 'ok' };
        };
        try {
          receiver.received.length = 0;
          await assert.rejects(ctx.t.engine.services.deliverer.deliver(job(event.id, failing, txnId, 3)), /webhook endpoint answered 500/);
          const { id: moved } = await quietEndpoint('/moved');
          await assert.rejects(ctx.t.engine.services.deliverer.deliver(job(event.id, moved, txnId)), /answered 302/);
          assert.deepEqual(receiver.received.map((r) => r.path), ['/fail', '/moved'], 'redirects are not followed');

          const { id: refused } = await createEndpoint({ url: `http://127.0.0.1:${await freePort()}/closed`, events: ['transaction.cancelled'] });
          await assert.rejects(ctx.t.engine.services.deliverer.deliver(job(event.id, refused, txnId)), /ECONNREFUSED/);

          const { id: slow } = await quietEndpoint('/slow');
          const { services } = ctx.t.engine;
          const impatient = new WebhookDeliverer({ db: services.db, clock: services.clock, logger: services.logger, cipher: services.cipher, metrics: services.metrics, timeoutMs: 300 });
          await assert.rejects(impatient.deliver(job(event.id, slow, txnId)), /timed out after 300 ms/);
        } finally {
          receiver.answer = () => ({ status: 200, body: 'ok' });
        }
        const detail = await eventDetail(event.id);
        const attempts = Object.fromEntries(detail.deliveries.map((d: { endpointId: string; attempts: unknown[] }) => [d.endpointId, d.attempts]));
        const [fail] = attempts[failing];
        assert.deepEqual([fail.attempt, fail.delivered, fail.statusCode, fail.error], [3, false, 500, null]);
        assert.equal(Buffer.byteLength(fail.responseExcerpt), 1024);
        assert.ok(fail.responseExcerpt.startsWith('{"error":"down"}'));
        assert.deepEqual(detail.deliveries.map((d: { delivered: boolean }) => d.delivered), [false, false, false, false]);
        assert.equal(detail.deliveries[2].attempts[0].statusCode, null);
        assert.match(detail.deliveries[2].attempts[0].error, /ECONNREFUSED/);
        assert.equal(detail.deliveries[3].attempts[0].error, 'timed out after 300 ms');
        assert.ok(detail.deliveries[3].attempts[0].latencyMs >= 250);
      });

      it('signs with both secrets while a secret rotates', async () => {
        const txnId = await paidDeposit();
        const event = (await eventsOf(txnId)).at(-1)!;
        const { id, secret: oldSecret } = await quietEndpoint('/rotating');
        const { secret: newSecret } = assertSuccessEnvelope(await api.post(`${base()}/webhook-endpoints/${id}/rotate-secret`, {}, admin));
        receiver.received.length = 0;
        await ctx.t.engine.services.deliverer.deliver(job(event.id, id, txnId));
        const { body, headers } = receiver.received[0]!;
        const header = headers['connxt-signature'] as string;
        assert.match(header, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
        assert.deepEqual(verifySignature({ payload: body, header, secret: newSecret }), { ok: true });
        assert.deepEqual(verifySignature({ payload: body, header, secret: oldSecret }), { ok: true });

        assertSuccessEnvelope(await api.post(`${base()}/webhook-endpoints/${id}/rotate-secret`, { expiresInSeconds: 0 }, admin));
        receiver.received.length = 0;
        await ctx.t.engine.services.deliverer.deliver(job(event.id, id, txnId));
        assert.match(receiver.received[0]!.headers['connxt-signature'] as string, /^t=\d+,v1=[0-9a-f]{64}$/, 'an expired previous secret no longer signs');
      });

      it('sends nothing to a deleted or disabled endpoint', async () => {
        const txnId = await paidDeposit();
        const event = (await eventsOf(txnId)).at(-1)!;
        const { id: deleted } = await quietEndpoint('/deleted');
        await remove(`${base()}/webhook-endpoints/${deleted}`);
        const { id: disabled } = await quietEndpoint('/disabled-direct', { enabled: false });
        receiver.received.length = 0;
        await ctx.t.engine.services.deliverer.deliver(job(event.id, deleted, txnId));
        await ctx.t.engine.services.deliverer.deliver(job(event.id, disabled, txnId));
        assert.deepEqual(receiver.received, []);
        assert.deepEqual((await eventDetail(event.id)).deliveries, []);
      });

      it('lists an endpoint\'s attempts newest first, page by page', async () => {
        const txnId = await paidDeposit();
        const events = await eventsOf(txnId);
        const { id } = await quietEndpoint('/log');
        for (const event of events) await ctx.t.engine.services.deliverer.deliver(job(event.id, id, txnId));
        const seen: { eventId: string; eventType: string; transactionId: string }[] = [];
        let cursor: string | null = null;
        do {
          const page: { items: typeof seen; nextCursor: string | null } = assertSuccessEnvelope(
            await api.get(`${base()}/webhook-endpoints/${id}/deliveries?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`, admin),
          );
          seen.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor !== null);
        assert.deepEqual(seen.map((d) => d.eventId), events.map((e) => e.id).reverse());
        assert.deepEqual(seen.map((d) => d.eventType), events.map((e) => e.type).reverse());
        assert.ok(seen.every((d) => d.transactionId === txnId));
        assert.deepEqual(Object.keys(seen[0]!), ['id', 'eventId', 'eventType', 'transactionId', 'attempt', 'delivered', 'statusCode', 'latencyMs', 'responseExcerpt', 'error', 'createdAt']);
        assertErrorEnvelope(await api.get(`${base()}/webhook-endpoints/${id}/deliveries?cursor=abc`, admin), 400, '4001');
      });

      it('delivers every event of a paid deposit once, in order, signed; a filtered endpoint only its types; a disabled one nothing', async () => {
        const all = await createEndpoint({ url: receiver.url('/all') });
        const succeeded = await createEndpoint({ url: receiver.url('/succeeded'), events: ['transaction.succeeded'] });
        const disabled = await createEndpoint({ url: receiver.url('/disabled'), enabled: false });
        try {
          const txnId = await paidDeposit();
          const eventIds = await eventIdsOf(txnId);
          const ofTxn = (path: string) => at(path).filter((r) => (JSON.parse(r.body) as { data: { transaction: { txnId: string } } }).data.transaction.txnId === txnId);
          await waitFor(() => ofTxn('/all').length >= eventIds.length && ofTxn('/succeeded').length >= 1);
          // A duplicate would arrive within a poll or two.
          await sleep(1_500);

          type Body = { id: string; type: string; data: { previousStatus: string | null; sequence: number; transaction: { status: string } } };
          const bodies = ofTxn('/all').map((r) => JSON.parse(r.body) as Body);
          assert.deepEqual(bodies.map((b) => b.id), eventIds, 'each event exactly once, oldest first');
          assert.deepEqual(bodies.map((b) => b.data.sequence), eventIds.map((_, i) => i + 1));
          assert.deepEqual(bodies.slice(0, 3).map((b) => b.type), ['transaction.new', 'transaction.created', 'transaction.initiated']);
          assert.equal(bodies.at(-1)!.type, 'transaction.succeeded');
          assert.equal(bodies[0]!.data.previousStatus, null);
          for (let i = 1; i < bodies.length; i++) assert.equal(bodies[i]!.data.previousStatus, bodies[i - 1]!.data.transaction.status);
          for (const request of ofTxn('/all')) {
            assert.deepEqual(verifySignature({ payload: request.body, header: request.headers['connxt-signature'] as string, secret: all.secret }), { ok: true });
            assert.equal(request.headers['connxt-event-id'], (JSON.parse(request.body) as Body).id);
            assert.equal(request.headers['connxt-delivery-attempt'], '1');
          }
          const [onlySucceeded] = ofTxn('/succeeded');
          assert.deepEqual(ofTxn('/succeeded').map((r) => r.headers['connxt-event-type']), ['transaction.succeeded']);
          assert.deepEqual(verifySignature({ payload: onlySucceeded!.body, header: onlySucceeded!.headers['connxt-signature'] as string, secret: succeeded.secret }), { ok: true });
          assert.deepEqual(at('/disabled'), []);
          const log = await ctx.t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_delivery_attempts a JOIN merchant_events e ON e.id = a.event_id WHERE a.endpoint_id = $1 AND e.transaction_id = $2', [all.id, txnId]);
          assert.equal(log.rows[0]!.n, eventIds.length, 'one attempt each');
        } finally {
          for (const { id } of [all, succeeded, disabled]) await remove(`${base()}/webhook-endpoints/${id}`);
        }
      });

      it('retries a failing receiver under the same event id until it answers 2xx, logging each attempt, then redelivers on request', async () => {
        const flaky = await createEndpoint({ url: receiver.url('/flaky'), events: ['transaction.succeeded'] });
        let failures = 0;
        receiver.answer = (request) => (request.path === '/flaky' && failures++ < 3 ? { status: 503, body: 'try later' } : { status: 200, body: 'ok' });
        try {
          const txnId = await paidDeposit();
          const eventId = (await eventIdsOf(txnId)).at(-1)!;
          await waitFor(() => at('/flaky').length >= 4);
          const deliveries = at('/flaky');
          assert.deepEqual(deliveries.map((r) => r.headers['connxt-event-id']), [eventId, eventId, eventId, eventId]);
          assert.deepEqual(deliveries.map((r) => r.headers['connxt-delivery-attempt']), ['1', '2', '3', '4']);
          assert.equal(new Set(deliveries.map((r) => r.body)).size, 1, 'the same body every time');

          // The receiver has the 4th request before the engine has stored its answer: wait for the row.
          let detail = await eventDetail(eventId);
          for (let tries = 0; detail.deliveries[0]?.attempts.length !== 4 && tries < 100; tries++) {
            await sleep(100);
            detail = await eventDetail(eventId);
          }
          assert.deepEqual(detail.deliveries.map((d: { endpointId: string }) => d.endpointId), [flaky.id]);
          assert.equal(detail.deliveries[0].delivered, true);
          assert.deepEqual(
            detail.deliveries[0].attempts.map((a: { attempt: number; statusCode: number; delivered: boolean; responseExcerpt: string }) => [a.attempt, a.statusCode, a.delivered, a.responseExcerpt]),
            [[1, 503, false, 'try later'], [2, 503, false, 'try later'], [3, 503, false, 'try later'], [4, 200, true, 'ok']],
          );

          const queued = await api.post(`${base()}/events/${eventId}/redeliver`, { endpointId: flaky.id }, admin);
          assert.deepEqual(assertSuccessEnvelope(queued, 202, 'Redelivery queued'), { eventId, endpointIds: [flaky.id] });
          await waitFor(() => at('/flaky').length >= 5);
          const again = at('/flaky')[4]!;
          assert.equal(again.headers['connxt-event-id'], eventId);
          assert.equal(again.headers['connxt-delivery-attempt'], '1', 'a redelivery, not a fifth retry');
          assert.equal(again.body, deliveries[0]!.body);
          assert.deepEqual(verifySignature({ payload: again.body, header: again.headers['connxt-signature'] as string, secret: flaky.secret }), { ok: true });
          await sleep(1_000);
          assert.equal(at('/flaky').length, 5, 'redelivered once');
          const log = assertSuccessEnvelope(await api.get(`${base()}/webhook-endpoints/${flaky.id}/deliveries`, admin));
          assert.deepEqual(log.items.map((a: { statusCode: number }) => a.statusCode), [200, 200, 503, 503, 503]);
        } finally {
          receiver.answer = () => ({ status: 200, body: 'ok' });
          await remove(`${base()}/webhook-endpoints/${flaky.id}`);
        }
      });

      it('redelivers to a named endpoint whatever its filter, or to every enabled endpoint that takes the event', async () => {
        const taker = await createEndpoint({ url: receiver.url('/taker'), events: ['transaction.succeeded'] });
        const { id: named } = await quietEndpoint('/named');
        const { id: filtered } = await createEndpoint({ url: receiver.url('/filtered'), events: ['transaction.failed'] });
        const { id: off } = await createEndpoint({ url: receiver.url('/off'), enabled: false });
        try {
          const txnId = await paidDeposit();
          const eventId = (await eventIdsOf(txnId)).at(-1)!;
          await waitFor(() => at('/taker').length >= 1);

          const one = await api.post(`${base()}/events/${eventId}/redeliver`, { endpointId: named }, admin);
          assert.deepEqual(assertSuccessEnvelope(one, 202, 'Redelivery queued'), { eventId, endpointIds: [named] });
          const everyone = await api.post(`${base()}/events/${eventId}/redeliver`, {}, admin);
          assert.deepEqual(assertSuccessEnvelope(everyone, 202, 'Redelivery queued'), { eventId, endpointIds: [taker.id] });
          await waitFor(() => at('/named').length >= 1 && at('/taker').length >= 2);
          assert.deepEqual([...at('/named'), ...at('/taker')].map((r) => r.headers['connxt-event-id']), [eventId, eventId, eventId]);
          assert.deepEqual([at('/filtered'), at('/off')], [[], []]);

          assertErrorEnvelope(await api.post(`${base()}/events/${eventId}/redeliver`, { endpointId: off }, admin), 409, '4005');
          assertErrorEnvelope(await api.post(`${base()}/events/${eventId}/redeliver`, { endpointId: 'whe_AAAAAAAAAAAAAAAAAAAAAAAAAA' }, admin), 404, '4004');
          assertErrorEnvelope(await api.post(`${base()}/events/${eventId}/redeliver`, { endpointId: 'nonsense' }, admin), 404, '4004');
          assertErrorEnvelope(await api.post(`${base(otherEnvId)}/events/${eventId}/redeliver`, {}, admin), 404, '4004');
          const { id: foreign } = await createEndpoint({ url: receiver.url('/foreign') }, otherEnvId);
          assertErrorEnvelope(await api.post(`${base()}/events/${eventId}/redeliver`, { endpointId: foreign }, admin), 404, '4004');
          assertErrorEnvelope(await api.post(`${base()}/events/evt_AAAAAAAAAAAAAAAAAAAAAAAAAA/redeliver`, {}, admin), 404, '4004');
          assertErrorEnvelope(await api.post(`${base()}/events/${eventId}/redeliver`, { endpointId: named, extra: 1 }, admin), 400, '4001');
        } finally {
          for (const id of [taker.id, named, filtered, off]) await remove(`${base()}/webhook-endpoints/${id}`);
        }
        const { id: lonely } = await quietEndpoint('/lonely');
        const event = (await eventsOf(await paidDeposit())).at(-1)!;
        assertErrorEnvelope(await api.post(`${base()}/events/${event.id}/redeliver`, {}, admin), 409, '4005');
        await remove(`${base()}/webhook-endpoints/${lonely}`);
      });
    });
  });
}
