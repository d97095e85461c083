import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { CallbackService } from '../callbacks/callback-service.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { CustomTargetService } from '../catalog/custom-target-service.js';
import { errorKinds } from '../errors.js';
import type { Logger } from '../logger.js';
import type { IdempotencyStore } from '../idempotency/idempotency-store.js';
import type { MerchantEventLog } from '../notifications/merchant-event-log.js';
import type { WebhookEndpointService } from '../notifications/webhook-endpoint-service.js';
import type { PspService } from '../psps/psp-service.js';
import type { Db } from '../store/db.js';
import type { TenantService } from '../tenants/tenant-service.js';
import type { TokenAuthenticator } from '../tenants/token-authenticator.js';
import type { TransactionQueries } from '../transactions/transaction-queries.js';
import type { TransactionService } from '../transactions/transaction-service.js';
import { requireAdminToken, requireSecretToken } from './auth.js';
import { errorEnvelope } from './envelope.js';
import { handleError } from './error-handler.js';
import { parseJsonBody } from './json-body.js';
import { adminBrandRoutes } from './routes/admin/brands.js';
import { adminEnvironmentRoutes } from './routes/admin/environments.js';
import { adminFlowTargetRoutes } from './routes/admin/flow-targets.js';
import { adminMerchantEventRoutes } from './routes/admin/merchant-events.js';
import { adminTokenRoutes } from './routes/admin/tokens.js';
import { adminWebhookEndpointRoutes } from './routes/admin/webhook-endpoints.js';
import { callbackRoutes } from './routes/callbacks.js';
import { flowTypeRoutes } from './routes/flow-types.js';
import { healthRoutes } from './routes/health.js';
import { pspRoutes } from './routes/psps.js';
import { transactionRoutes } from './routes/transactions.js';

export interface AppDeps {
  logger: Logger;
  db: Db;
  /** undefined turns /admin/v1 off (its routes answer 404). */
  adminToken: string | undefined;
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
  /** Extra plugins mounted as they are (the gateway simulators under /simulators). */
  mounts?: readonly { prefix: string; plugin: FastifyPluginAsync }[];
}

export const bodyLimitBytes = 1_048_576;

const requestIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
}

/** Builds the HTTP app without listening, so tests drive it with inject() or a real socket alike. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the app's type the default one.
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: bodyLimitBytes,
    genReqId: requestId,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    return503OnClosing: true,
    // A request must arrive whole within 30 s: slow-body clients cannot hold connections for minutes.
    requestTimeout: 30_000,
    // A URL the router cannot decode, or a path parameter over 100 characters: our envelope, not Fastify's echo of the path.
    frameworkErrors: handleError,
  });

  // Only JSON bodies are accepted; anything else is a 415 from Fastify, mapped to our envelope.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((_request, reply) => {
    const { status, code } = errorKinds.not_found;
    void reply.code(status).send(errorEnvelope(code, 'Route not found'));
  });

  await app.register(healthRoutes({ db: deps.db }));
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
      },
      { prefix: '/admin/v1' },
    );
  }
  for (const mount of deps.mounts ?? []) await app.register(mount.plugin, { prefix: mount.prefix });
  return app;
}

