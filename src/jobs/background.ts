import type { Logger } from '../logger.js';
import type { Db } from '../store/db.js';
import { JobQueue, type DeliveryJob, type DeliveryRetryPolicy } from './job-queue.js';
import { OutboxRelay } from './outbox-relay.js';

export interface BackgroundOptions {
  /** PostgreSQL schema of pg-boss's tables. */
  jobsSchema: string;
  deliveryRetry: DeliveryRetryPolicy;
  /** How often an idle delivery worker asks pg-boss for jobs (0.5 s and up). */
  pollingIntervalSeconds: number;
  /** Deliveries one worker fetches at a time. */
  deliveryBatchSize: number;
  /** How often an idle relay looks at the outbox. */
  relayIntervalMs: number;
  /** How often the janitor looks for transactions due a status check. */
  janitorIntervalMs: number;
  /**
   * How long a delivery may stay in this worker's hands before the queue takes it back and retries
   * it (default 2 minutes): after a crash, its deliveries in flight are sent again this much later.
   */
  deliveryLeaseSeconds?: number;
}

const defaultDeliveryLeaseSeconds = 120;

export interface BackgroundDeps {
  db: Db;
  logger: Logger;
  deliverer: { deliver(job: DeliveryJob): Promise<void> };
  janitor: { runOnce(): Promise<number>; readonly batchSize: number };
}

/**
 * The work a `worker` (or `all`) process does besides HTTP: relay the outbox to the delivery
 * queue, deliver merchant webhooks, and reconcile transactions that have not settled. Every part
 * is safe to run in several processes on one PostgreSQL: rows are claimed with SKIP LOCKED.
 */
export class Background {
  readonly #loops: Promise<void>[] = [];
  readonly #wakers = new Set<() => void>();
  #running = true;

  private constructor(
    private readonly deps: BackgroundDeps,
    private readonly queue: JobQueue,
  ) {}

  static async start(deps: BackgroundDeps, options: BackgroundOptions): Promise<Background> {
    const queue = await JobQueue.start(deps.db, deps.logger, {
      schema: options.jobsSchema,
      retry: options.deliveryRetry,
      pollingIntervalSeconds: options.pollingIntervalSeconds,
      // Longer than a delivery's own timeout, so only a dead process's attempt is taken back.
      attemptTimeoutSeconds: options.deliveryLeaseSeconds ?? defaultDeliveryLeaseSeconds,
    });
    const background = new Background(deps, queue);
    const relay = new OutboxRelay({ db: deps.db, queue });
    background.#loop('outbox relay', options.relayIntervalMs, async () => (await relay.relayOnce()).full);
    // A full claim means more are due: a backlog after downtime drains at full speed.
    background.#loop('reconciliation', options.janitorIntervalMs, async () => (await deps.janitor.runOnce()) >= deps.janitor.batchSize);
    await queue.workDeliveries((job) => deps.deliverer.deliver(job), { batchSize: options.deliveryBatchSize });
    return background;
  }

  /** Finishes the pass in hand of each loop and the deliveries in flight (up to `timeoutMs`), then stops. */
  async stop(timeoutMs: number): Promise<void> {
    this.#running = false;
    for (const wake of this.#wakers) wake();
    await Promise.all(this.#loops);
    await this.queue.stop(timeoutMs);
  }

  /** Runs `pass` until stop(); right away again when it says there is more, else after `idleMs`. */
  #loop(name: string, idleMs: number, pass: () => Promise<boolean>): void {
    const run = async () => {
      while (this.#running) {
        let more = false;
        try {
          more = await pass();
        } catch (err) {
          this.deps.logger.error({ err, loop: name }, 'background pass failed; retrying');
        }
        if (!more) await this.#sleep(idleMs);
      }
    };
    this.#loops.push(run());
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wakers.add(wake);
    });
  }
}
