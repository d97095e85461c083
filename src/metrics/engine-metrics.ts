import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Queryable } from '../store/db.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { registerReconciliationBacklog } from './reconciliation-backlog.js';
import { createMetricsRegistry } from './registry.js';
import { ScriptMetrics } from './script-metrics.js';
import { TransactionMetrics } from './transaction-metrics.js';
import { WebhookMetrics } from './webhook-metrics.js';

/**
 * One engine's metrics: its registry (what GET /metrics answers) and the recorders handed to the
 * services that write into it. No label carries a tenant id, a transaction id, a token or a URL:
 * every label value comes from a bounded set (catalog ids, actions, steps, statuses, reasons).
 */
export interface EngineMetrics {
  registry: Registry;
  transactions: TransactionMetrics;
  scripts: ScriptMetrics;
  gateway: GatewayMetrics;
  webhooks: WebhookMetrics;
}

export interface EngineMetricsDeps {
  db: Queryable;
  clock: Clock;
  logger: Logger;
  /** How long a scrape waits for the reconciliation backlog count (default 1 s). */
  backlogTimeoutMs?: number;
}

export function createEngineMetrics(deps: EngineMetricsDeps): EngineMetrics {
  const registry = createMetricsRegistry();
  registerReconciliationBacklog(registry, {
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.backlogTimeoutMs === undefined ? {} : { timeoutMs: deps.backlogTimeoutMs }),
  });
  return {
    registry,
    transactions: new TransactionMetrics(registry),
    scripts: new ScriptMetrics(registry),
    gateway: new GatewayMetrics(registry),
    webhooks: new WebhookMetrics(registry),
  };
}
