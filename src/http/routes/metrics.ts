import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import { requireBearerToken } from '../auth.js';

const metricsSchema = {
  tags: ['Operations'],
  summary: 'Prometheus metrics',
  description: 'Transactions by action, target and status; script duration; gateway HTTP latency; webhook delivery lag and failures; reconciliation backlog.',
  response: {
    200: {
      description: 'The Prometheus text exposition format.',
      content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: { type: 'string' } } },
    },
  },
};

/**
 * GET /metrics in the Prometheus text format. It holds counts by catalog id, action and status,
 * never a tenant's data (see src/metrics/engine-metrics.ts), so it is public like /health unless
 * CONNXT_METRICS_TOKEN is set: traffic volumes by gateway are still business figures, and where
 * the engine's port is reachable from outside an operator may not want them read by anyone.
 */
export function metricsRoutes(deps: { metrics: { registry: Registry }; metricsToken?: string | undefined }): FastifyPluginAsync {
  return async (app) => {
    const onRequest = deps.metricsToken === undefined ? [] : [requireBearerToken(deps.metricsToken, 'metrics token')];
    // Scraped every few seconds by design: its requests are not worth two log lines each.
    app.get('/metrics', { schema: metricsSchema, logLevel: 'warn', onRequest }, async (_request, reply) => {
      const { registry } = deps.metrics;
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    });
  };
}
