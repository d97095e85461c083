import type { Command } from 'commander';
import type { FieldError } from '../../errors.js';
import type { MerchantEventLog } from '../../notifications/merchant-event-log.js';
import { environmentOption } from '../environment-scope.js';
import { limitOption, throwIfErrors, withOptionNames } from '../options.js';
import { nextPage, orDash, plural, table, time } from '../output.js';
import { runCommand, type Session } from '../run-command.js';

type EventWithDeliveries = Awaited<ReturnType<MerchantEventLog['getEvent']>>;
type EndpointAttempts = Awaited<ReturnType<MerchantEventLog['listDeliveries']>>;

interface ListOptions {
  environment: string;
  endpoint?: string;
  transaction?: string;
  limit?: string;
  cursor?: string;
}

/** Events with the deliveries of each (without --endpoint, or with --endpoint and --transaction). */
export interface EventPage {
  kind: 'events';
  items: EventWithDeliveries[];
  nextCursor: string | null;
}

/** One endpoint's delivery log (--endpoint alone). */
export interface AttemptPage extends EndpointAttempts {
  kind: 'attempts';
  endpointId: string;
}

/**
 * `connxt deliveries list|redeliver --environment <id>`: the merchant webhook events of an
 * environment and what happened to each delivery (the admin API's /events and
 * /webhook-endpoints/{id}/deliveries), and redelivery through the outbox.
 */
export function registerDeliveryCommands(program: Command): void {
  const deliveries = program
    .command('deliveries')
    .description('merchant webhook events of an environment, their delivery attempts, and redelivery');

  deliveries
    .command('list')
    .description(
      'events newest first, each with its attempts per endpoint; with --endpoint alone, that endpoint’s attempts newest first',
    )
    .requiredOption(...environmentOption)
    .option('--endpoint <endpointId>', 'only deliveries to this webhook endpoint (whe_…)')
    .option('--transaction <txnId>', 'only the events of this transaction')
    .option('--limit <n>', 'page size, 1 to 200 (default 20)')
    .option('--cursor <cursor>', 'the nextCursor of the previous page')
    .action((options: ListOptions, command: Command) =>
      runCommand(command, (session) => listDeliveries(session, options), (page) => (page.kind === 'events' ? eventTable(page) : attemptTable(page))),
    );

  deliveries
    .command('redeliver')
    .description('send an event again, under its own id, to one endpoint or to every enabled endpoint that takes it')
    .argument('<eventId>', 'event id (evt_…)')
    .requiredOption(...environmentOption)
    .option('--endpoint <endpointId>', 'only to this webhook endpoint (whe_…)')
    .action((eventId: string, options: { environment: string; endpoint?: string }, command: Command) =>
      runCommand(
        command,
        async (session) => {
          const { merchantEvents } = await session.services();
          return merchantEvents.redeliver(options.environment, eventId, options.endpoint);
        },
        ({ eventId: id, endpointIds }) =>
          `redelivery of ${id} queued for ${plural(endpointIds.length, 'endpoint')}: ${endpointIds.join(', ')}\n` +
          'a worker of the running engine sends it shortly (connxt deliveries list shows the attempt)',
      ),
    );
}

async function listDeliveries(session: Session, options: ListOptions): Promise<EventPage | AttemptPage> {
  const errors: FieldError[] = [];
  // Each event of a page costs one more read for its attempts: pages are smaller than the API's.
  const limit = limitOption(options.limit, errors, 20);
  throwIfErrors(errors);
  const { merchantEvents, webhookEndpoints } = await session.services();
  const { environment, endpoint, transaction, cursor } = options;
  if (endpoint !== undefined && transaction === undefined) {
    const page = await withOptionNames({ cursor: '--cursor' }, () => merchantEvents.listDeliveries(environment, endpoint, { limit, cursor }));
    return { kind: 'attempts', endpointId: endpoint, ...page };
  }
  // Both filters: the transaction's events, with only that endpoint's attempts. The endpoint must exist.
  if (endpoint !== undefined) await webhookEndpoints.get(environment, endpoint);
  const events = await withOptionNames({ cursor: '--cursor', transactionId: '--transaction' }, () =>
    merchantEvents.listEvents(environment, { limit, cursor, transactionId: transaction }),
  );
  const items: EventWithDeliveries[] = [];
  for (const event of events.items) {
    const detail = await merchantEvents.getEvent(environment, event.id);
    items.push(endpoint === undefined ? detail : { ...detail, deliveries: detail.deliveries.filter((d) => d.endpointId === endpoint) });
  }
  return { kind: 'events', items, nextCursor: events.nextCursor };
}

/** One row per event and endpoint; an event no endpoint has had yet gets one row with dashes. */
function eventTable(page: EventPage): string {
  const rows = page.items.flatMap((event) => {
    const head = [event.id, event.type, event.transactionId, time(event.createdAt)];
    if (event.deliveries.length === 0) return [[...head, '-', '-', '-', 'not delivered yet']];
    return event.deliveries.map((delivery) => {
      const last = delivery.attempts[delivery.attempts.length - 1];
      return [...head, delivery.endpointId, String(delivery.attempts.length), last === undefined ? '-' : time(last.createdAt), outcome(delivery.delivered, last)];
    });
  });
  return [
    table(['EVENT', 'TYPE', 'TRANSACTION', 'CREATED', 'ENDPOINT', 'ATTEMPTS', 'LAST ATTEMPT', 'OUTCOME'], rows, 'no events'),
    ...nextPage(page.nextCursor),
  ].join('\n');
}

function attemptTable(page: AttemptPage): string {
  return [
    `deliveries to ${page.endpointId}, newest first`,
    table(
      ['ATTEMPT', 'TIME', 'EVENT', 'TYPE', 'TRANSACTION', 'OUTCOME', 'LATENCY'],
      page.items.map((a) => [
        `${a.id} (#${a.attempt})`,
        time(a.createdAt),
        a.eventId,
        a.eventType,
        a.transactionId,
        outcome(a.delivered, a),
        `${a.latencyMs} ms`,
      ]),
      'no delivery attempts to this endpoint yet',
    ),
    ...nextPage(page.nextCursor),
  ].join('\n');
}

function outcome(delivered: boolean, attempt: { statusCode: number | null; error: string | null } | undefined): string {
  const answer = attempt === undefined ? '' : attempt.statusCode === null ? orDash(attempt.error) : `HTTP ${attempt.statusCode}`;
  return delivered ? `delivered (${answer})` : `not delivered${answer === '' ? '' : ` (${answer})`}`;
}
