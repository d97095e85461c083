/** An envelope as the engine answers (success or error). */
export interface Envelope {
  code?: string;
  message?: string;
  // The soak reads many shapes of `data`; an untyped view keeps the flows readable.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data?: any;
  errors?: { field: string; message: string }[];
}

export interface Answer {
  status: number;
  body: Envelope;
  replayed: boolean;
}

/** No answer: refused, reset, timed out, or abandoned on purpose (a lost answer). */
export class ConnectionLost extends Error {
  override name = 'ConnectionLost';
}

export interface RequestStats {
  requests: number;
  /** Answers by class: "2xx", "4xx", "5xx". */
  answers: Record<string, number>;
  /** No answer because the engine was down or the connection broke. */
  connectionErrors: number;
  /** Requests the soak gave up waiting for on purpose, to retry them as a client whose answer was lost does. */
  abandoned: number;
}

export interface CallOptions {
  token?: string;
  admin?: boolean;
  body?: unknown;
  idempotencyKey?: string;
  /** Give up waiting after this long and throw ConnectionLost: the engine still runs the request. */
  abandonAfterMs?: number;
}

/** The engine's HTTP API as a client sees it, counting every request and how it ended. */
export class EngineApi {
  readonly stats: RequestStats = { requests: 0, answers: { '2xx': 0, '4xx': 0, '5xx': 0 }, connectionErrors: 0, abandoned: 0 };
  readonly #baseUrl: string;
  readonly #adminToken: string;

  constructor(baseUrl: string, adminToken: string) {
    this.#baseUrl = baseUrl;
    this.#adminToken = adminToken;
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers['x-secret-token'] = options.token;
    if (options.admin) headers.authorization = `Bearer ${this.#adminToken}`;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    this.stats.requests += 1;
    const abandon = options.abandonAfterMs === undefined ? undefined : AbortSignal.timeout(options.abandonAfterMs);
    // A gateway that never answers holds a create for the engine's 10 s HTTP timeout; 30 s is plenty.
    const signal = abandon === undefined ? AbortSignal.timeout(30_000) : AbortSignal.any([abandon, AbortSignal.timeout(30_000)]);
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.#baseUrl}${path}`, {
        method,
        headers,
        signal,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      text = await response.text();
    } catch (err) {
      if (abandon?.aborted) this.stats.abandoned += 1;
      else this.stats.connectionErrors += 1;
      throw new ConnectionLost(err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err));
    }
    const answerClass = `${Math.floor(response.status / 100)}xx`;
    this.stats.answers[answerClass] = (this.stats.answers[answerClass] ?? 0) + 1;
    let body: Envelope;
    try {
      body = JSON.parse(text) as Envelope;
    } catch {
      body = { message: text.slice(0, 200) };
    }
    return { status: response.status, body, replayed: response.headers.get('idempotent-replayed') === 'true' };
  }
}

/** The 409 of a request whose Idempotency-Key another request (or a dead process) still holds. */
export function isStillInFlight(answer: Answer): boolean {
  return answer.status === 409 && /still being processed/.test(answer.body.message ?? '');
}
