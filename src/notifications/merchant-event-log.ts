import type { Clock } from '../clock.js';
import { AppError, type FieldError } from '../errors.js';
import { isTenantId, isTransactionId } from '../ids.js';
import type { Db } from '../store/db.js';
import { isMerchantEventType } from './event-types.js';
import {
  deliveriesByEndpoint,
  deliveryAttemptColumns,
  endpointDeliveryView,
  merchantEventColumns,
  merchantEventView,
  type DeliveryAttemptRow,
  type MerchantEventRow,
} from './merchant-event-view.js';

export interface MerchantEventLogDeps {
  db: Db;
  clock: Clock;
}

export interface EventListQuery {
  limit: number;
  cursor?: string;
  transactionId?: string;
  type?: string;
}

export interface DeliveryListQuery {
  limit: number;
  cursor?: string;
}

const eventNotFound = () => AppError.notFound('Event not found');
const endpointNotFound = () => AppError.notFound('Webhook endpoint not found');

/**
 * An environment's merchant events, what happened to each delivery, and redelivery. Every query
 * names the environment, so another environment's ids are simply not found.
 */
export class MerchantEventLog {
  readonly #deps: MerchantEventLogDeps;

  constructor(deps: MerchantEventLogDeps) {
    this.#deps = deps;
  }

