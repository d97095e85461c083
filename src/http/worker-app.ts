import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import type { Db } from '../store/db.js';
import { createFastify } from './fastify-base.js';
import { useSchemasForDocumentationOnly } from './openapi/schema-compilers.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';

export interface WorkerAppDeps {
  logger: Logger;
  db: Db;
  metrics: Pick<EngineMetrics, 'registry'>;
  metricsToken?: string | undefined;
}

/**
 * What a `worker` process serves: probes and /metrics, nothing of the API. Its webhook delivery
 * and reconciliation series are recorded in this process, so this is where Prometheus scrapes them.
 */
export async function buildWorkerApp(deps: WorkerAppDeps): Promise<FastifyInstance> {
  // Probes and scrapes are bodiless GETs: no body parser, and a tiny limit.
  const app = createFastify({ logger: deps.logger, bodyLimit: 1024 });
  // The routes' schemas are the API's OpenAPI document, not validators or serializers (schema-compilers.ts).
  useSchemasForDocumentationOnly(app);
  await app.register(healthRoutes({ db: deps.db }));
  await app.register(metricsRoutes(deps));
  return app;
}
