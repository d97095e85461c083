import type { Db } from '../store/db.js';
import type { DeliveryJobData, JobQueue } from './job-queue.js';
import { orderedUuid } from './ordered-uuid.js';

interface TakenRow {
  outbox_id: string;
  event_id: string;
  transaction_id: string;
  endpoint_id: string | null;
}

/**
 * Moves merchant events from the outbox (written with each status change) to the delivery queue:
 * one job per event and endpoint. Taking the rows, fanning them out and queueing the jobs is one
 * database transaction, so an event is queued exactly once even with several relays running
 * (SKIP LOCKED gives each its own rows) or a crash in between (the rows come back).
 */
export class OutboxRelay {
  readonly #db: Db;
  readonly #queue: Pick<JobQueue, 'enqueueDeliveries'>;
  readonly #batchSize: number;

  constructor(deps: { db: Db; queue: Pick<JobQueue, 'enqueueDeliveries'>; batchSize?: number }) {
    this.#db = deps.db;
    this.#queue = deps.queue;
    this.#batchSize = deps.batchSize ?? 500;
  }

  /** One batch; answers how many outbox rows it took (a full batch means: call again). */
  async relayOnce(): Promise<{ taken: number; queued: number; full: boolean }> {
    return this.#db.transaction(async (tx) => {
      const { rows } = await tx.query<TakenRow>(
        `WITH taken AS (
           DELETE FROM event_outbox
            WHERE id IN (SELECT id FROM event_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
           RETURNING id, event_id, endpoint_id
         )
         SELECT taken.id AS outbox_id, e.id AS event_id, e.transaction_id, w.id AS endpoint_id
           FROM taken
           JOIN merchant_events e ON e.id = taken.event_id
           LEFT JOIN webhook_endpoints w
             ON w.environment_id = e.environment_id AND w.deleted_at IS NULL
            AND (taken.endpoint_id = w.id
                 OR (taken.endpoint_id IS NULL AND w.enabled AND (w.events IS NULL OR w.events ? e.type)))
          ORDER BY taken.id, w.id`,
        [this.#batchSize],
      );
      const jobs: (DeliveryJobData & { id: string })[] = [];
      for (const row of rows) {
        if (row.endpoint_id === null) continue; // no endpoint takes this event
        jobs.push({ id: orderedUuid(), eventId: row.event_id, endpointId: row.endpoint_id, transactionId: row.transaction_id });
      }
      await this.#queue.enqueueDeliveries(tx, jobs);
      const taken = new Set(rows.map((row) => row.outbox_id)).size;
      return { taken, queued: jobs.length, full: taken === this.#batchSize };
    });
  }
}
