import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { CallbackService } from '../callbacks/callback-service.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { CustomTargetService } from '../catalog/custom-target-service.js';
import type { Logger } from '../logger.js';
import type { IdempotencyStore } from '../idempotency/idempotency-store.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import type { MerchantEventLog } from '../notifications/merchant-event-log.js';
import type { WebhookEndpointService } from '../notifications/webhook-endpoint-service.js';
import type { PspService } from '../psps/psp-service.js';
import { dashboardDir } from '../paths.js';
import type { Db } from '../store/db.js';
import type { TenantService } from '../tenants/tenant-service.js';
import type { TokenAuthenticator } from '../tenants/token-authenticator.js';
import type { TransactionQueries } from '../transactions/transaction-queries.js';
import type { TransactionService } from '../transactions/transaction-service.js';
import { requireAdminToken, requireSecretToken } from './auth.js';
import { createFastify } from './fastify-base.js';
import { parseJsonBody } from './json-body.js';
import { registerOpenApiReference } from './openapi/openapi-reference.js';
import { adminBrandRoutes } from './routes/admin/brands.js';
import { adminEnvironmentRoutes } from './routes/admin/environments.js';
import { adminEnvironmentScopeRoutes } from './routes/admin/environment-scope.js';
import { adminFlowTargetRoutes } from './routes/admin/flow-targets.js';
import { adminMerchantEventRoutes } from './routes/admin/merchant-events.js';
import { adminTokenRoutes } from './routes/admin/tokens.js';
import { adminWebhookEndpointRoutes } from './routes/admin/webhook-endpoints.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { callbackRoutes } from './routes/callbacks.js';
import { flowTypeRoutes } from './routes/flow-types.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { pspRoutes } from './routes/psps.js';
import { transactionRoutes } from './routes/transactions.js';

export interface AppDeps {
  logger: Logger;
  db: Db;
  /** undefined turns /admin/v1 off (its routes answer 404). */
  adminToken: string | undefined;
  metricsToken?: string | undefined;
  authenticator: TokenAuthenticator;
  tenants: TenantService;
  catalog: CatalogService;
  psps: PspService;
  transactions: TransactionService;
  transactionQueries: TransactionQueries;
  idempotency: IdempotencyStore;
  customTargets: CustomTargetService;
  callbacks: CallbackService;
  webhookEndpoints: WebhookEndpointService;
  merchantEvents: MerchantEventLog;
  metrics: Pick<EngineMetrics, 'registry'>;
  /** Extra plugins mounted as they are (the gateway simulators under /simulators). */
  mounts?: readonly { prefix: string; plugin: FastifyPluginAsync }[];
  /** CONNXT_PUBLIC_URL, the OpenAPI document's server. */
  publicUrl?: string | undefined;
}

export const bodyLimitBytes = 1_048_576;

/** Builds the HTTP app without listening, so tests drive it with inject() or a real socket alike. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = createFastify({ logger: deps.logger, bodyLimit: bodyLimitBytes });

  // Only JSON bodies are accepted; anything else is a 415 from Fastify, mapped to our envelope.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });


  // Before any route: it documents the routes registered after it (/openapi.json, /docs).
  await registerOpenApiReference(app, { publicUrl: deps.publicUrl });
  await app.register(healthRoutes({ db: deps.db }));
  await app.register(metricsRoutes(deps));
  // Public: the token in the URL is the credential, so these sit outside the X-SECRET-TOKEN scope.
  await app.register(callbackRoutes({ callbacks: deps.callbacks }), { prefix: '/connxt/v2/callbacks' });
  await app.register(
    async (v2) => {
      v2.addHook('onRequest', requireSecretToken(deps.authenticator));
      await v2.register(flowTypeRoutes({ catalog: deps.catalog }));
      await v2.register(pspRoutes({ psps: deps.psps, idempotency: deps.idempotency }));
      await v2.register(transactionRoutes(deps));
    },
    { prefix: '/connxt/v2' },
  );
  if (deps.adminToken !== undefined) {
    const adminToken = deps.adminToken;
    await app.register(
      async (admin) => {
        admin.addHook('onRequest', requireAdminToken(adminToken));
        await admin.register(adminBrandRoutes({ tenants: deps.tenants }));
        await admin.register(adminEnvironmentRoutes({ tenants: deps.tenants }));
        await admin.register(adminTokenRoutes({ tenants: deps.tenants }));
        await admin.register(adminFlowTargetRoutes({ customTargets: deps.customTargets }));
        await admin.register(adminWebhookEndpointRoutes({ webhookEndpoints: deps.webhookEndpoints, events: deps.merchantEvents }));
        await admin.register(adminMerchantEventRoutes({ events: deps.merchantEvents }));
        await admin.register(adminEnvironmentScopeRoutes(deps));
      },
      { prefix: '/admin/v1' },
    );
  }
  await app.register(dashboardRoutes({ root: dashboardDir }));
  for (const mount of deps.mounts ?? []) await app.register(mount.plugin, { prefix: mount.prefix });
  return app;
}

