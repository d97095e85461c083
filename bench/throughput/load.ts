// Load through autocannon (DESIGN.md: load → autocannon), with every latency kept exactly (the
// 'response' event's float milliseconds, not autocannon's rounded histogram) and every answer
// checked, so that a run of fast errors can never pass for throughput.
import autocannon from 'autocannon';
import { summarize, type Summary } from '../stats.js';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds; or `amount` requests in all. */
  durationSeconds?: number;
  amount?: number;
  /** Requests per second over all connections (open loop); unset = as fast as answers come. */
  overallRate?: number;
  /** Produces each request in turn. */
  next: () => LoadRequest;
  /** Why an answer is wrong, or undefined when it is as expected. */
  check: (status: number, body: string) => string | undefined;
}

export interface LoadResult {
  requests: number;
  ok: number;
  /** Answers that failed `check`, by reason (at most a few kept). */
  wrong: number;
  wrongExamples: string[];
  errors: number;
  timeouts: number;
  seconds: number;
  perSec: number;
  latency: Summary;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let wrong = 0;
  const wrongExamples: string[] = [];
  const started = performance.now();
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    timeout: 30,
    ...(options.amount === undefined ? { duration: options.durationSeconds ?? 10 } : { amount: options.amount }),
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
    requests: [
      {
        setupRequest: (request) => ({ ...request, ...options.next() }),
        onResponse: (status, body) => {
          const problem = options.check(status, body);
          if (problem === undefined) {
            ok++;
            return;
          }
          wrong++;
          if (wrongExamples.length < 3) wrongExamples.push(`${status}: ${problem}`);
        },
      },
    ],
  });
  (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
  });
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: latencies.length,
    ok,
    wrong,
    wrongExamples,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    perSec: ok / seconds,
    latency: summarize(latencies),
  };
}
