import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IdempotencyStore } from '../src/idempotency/idempotency-store.js';
import { useEngine } from './helpers/engine.js';
import { FakePsp } from './helpers/fake-psp.js';
import { assertErrorEnvelope, assertSuccessEnvelope, client, type Response } from './helpers/http.js';
import { specCreatePspBody } from './helpers/spec-examples.js';
import { storeCases } from './helpers/stores.js';
import { depositBody, setUpTestGateway, testGatewayHandler, type TestGateway, otherTenantWithGateway } from './helpers/test-gateway.js';

const createdMessage = 'Transaction created successfully';
const inFlightMessage = 'A request with this Idempotency-Key is still being processed';
const mismatchMessage = 'Idempotency-Key was already used for a different request';

for (const storeCase of storeCases()) {
  describe(`Idempotency-Key [${storeCase.kind}]`, () => {
    const ctx = useEngine(storeCase, { sandbox: { timeoutMs: 2_000 } });
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );
    const psp = new FakePsp(testGatewayHandler);
    let gateway: TestGateway;
    let other: { environmentId: string; token: string; gateway: TestGateway };

    const create = (body: unknown, key?: string, token?: string) =>
      api.post('/connxt/v2/transactions', body, {
        ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
        ...(token === undefined ? {} : { token }),
      });
    const count = async (sql: string, params: unknown[]) =>
      Number((await ctx.t.db.query<{ n: string }>(sql, params)).rows[0]!.n);
    const transactionsForOrder = (environmentId: string, orderId: string) =>
      count('SELECT count(*) AS n FROM transactions WHERE environment_id = $1 AND order_id = $2', [environmentId, orderId]);
    const pspCallsFor = (txnId: string) => psp.requests.filter((r) => (r.body as { orderId?: unknown } | null)?.orderId === txnId).length;
    const replayed = (res: Response) => res.headers['idempotent-replayed'];
    /** A replay must be the first answer byte for byte (same key order too), not merely equal JSON. */
    const assertSameBytes = (res: Response, first: Response, message = 'a replay is byte-identical to the first answer') =>
      assert.equal(res.body, first.body, message);

    before(async () => {
      await psp.start();
      const demo = ctx.t.engine.demo!;
      gateway = await setUpTestGateway(ctx.t.engine.app, ctx.t.demoToken!, demo.environmentId, psp);
      other = await otherTenantWithGateway(ctx.t.engine, psp, { brand: 'Idempotency other brand', gateway: 'Other Test Gateway' });
    });
    after(() => psp.stop());

    it('runs 50 parallel requests under one key once: one transaction, one PSP call, then replays byte for byte', async () => {
      const demo = ctx.t.engine.demo!;
      const key = 'parallel-key-0001';
      const orderId = 'order-idem-parallel';
      const body = depositBody(gateway, { orderId });
      const pspCallsBefore = psp.requests.length;
      psp.handler = (request) => ({ ...testGatewayHandler(request), delayMs: 300 });
      let responses: Response[];
      try {
        responses = await Promise.all(Array.from({ length: 50 }, () => create(body, key)));
      } finally {
        psp.handler = testGatewayHandler;
      }

      const ran = responses.filter((res) => res.statusCode === 200 && replayed(res) === undefined);
      assert.equal(ran.length, 1, 'exactly one request ran the transaction');
      const first = ran[0]!;
      const data = assertSuccessEnvelope(first, 200, createdMessage);
      assert.match(data.txnId, /^ortx[0-9A-Za-z]{12}$/);
      let inFlight = 0;
      for (const res of responses) {
        if (res === first) continue;
        if (res.statusCode === 200) {
          assert.equal(replayed(res), 'true');
          assertSameBytes(res, first);
          continue;
        }
        const error = assertErrorEnvelope(res, 409, '4005');
        assert.equal(error.message, inFlightMessage);
        assert.equal(replayed(res), undefined);
        inFlight += 1;
      }
      assert.ok(inFlight > 0, 'the requests overlapped (the PSP answered after 300 ms)');

      assert.equal(await transactionsForOrder(demo.environmentId, orderId), 1);
      assert.equal(psp.requests.length - pspCallsBefore, 1, 'one request reached the PSP');
      assert.equal(pspCallsFor(data.txnId), 1);

      const retry = await create(body, key);
      assert.equal(retry.statusCode, 200, retry.body);
      assert.equal(replayed(retry), 'true');
      assertSameBytes(retry, first);
      assert.equal(pspCallsFor(data.txnId), 1, 'the replay did not call the PSP');
      assert.equal(psp.requests.length - pspCallsBefore, 1);
      assert.equal(await transactionsForOrder(demo.environmentId, orderId), 1);
    });

    it('refuses the key for a different request, and keeps keys of other environments apart', async () => {
      const demo = ctx.t.engine.demo!;
      const key = 'shared-key-0002';
      const body = depositBody(gateway, { orderId: 'order-idem-scope', scenario: 'success' });
      const first = await create(body, key);
      const data = assertSuccessEnvelope(first, 200, createdMessage);
      assert.equal(data.status, 'SUCCESS');

      const pspCallsBefore = psp.requests.length;
      const changed = depositBody(gateway, { orderId: 'order-idem-scope-2', scenario: 'success' });
      const mismatch = assertErrorEnvelope(await create(changed, key), 409, '4005');
      assert.equal(mismatch.message, mismatchMessage);
      assert.match(mismatch.message, /different request/);
      assert.equal(await transactionsForOrder(demo.environmentId, 'order-idem-scope-2'), 0);
      // The same key on another route is another request too.
      const onPsps = assertErrorEnvelope(
        await api.post('/connxt/v2/psps/external', body, { headers: { 'idempotency-key': key } }),
        409,
        '4005',
      );
      assert.equal(onPsps.message, mismatchMessage);
      assert.equal(psp.requests.length, pspCallsBefore, 'a refused request never reaches the PSP');

      // Another environment: the key is free there, even for the same order id.
      const elsewhere = await create(depositBody(other.gateway, { orderId: 'order-idem-scope', scenario: 'success' }), key, other.token);
      const otherData = assertSuccessEnvelope(elsewhere, 200, createdMessage);
      assert.equal(replayed(elsewhere), undefined);
      assert.notEqual(otherData.txnId, data.txnId);
      assert.equal(otherData.status, 'SUCCESS');
      assert.equal(pspCallsFor(otherData.txnId), 1);
      assert.equal(await transactionsForOrder(other.environmentId, 'order-idem-scope'), 1);
      assert.equal(await transactionsForOrder(demo.environmentId, 'order-idem-scope'), 1);

      // Each environment still replays its own answer.
      const again = await create(body, key);
      assert.equal(replayed(again), 'true');
      assertSameBytes(again, first);
      const otherAgain = await create(depositBody(other.gateway, { orderId: 'order-idem-scope', scenario: 'success' }), key, other.token);
      assert.equal(replayed(otherAgain), 'true');
      assertSameBytes(otherAgain, elsewhere);
      assert.equal(
        await count('SELECT count(*) AS n FROM idempotency_keys WHERE key = $1', [key]),
        2,
        'one row per environment',
      );
    });

    it('stores a client error under its key and replays it', async () => {
      const demo = ctx.t.engine.demo!;
      const key = 'client-error-key-0003';
      const body = depositBody(gateway, { orderId: 'order-idem-4xx', currency: 'usd' });
      const first = await create(body, key);
      const error = assertErrorEnvelope(first, 400, '4001');
      assert.deepEqual(error.errors.map((e) => e.field), ['txnCurrency']);
      assert.equal(replayed(first), undefined);

      const again = await create(body, key);
      assert.equal(again.statusCode, 400);
      assert.equal(replayed(again), 'true');
      assertSameBytes(again, first);

      const { rows } = await ctx.t.db.query<{ state: string; response_status: number }>(
        'SELECT state, response_status FROM idempotency_keys WHERE environment_id = $1 AND key = $2',
        [demo.environmentId, key],
      );
      assert.deepEqual(rows, [{ state: 'done', response_status: 400 }]);
      assert.equal(await transactionsForOrder(demo.environmentId, 'order-idem-4xx'), 0);

      // A conflict (4005) is a client error too: a second order under a new key is refused, and replayed.
      const dupKey = 'client-error-key-0004';
      const dupBody = depositBody(gateway, { orderId: 'order-idem-parallel' });
      const conflict = assertErrorEnvelope(await create(dupBody, dupKey), 409, '4005');
      assert.match(conflict.message, /already exists: ortx/);
      const conflictAgain = await create(dupBody, dupKey);
      assert.equal(conflictAgain.statusCode, 409);
      assert.equal(replayed(conflictAgain), 'true');
    });

    it('refuses a malformed Idempotency-Key with 4001 naming the header', async () => {
      const demo = ctx.t.engine.demo!;
      for (const key of ['k'.repeat(300), 'k'.repeat(256), 'has a space', 'tab\there', 'caf\u00e9', '']) {
        const res = await create(depositBody(gateway, { orderId: 'order-idem-badkey' }), key);
        const error = assertErrorEnvelope(res, 400, '4001');
        assert.deepEqual(error.errors.map((e) => e.field), ['Idempotency-Key'], JSON.stringify(key));
        assert.equal(replayed(res), undefined);
      }
      assert.equal(await transactionsForOrder(demo.environmentId, 'order-idem-badkey'), 0);
      // 255 visible characters is the longest key allowed.
      const longest = await create(depositBody(gateway, { orderId: 'order-idem-longest-key', scenario: 'success' }), 'k'.repeat(255));
      assertSuccessEnvelope(longest, 200, createdMessage);
    });

    it('creates a PSP once under a key; without a key the duplicate name is a 409', async () => {
      const demo = ctx.t.engine.demo!;
      const key = 'psp-key-0005';
      const body = { ...specCreatePspBody(), name: 'Sticpay idempotent' };
      const first = await api.post('/connxt/v2/psps/external', body, { headers: { 'idempotency-key': key } });
      const created = assertSuccessEnvelope(first);
      const second = await api.post('/connxt/v2/psps/external', body, { headers: { 'idempotency-key': key } });
      assert.equal(replayed(second), 'true');
      assert.equal(assertSuccessEnvelope(second).id, created.id);
      assertSameBytes(second, first);
      assert.equal(
        await count('SELECT count(*) AS n FROM psps WHERE environment_id = $1 AND name = $2', [demo.environmentId, 'Sticpay idempotent']),
        1,
      );

      const plain = { ...specCreatePspBody(), name: 'Sticpay without key' };
      assertSuccessEnvelope(await api.post('/connxt/v2/psps/external', plain));
      const duplicate = await api.post('/connxt/v2/psps/external', plain);
      assertErrorEnvelope(duplicate, 409, '4005');
      assert.equal(replayed(duplicate), undefined);
      assert.equal(
        await count('SELECT count(*) AS n FROM psps WHERE environment_id = $1 AND name = $2', [demo.environmentId, 'Sticpay without key']),
        1,
      );
    });

    it('expires keys after their retention and takes over abandoned claims of the same request', async () => {
      const environmentId = ctx.t.engine.demo!.environmentId;
      const start = Date.now();
      let now = new Date(start);
      const store = new IdempotencyStore({ db: ctx.t.db, clock: { now: () => now }, retentionMs: 60_000, claimTimeoutMs: 10_000 });
      const at = (ms: number) => {
        now = new Date(start + ms);
      };
      const rowsOf = (key: string) =>
        count('SELECT count(*) AS n FROM idempotency_keys WHERE environment_id = $1 AND key = $2', [environmentId, key]);

      // claim → in flight → complete → replay
      assert.deepEqual(await store.claim(environmentId, 'store-a', 'hash-1'), { kind: 'claimed' });
      assert.deepEqual(await store.claim(environmentId, 'store-a', 'hash-1'), { kind: 'in_flight' });
      assert.deepEqual(await store.claim(environmentId, 'store-a', 'hash-2'), { kind: 'mismatch' });
      await store.complete(environmentId, 'store-a', 201, { id: 'x', nested: { n: 1 } });
      at(59_000);
      assert.deepEqual(await store.claim(environmentId, 'store-a', 'hash-1'), { kind: 'replay', status: 201, body: { id: 'x', nested: { n: 1 } } });
      assert.deepEqual(await store.claim(environmentId, 'store-a', 'hash-2'), { kind: 'mismatch' });
      // Past the retention the key is free again, for any request.
      at(60_000);
      assert.deepEqual(await store.claim(environmentId, 'store-a', 'hash-2'), { kind: 'claimed' });
      assert.deepEqual(await store.claim(environmentId, 'store-a', 'hash-2'), { kind: 'in_flight' });

      // An abandoned claim (no answer within claimTimeoutMs)
      at(100_000);
      assert.deepEqual(await store.claim(environmentId, 'store-b', 'hash-1'), { kind: 'claimed' });
      at(109_999);
      assert.deepEqual(await store.claim(environmentId, 'store-b', 'hash-1'), { kind: 'in_flight' });
      at(110_000);
      assert.deepEqual(await store.claim(environmentId, 'store-b', 'hash-2'), { kind: 'mismatch' });
      assert.deepEqual(await store.claim(environmentId, 'store-b', 'hash-1'), { kind: 'claimed' });
      assert.deepEqual(await store.claim(environmentId, 'store-b', 'hash-1'), { kind: 'in_flight' }, 'the takeover holds a new claim');

      // release frees an in-flight claim, never a finished answer
      assert.deepEqual(await store.claim(environmentId, 'store-c', 'hash-1'), { kind: 'claimed' });
      await store.release(environmentId, 'store-c');
      assert.equal(await rowsOf('store-c'), 0);
      assert.deepEqual(await store.claim(environmentId, 'store-c', 'hash-1'), { kind: 'claimed' });
      await store.complete(environmentId, 'store-c', 200, { ok: true });
      await store.release(environmentId, 'store-c');
      assert.deepEqual(await store.claim(environmentId, 'store-c', 'hash-1'), { kind: 'replay', status: 200, body: { ok: true } });

      // purgeExpired: store-a expires at 120 000, store-b at 170 000, store-c at 170 000.
      at(119_999);
      assert.equal(await store.purgeExpired(), 0);
      at(120_000);
      assert.equal(await store.purgeExpired(), 1);
      assert.equal(await rowsOf('store-a'), 0);
      assert.equal(await rowsOf('store-b'), 1);
      at(170_000);
      assert.equal(await store.purgeExpired(), 2);
      assert.equal(await rowsOf('store-b'), 0);
      assert.equal(await rowsOf('store-c'), 0);
      assert.equal(await store.purgeExpired(), 0);
      // Keys of the engine's own requests (24 h retention) were not touched.
      assert.ok((await count('SELECT count(*) AS n FROM idempotency_keys WHERE environment_id = $1', [environmentId])) > 0);
    });
  });
}
