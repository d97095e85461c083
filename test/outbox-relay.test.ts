import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { tenantId } from '../src/ids.js';
import { defaultDeliveryRetry, JobQueue } from '../src/jobs/job-queue.js';
import { OutboxRelay } from '../src/jobs/outbox-relay.js';
import type { Queryable } from '../src/store/db.js';
import { useEngine } from './helpers/engine.js';
import { FakePsp } from './helpers/fake-psp.js';
import { assertSuccessEnvelope, client } from './helpers/http.js';
import { spec } from './helpers/spec-examples.js';
import { storeCases } from './helpers/stores.js';
import { depositBody, setUpTestGateway, testGatewayHandler, type TestGateway } from './helpers/test-gateway.js';

const created = 'Transaction created successfully';

for (const storeCase of storeCases()) {
  describe(`merchant events outbox and relay [${storeCase.kind}]`, () => {
    const ctx = useEngine(storeCase, { background: { relayIntervalMs: 60_000 } });
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );
    const psp = new FakePsp(testGatewayHandler);
    let gateway: TestGateway;
    const db = () => ctx.t.db;
    const jobsSchema = () => ctx.store.jobsSchema;

    const addEndpoint = async (events: string[] | null, options: { enabled?: boolean; deleted?: boolean } = {}) => {
      const id = tenantId('whe');
      await db().query(
        `INSERT INTO webhook_endpoints (id, environment_id, url, events, enabled, secret, created_at, updated_at, deleted_at)
         VALUES ($1, $2, 'http://127.0.0.1:9/hook', $3, $4, $5, now(), now(), $6)`,
        [id, ctx.t.engine.demo!.environmentId, events === null ? null : JSON.stringify(events), options.enabled ?? true, randomBytes(40), options.deleted ? new Date() : null],
      );
      return id;
    };
    const queuedJobs = async () =>
      (
        await db().query<{ data: { eventId: string; endpointId: string; transactionId: string } }>(
          `SELECT data FROM ${jobsSchema()}.job WHERE name = 'merchant-webhook-delivery' ORDER BY created_on, id`,
        )
      ).rows.map((row) => row.data);
    const eventsOf = async (txnId: string) =>
      (
        await db().query<{ id: string; seq: number; type: string; payload: string }>(
          'SELECT id, seq, type, payload::text AS payload FROM merchant_events WHERE transaction_id = $1 ORDER BY seq',
          [txnId],
        )
      ).rows;

    before(async () => {
      await psp.start();
      gateway = await setUpTestGateway(ctx.t.engine.app, ctx.t.demoToken!, ctx.t.engine.demo!.environmentId, psp);
    });
    after(() => psp.stop());

    it('writes one event per status change, with the snapshot and the previous status, in the statement that made it', async () => {
      const data = assertSuccessEnvelope(await api.post('/connxt/v2/transactions', depositBody(gateway, { scenario: 'redirect', orderId: 'order-events-1' })), 200, created);
      const txnId = data.txnId as string;
      const events = await eventsOf(txnId);
      assert.deepEqual(
        events.map((event) => [event.seq, event.type]),
        [
          [1, 'transaction.new'],
          [2, 'transaction.created'],
          [3, 'transaction.initiated'],
          [4, 'transaction.pg_accepted'],
        ],
      );
      const last = JSON.parse(events[3]!.payload) as Record<string, unknown>;
      assert.deepEqual(Object.keys(last), ['id', 'type', 'createdAt', 'environmentId', 'data']);
      assert.equal(last.id, events[3]!.id);
      assert.match(last.createdAt as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const body = last.data as { previousStatus: string; sequence: number; transaction: Record<string, unknown> };
      assert.equal(body.previousStatus, 'INITIATED');
      assert.equal(body.sequence, 4);
      assert.deepEqual(
        { ...body.transaction, createdAt: undefined, updatedAt: undefined },
        {
          txnId,
          status: 'PG_ACCEPTED',
          action: 'DEPOSIT',
          transactionType: data.transactionType ?? 'deposit',
          txnAmount: '200.00',
          txnCurrency: 'USD',
          orderId: 'order-events-1',
          customerId: (body.transaction.customerId as string | null) ?? null,
          pspId: gateway.pspId,
          pspTxnId: `pg_${txnId}`,
          parentTxnId: null,
          flowActionId: spec.actions.DEPOSIT,
          flowTargetId: gateway.targetId,
          createdAt: undefined,
          updatedAt: undefined,
        },
      );
      assert.equal(JSON.parse(events[0]!.payload).data.previousStatus, null);
    });

    it('relays each event once to every endpoint whose filter takes it, in order, and never to deleted ones', async () => {
      const relay = new OutboxRelay({ db: db(), queue: { enqueueDeliveries: (tx: Queryable, jobs) => enqueue(tx, jobs) } });
      // The engine's own relay is idle for a minute here; this one is driven by hand.
      const enqueue = async (_tx: Queryable, jobs: { eventId: string; endpointId: string }[]) => {
        relayed.push(...jobs.map((job) => `${job.eventId}>${job.endpointId}`));
      };
      const relayed: string[] = [];
      await relay.relayOnce(); // drain what earlier tests wrote
      relayed.length = 0;
      const all = await addEndpoint(null);
      const onlySuccess = await addEndpoint(['transaction.pg_accepted']);
      await addEndpoint(null, { enabled: false });
      await addEndpoint(null, { deleted: true });
      const data = assertSuccessEnvelope(await api.post('/connxt/v2/transactions', depositBody(gateway, { scenario: 'redirect', orderId: 'order-events-2' })), 200, created);
      const events = await eventsOf(data.txnId as string);
      const first = await relay.relayOnce();
      assert.equal(first.taken, 4);
      assert.deepEqual([...relayed].sort(), [...events.map((event) => `${event.id}>${all}`), `${events[3]!.id}>${onlySuccess}`].sort());
      assert.deepEqual(
        relayed.filter((job) => job.endsWith(all)),
        events.map((event) => `${event.id}>${all}`),
        'in the order the statuses changed',
      );
      assert.deepEqual(await relay.relayOnce(), { taken: 0, queued: 0, full: false });
    });

    it('hands the jobs to pg-boss in the same database transaction, in event order', async () => {
      const endpoint = await addEndpoint(['transaction.new', 'transaction.created', 'transaction.initiated', 'transaction.pg_accepted']);
      const before = (await queuedJobs()).length;
      const data = assertSuccessEnvelope(await api.post('/connxt/v2/transactions', depositBody(gateway, { scenario: 'redirect', orderId: 'order-events-3' })), 200, created);
      // A second queue client on the same tables, as another process would have.
      const queue = await JobQueue.start(db(), ctx.t.engine.services.logger, {
        schema: jobsSchema(),
        retry: defaultDeliveryRetry,
        pollingIntervalSeconds: 1,
        attemptTimeoutSeconds: 60,
      });
      try {
        await new OutboxRelay({ db: db(), queue }).relayOnce();
      } finally {
        await queue.stop(1_000);
      }
      const jobs = (await queuedJobs()).slice(before).filter((job) => job.endpointId === endpoint);
      assert.deepEqual(
        jobs.map((job) => job.eventId),
        (await eventsOf(data.txnId as string)).map((event) => event.id),
      );
      assert.ok(jobs.every((job) => job.transactionId === data.txnId));
    });
  });
}
