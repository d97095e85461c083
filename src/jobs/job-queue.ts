import PgBoss from 'pg-boss';
import type { Logger } from '../logger.js';
import type { Db, Queryable } from '../store/db.js';
import { bossDb, bossTransactionDb } from './boss-db.js';

/** The queue of merchant webhook deliveries: one job per (event, endpoint). */
export const deliveryQueue = 'merchant-webhook-delivery';

export interface DeliveryJobData {
  eventId: string;
  endpointId: string;
  /** The events of one transaction go to one endpoint one after another, in order. */
  transactionId: string;
}

export interface DeliveryRetryPolicy {
  /** Retries after the first attempt. */
  retryLimit: number;
  /** Seconds before the first retry; doubled (with jitter) for each later one when `backoff`. */
  retryDelaySeconds: number;
  backoff: boolean;
}

/**
 * About three days of retries: pg-boss waits retryDelay × 2^n × (1 to 2) before retry n, so 15
 * retries from 5 s add up to about 2.8 days on average, 16 attempts in all, under one event id.
 */
export const defaultDeliveryRetry: DeliveryRetryPolicy = { retryLimit: 15, retryDelaySeconds: 5, backoff: true };

export interface JobQueueOptions {
  /** PostgreSQL schema of pg-boss's tables. */
  schema: string;
  retry: DeliveryRetryPolicy;
  /** How often an idle worker looks for jobs (pg-boss allows 0.5 s and up). */
  pollingIntervalSeconds: number;
  /** An attempt still running after this is failed and retried (a process died holding it). */
  attemptTimeoutSeconds: number;
}

/** pg-boss's own maintenance interval, which is also how often it takes back expired jobs. */
const maintenanceIntervalSeconds = 120;

export interface DeliveryJob extends DeliveryJobData {
  /** 1 for the first attempt. */
  attempt: number;
  /** True on the last attempt pg-boss will make. */
  lastAttempt: boolean;
}

/**
 * pg-boss on the engine's store. Each process that works jobs starts one; pg-boss's fetch takes
 * jobs with SKIP LOCKED, so with several processes a job is worked by exactly one at a time.
 */
export class JobQueue {
  readonly #boss: PgBoss;
  readonly #options: JobQueueOptions;
  readonly #logger: Logger;

  private constructor(boss: PgBoss, options: JobQueueOptions, logger: Logger) {
    this.#boss = boss;
    this.#options = options;
    this.#logger = logger;
  }

  static async start(db: Db, logger: Logger, options: JobQueueOptions): Promise<JobQueue> {
    const boss = new PgBoss({
      db: bossDb(db),
      schema: options.schema,
      // Cron schedules are not used: reconciliation runs its own loop (see background.ts).
      schedule: false,
      supervise: true,
      // Expired attempts are taken back in the maintenance pass: with a lease shorter than its
      // interval, the pass runs as often as the lease, so a crashed delivery waits about one lease.
      maintenanceIntervalSeconds: Math.min(maintenanceIntervalSeconds, options.attemptTimeoutSeconds),
      migrate: true,
    });
    boss.on('error', (err: unknown) => logger.error({ err }, 'job queue error'));
    await boss.start();
    const queue = new JobQueue(boss, options, logger);
    await queue.#ensureQueue();
    return queue;
  }

  /**
   * Queues deliveries inside the caller's database transaction: with it, or not at all. Jobs
   * inserted together share created_on, so their ids (ordered UUIDs) keep them in order.
   */
  async enqueueDeliveries(tx: Queryable, jobs: (DeliveryJobData & { id: string })[]): Promise<void> {
    if (jobs.length === 0) return;
    const { retry, attemptTimeoutSeconds } = this.#options;
    await this.#boss.insert(
      jobs.map(({ id, ...data }) => ({
        id,
        name: deliveryQueue,
        data,
        retryLimit: retry.retryLimit,
        retryDelay: retry.retryDelaySeconds,
        retryBackoff: retry.backoff,
        expireInSeconds: attemptTimeoutSeconds,
      })),
      { db: bossTransactionDb(tx) },
    );
  }

  /**
   * Works deliveries until stop(). A handler that throws fails the attempt, and pg-boss retries it
   * later per the job's policy; one that returns completes it.
   */
  async workDeliveries(handler: (job: DeliveryJob) => Promise<void>, options: { batchSize: number }): Promise<void> {
    const worker: { id?: string } = {};
    worker.id = await this.#boss.work<DeliveryJobData>(
      deliveryQueue,
      { batchSize: options.batchSize, includeMetadata: true, pollingIntervalSeconds: this.#options.pollingIntervalSeconds },
      async (jobs) => {
        // pg-boss hands jobs oldest first. The events of one transaction for one endpoint go one
        // after another in that order; different transactions go side by side.
        const streams = new Map<string, typeof jobs>();
        for (const job of jobs) {
          const key = `${job.data.transactionId}/${job.data.endpointId}`;
          streams.set(key, [...(streams.get(key) ?? []), job]);
        }
        let failed = 0;
        await Promise.all(
          [...streams.values()].map(async (stream) => {
            for (const job of stream) {
              try {
                await handler({ ...job.data, attempt: job.retryCount + 1, lastAttempt: job.retryCount >= job.retryLimit });
                await this.#boss.complete(deliveryQueue, job.id);
              } catch (err) {
                failed += 1;
                await this.#boss.fail(deliveryQueue, job.id, { message: err instanceof Error ? err.message : String(err) });
              }
            }
          }),
        );
        if (failed > 0) this.#logger.debug({ failed }, 'delivery attempts failed; pg-boss retries them');
        // More may be waiting: fetch again at once. The polling interval paces an idle worker
        // only; after a batch it would cap deliveries at one batch per interval (20 a second).
        if (worker.id !== undefined) this.#boss.notifyWorker(worker.id);
      },
    );
  }

  /** Stops fetching, lets the jobs in hand finish (up to `timeoutMs`), then stops pg-boss. */
  async stop(timeoutMs: number): Promise<void> {
    await this.#boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: false });
  }

  async #ensureQueue(): Promise<void> {
    if ((await this.#boss.getQueue(deliveryQueue)) !== null) return;
    try {
      await this.#boss.createQueue(deliveryQueue, { name: deliveryQueue, policy: 'standard' });
    } catch (err) {
      // Another process created it between the look and the create.
      if ((await this.#boss.getQueue(deliveryQueue)) === null) throw err;
    }
  }
}