  /**
   * Newest first; the cursor is the id of the last event of the previous page. The events of one
   * status change share a time, so the transaction and sequence order them among themselves.
   */
  async listEvents(environmentId: string, query: EventListQuery) {
    const errors: FieldError[] = [];
    if (query.cursor !== undefined && !isTenantId('evt', query.cursor)) errors.push({ field: 'cursor', message: 'is not an event id' });
    if (query.transactionId !== undefined && !isTransactionId(query.transactionId)) {
      errors.push({ field: 'transactionId', message: 'is not a transaction id' });
    }
    if (query.type !== undefined && !isMerchantEventType(query.type)) errors.push({ field: 'type', message: 'is not an event type' });
    if (errors.length > 0) throw AppError.validation(errors);
    await this.#assertEnvironment(environmentId);
    const { rows } = await this.#deps.db.query<MerchantEventRow>(
      `WITH after AS (SELECT created_at, transaction_id, seq FROM merchant_events WHERE id = $2 AND environment_id = $1)
       SELECT ${merchantEventColumns}
         FROM merchant_events
        WHERE environment_id = $1
          AND ($2::text IS NULL OR (created_at, transaction_id, seq) < (SELECT created_at, transaction_id, seq FROM after))
          AND ($3::text IS NULL OR transaction_id = $3)
          AND ($4::text IS NULL OR type = $4)
        ORDER BY created_at DESC, transaction_id DESC, seq DESC
        LIMIT $5`,
      [environmentId, query.cursor ?? null, query.transactionId ?? null, query.type ?? null, query.limit + 1],
    );
    if (query.cursor !== undefined && rows.length === 0) await this.#assertCursor(environmentId, query.cursor);
    const page = rows.slice(0, query.limit);
    return { items: page.map(merchantEventView), nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null };
  }

  /** The event as POSTed, and every attempt to deliver it, per endpoint. */
  async getEvent(environmentId: string, eventId: string) {
    if (!isTenantId('env', environmentId) || !isTenantId('evt', eventId)) throw eventNotFound();
    const { rows } = await this.#deps.db.query<MerchantEventRow>(
      `SELECT ${merchantEventColumns} FROM merchant_events WHERE id = $1 AND environment_id = $2`,
      [eventId, environmentId],
    );
    if (rows[0] === undefined) throw eventNotFound();
    const attempts = await this.#deps.db.query<DeliveryAttemptRow>(
      `SELECT ${deliveryAttemptColumns} FROM webhook_delivery_attempts a WHERE a.event_id = $1 ORDER BY a.id`,
      [eventId],
    );
    return { ...merchantEventView(rows[0]), deliveries: deliveriesByEndpoint(attempts.rows) };
  }

  /** An endpoint's attempts, newest first; the cursor is the id of the last attempt of the previous page. */
  async listDeliveries(environmentId: string, endpointId: string, query: DeliveryListQuery) {
    if (query.cursor !== undefined && !/^[1-9]\d{0,17}$/.test(query.cursor)) {
      throw AppError.validation([{ field: 'cursor', message: 'is not a delivery attempt id' }]);
    }
    if (!isTenantId('env', environmentId) || !isTenantId('whe', endpointId)) throw endpointNotFound();
    const endpoint = await this.#deps.db.query(
      'SELECT 1 FROM webhook_endpoints WHERE id = $1 AND environment_id = $2 AND deleted_at IS NULL',
      [endpointId, environmentId],
    );
    if (endpoint.rows.length === 0) throw endpointNotFound();
    const { rows } = await this.#deps.db.query<DeliveryAttemptRow & { event_type: string; transaction_id: string }>(
      `SELECT ${deliveryAttemptColumns}, ev.type AS event_type, ev.transaction_id
         FROM webhook_delivery_attempts a JOIN merchant_events ev ON ev.id = a.event_id
        WHERE a.endpoint_id = $1 AND ($2::bigint IS NULL OR a.id < $2::bigint)
        ORDER BY a.id DESC
        LIMIT $3`,
      [endpointId, query.cursor ?? null, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(endpointDeliveryView),
      nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.id) : null,
    };
  }

  /**
   * Queues the event again, under its own id, through the outbox: to `endpointId`, or to every
   * enabled endpoint whose filter takes it now. A disabled endpoint is refused rather than queued,
   * because the deliverer drops deliveries to disabled endpoints.
   */
  async redeliver(environmentId: string, eventId: string, endpointId: string | undefined): Promise<{ eventId: string; endpointIds: string[] }> {
    if (!isTenantId('env', environmentId) || !isTenantId('evt', eventId)) throw eventNotFound();
    if (endpointId !== undefined && !isTenantId('whe', endpointId)) throw endpointNotFound();
    const { rows } = await this.#deps.db.query<{ events: number; targets: number; queued: string[] }>(
      `WITH ev AS (SELECT id, type FROM merchant_events WHERE id = $1 AND environment_id = $2),
       target AS (
         SELECT e.id, e.enabled FROM webhook_endpoints e, ev
          WHERE e.environment_id = $2 AND e.deleted_at IS NULL
            AND CASE WHEN $3::text IS NULL THEN e.enabled AND (e.events IS NULL OR e.events @> jsonb_build_array(ev.type))
                     ELSE e.id = $3 END
       ),
       queued AS (
         INSERT INTO event_outbox (event_id, endpoint_id, created_at)
         SELECT $1, target.id, $4 FROM target WHERE target.enabled
         RETURNING endpoint_id
       )
       SELECT (SELECT count(*) FROM ev)::int AS events,
              (SELECT count(*) FROM target)::int AS targets,
              coalesce((SELECT json_agg(endpoint_id ORDER BY endpoint_id) FROM queued), '[]') AS queued`,
      [eventId, environmentId, endpointId ?? null, this.#deps.clock.now()],
    );
    const { events, targets, queued } = rows[0]!;
    if (events === 0) throw eventNotFound();
    if (endpointId !== undefined && targets === 0) throw endpointNotFound();
    if (endpointId !== undefined && queued.length === 0) throw AppError.conflict('Webhook endpoint is disabled; enable it to redeliver');
    if (queued.length === 0) throw AppError.conflict('No enabled webhook endpoint takes events of this type');
    return { eventId, endpointIds: queued };
  }

  async #assertEnvironment(environmentId: string): Promise<void> {
    if (!isTenantId('env', environmentId)) throw AppError.notFound('Environment not found');
    const { rows } = await this.#deps.db.query('SELECT 1 FROM environments WHERE id = $1', [environmentId]);
    if (rows.length === 0) throw AppError.notFound('Environment not found');
  }

  /** An empty page after a cursor is either the end or someone else's id: only then ask which. */
  async #assertCursor(environmentId: string, cursor: string): Promise<void> {
    const { rows } = await this.#deps.db.query('SELECT 1 FROM merchant_events WHERE id = $1 AND environment_id = $2', [
      cursor,
      environmentId,
    ]);
    if (rows.length === 0) throw AppError.validation([{ field: 'cursor', message: 'does not name an event of this environment' }]);
  }
}
