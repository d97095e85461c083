import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../logger.js';
import type { Db } from '../store/db.js';
import { openPgliteDb } from '../store/pglite-db.js';
import { defaultDeliveryRetry, JobQueue, type DeliveryJob } from './job-queue.js';
import { orderedUuid } from './ordered-uuid.js';

describe('job queue: a backlog of deliveries', () => {
  let db: Db;
  let queue: JobQueue;
  before(async () => {
    db = await openPgliteDb();
    // A slow poll and small batches: one batch per polling interval would take a minute here.
    queue = await JobQueue.start(db, createLogger('silent'), {
      schema: 'pgboss',
      retry: defaultDeliveryRetry,
      pollingIntervalSeconds: 3,
      attemptTimeoutSeconds: 60,
    });
  });
  after(async () => {
    await queue.stop(1_000);
    await db.close();
  });

  it('is worked batch after batch without waiting the polling interval, each transaction in order', async () => {
    const jobs = Array.from({ length: 100 }, (_, n) => ({
      id: orderedUuid(),
      eventId: `evt_${String(n).padStart(3, '0')}`,
      endpointId: 'whe_1',
      transactionId: `ortx${n % 10}`,
    }));
    await db.transaction((tx) => queue.enqueueDeliveries(tx, jobs));
    const handled: DeliveryJob[] = [];
    const started = Date.now();
    await queue.workDeliveries(async (job) => void handled.push(job), { batchSize: 5 });
    while (handled.length < jobs.length && Date.now() - started < 30_000) await new Promise((resolve) => setTimeout(resolve, 50));
    const seconds = (Date.now() - started) / 1000;
    assert.equal(handled.length, jobs.length);
    assert.ok(seconds < 15, `20 batches took ${seconds} s: the worker waited its polling interval between them`);
    for (let n = 0; n < 10; n += 1) {
      const stream = handled.filter((job) => job.transactionId === `ortx${n}`).map((job) => job.eventId);
      assert.deepEqual(stream, [...stream].sort(), `transaction ortx${n}'s events in order`);
    }
  });
});
