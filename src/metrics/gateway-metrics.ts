import { Histogram, type Registry } from 'prom-client';

/** How one call from a script ended: the HTTP status the gateway answered, or no answer at all. */
export type GatewayCallStatus = number | 'error' | 'timeout';

/** Gateway APIs answer in tens of milliseconds to seconds; a call is cut off after 10 s by default. */
const latencyBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The latency of the HTTP calls scripts make (sdk.http), by flow target and how each ended. */
export class GatewayMetrics {
  readonly #latency: Histogram<'target' | 'status'>;

  constructor(registry: Registry) {
    this.#latency = new Histogram({
      name: 'connxt_gateway_request_duration_seconds',
      help: 'HTTP calls from scripts to gateways, by flow target and status (the HTTP status code, or error, or timeout).',
      labelNames: ['target', 'status'],
      buckets: latencyBuckets,
      registers: [registry],
    });
  }

  observe(target: string, status: GatewayCallStatus, seconds: number): void {
    this.#latency.observe({ target, status: statusLabel(status) }, seconds);
  }
}

/** A three-digit code is a bounded label; anything else a gateway could send is just an error. */
function statusLabel(status: GatewayCallStatus): string {
  if (typeof status !== 'number') return status;
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'error';
}
