import { Histogram, type Registry } from 'prom-client';

export interface ScriptRunLabels {
  /** The flow target (catalog) id. */
  target: string;
  action: string;
  /** initiate, redirect, webhook or status. */
  step: string;
}

/** What a finished run reports, as far as the duration series needs it. */
export interface ScriptRunResult {
  ok: boolean;
  failure: { kind: string } | null;
  durationMs: number;
}

/** Scripts run from milliseconds up to their 15 s wall-time limit. */
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];

/** How long flow-definition scripts run, waiting for an isolate included (what the caller waits). */
export class ScriptMetrics {
  readonly #duration: Histogram<'target' | 'action' | 'step' | 'outcome'>;

  constructor(registry: Registry) {
    this.#duration = new Histogram({
      name: 'connxt_script_duration_seconds',
      help: 'Flow-definition script runs, by flow target, action, step and outcome (ok, or the failure kind: script_error, timeout, memory, …).',
      labelNames: ['target', 'action', 'step', 'outcome'],
      buckets: durationBuckets,
      registers: [registry],
    });
  }

  observe(labels: ScriptRunLabels, result: ScriptRunResult): void {
    const outcome = result.ok ? 'ok' : (result.failure?.kind ?? 'failure');
    this.#duration.observe({ target: labels.target, action: labels.action, step: labels.step, outcome }, result.durationMs / 1000);
  }
}
