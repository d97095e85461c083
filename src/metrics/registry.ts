import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A registry of its own per engine, never prom-client's global one: several engines share a test
 * process, and each must expose only what it recorded. Node's process metrics (CPU, memory, event
 * loop lag, GC) go into it too, under their usual names so that stock dashboards read them.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
