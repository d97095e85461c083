import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/notifications/webhook-signature.js';
import type { Dice } from './dice.js';

/** How the merchant's receiver misbehaves now and then. */
export interface ReceiverBehaviour {
  /**
   * Share of first attempts answered 503. Retries are always taken: the engine's first retry comes
   * 5 to 10 s later, so the drain stays short.
   */
  failFirstAttempts: number;
  /** Share of deliveries answered 200 only after slowMs (well within the engine's 10 s timeout). */
  slow: number;
  slowMs: readonly [number, number];
}

export const defaultReceiverBehaviour: ReceiverBehaviour = { failFirstAttempts: 0.05, slow: 0.02, slowMs: [100, 1_000] };

/** One event as one endpoint first accepted it. */
interface Accepted {
  bodySha256: string;
  copies: number;
}

interface Endpoint {
  id: string;
  secret: string;
  accepted: Map<string, Accepted>;
  /** Per transaction, the highest event sequence accepted so far. */
  newestSequence: Map<string, number>;
}

export interface ReceiverStats {
  deliveries: number;
  accepted: number;
  answered5xx: number;
  answeredSlowly: number;
  /** Accepted again under an event id this endpoint already had, with the same body. */
  duplicates: number;
  /** First copies of an event that came after a later event of the same transaction (informational). */
  outOfOrder: number;
}

/**
 * The merchants' webhook receiver, served by the soak driver: each endpoint has its own path. It
 * checks every delivery's Connxt-Signature with the endpoint's secret and that the event id in the
 * header is the body's, remembers which events each endpoint accepted, and recognises a duplicate
 * by its event id (and checks it carries the same body).
 */
export class MerchantReceiver {
  readonly stats: ReceiverStats = { deliveries: 0, accepted: 0, answered5xx: 0, answeredSlowly: 0, duplicates: 0, outOfOrder: 0 };
  /** What a merchant could not have trusted: bad signatures, mismatched ids, a duplicate with another body. */
  problemCount = 0;
  /** The first of them, as examples. */
  readonly problems: string[] = [];
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #dice: Dice;
  readonly #behaviour: ReceiverBehaviour;
  readonly #server: Server;
  #baseUrl = '';

  constructor(dice: Dice, behaviour: ReceiverBehaviour = defaultReceiverBehaviour) {
    this.#dice = dice;
    this.#behaviour = behaviour;
    this.#server = createServer((req, res) => this.#receive(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#baseUrl = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Where an endpoint's deliveries go; `register` it once the engine has given it a secret. */
  urlFor(name: string): string {
    return `${this.#baseUrl}/hooks/${name}`;
  }

  register(name: string, endpointId: string, secret: string): void {
    this.#endpoints.set(name, { id: endpointId, secret, accepted: new Map(), newestSequence: new Map() });
  }

  /** Event ids an endpoint (by its engine id) has accepted at least once. */
  acceptedBy(endpointId: string): ReadonlySet<string> {
    const endpoint = [...this.#endpoints.values()].find((e) => e.id === endpointId);
    return new Set(endpoint?.accepted.keys() ?? []);
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.stats.deliveries += 1;
      const endpoint = this.#endpoints.get(req.url?.replace(/^\/hooks\//, '') ?? '');
      if (endpoint === undefined) {
        this.#problem(`a delivery to an unknown path ${req.url}`);
        res.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const delivery = this.#read(endpoint, req, raw);
      if (delivery === undefined) {
        res.writeHead(400).end();
        return;
      }
      if (req.headers['connxt-delivery-attempt'] === '1' && this.#dice.chance(this.#behaviour.failFirstAttempts)) {
        this.stats.answered5xx += 1;
        res.writeHead(503).end('try later');
        return;
      }
      const slow = this.#dice.chance(this.#behaviour.slow);
      const delayMs = slow ? this.#dice.int(...this.#behaviour.slowMs) : 0;
      if (slow) this.stats.answeredSlowly += 1;
      setTimeout(() => {
        // Counted once the answer is out: the engine then has its 2xx (unless it died meanwhile,
        // and then it sends the event again under the same id).
        res.once('finish', () => this.#accept(endpoint, delivery, raw));
        res.writeHead(200).end('ok');
      }, delayMs);
    });
  }

  /** The delivery's event, when the merchant could trust it. */
  #read(endpoint: Endpoint, req: IncomingMessage, raw: Buffer): { eventId: string; txnId: string; sequence: number } | undefined {
    const verified = verifySignature({ payload: raw, header: header(req, 'connxt-signature'), secret: endpoint.secret });
    if (!verified.ok) {
      this.#problem(`endpoint ${endpoint.id}: signature refused (${verified.error})`);
      return undefined;
    }
    let event: { id?: unknown; data?: { sequence?: unknown; transaction?: { txnId?: unknown } } };
    try {
      event = JSON.parse(raw.toString('utf8')) as typeof event;
    } catch {
      this.#problem(`endpoint ${endpoint.id}: a body that is not JSON`);
      return undefined;
    }
    const eventId = header(req, 'connxt-event-id');
    if (typeof event.id !== 'string' || event.id !== eventId) {
      this.#problem(`endpoint ${endpoint.id}: Connxt-Event-Id ${eventId} is not the body's id ${String(event.id)}`);
      return undefined;
    }
    return { eventId, txnId: String(event.data?.transaction?.txnId), sequence: Number(event.data?.sequence) };
  }

  #accept(endpoint: Endpoint, delivery: { eventId: string; txnId: string; sequence: number }, raw: Buffer): void {
    this.stats.accepted += 1;
    const bodySha256 = createHash('sha256').update(raw).digest('hex');
    const known = endpoint.accepted.get(delivery.eventId);
    if (known !== undefined) {
      known.copies += 1;
      this.stats.duplicates += 1;
      if (known.bodySha256 !== bodySha256) this.#problem(`endpoint ${endpoint.id}: event ${delivery.eventId} came again with another body`);
      return;
    }
    endpoint.accepted.set(delivery.eventId, { bodySha256, copies: 1 });
    const newest = endpoint.newestSequence.get(delivery.txnId) ?? 0;
    if (delivery.sequence < newest) this.stats.outOfOrder += 1;
    else endpoint.newestSequence.set(delivery.txnId, delivery.sequence);
  }

  #problem(message: string): void {
    this.problemCount += 1;
    if (this.problems.length < 20) this.problems.push(message);
  }
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}
