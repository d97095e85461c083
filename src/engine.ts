import type { FastifyInstance } from 'fastify';
import { CallbackService } from './callbacks/callback-service.js';
import { CallbackTokens } from './callbacks/callback-tokens.js';
import { CatalogService } from './catalog/catalog-service.js';
import { CustomTargetService } from './catalog/custom-target-service.js';
import { syncBuiltinCatalog } from './catalog/catalog-sync.js';
import { loadConnectorManifests } from './catalog/manifest.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { DataKeyring } from './crypto/data-keys.js';
import { loadMasterKey } from './crypto/master-key.js';
import { FlowExecutor } from './flows/flow-executor.js';
import { Sandbox, type SandboxOptions } from './flows/sandbox.js';
import { buildApp } from './http/app.js';
import { buildWorkerApp } from './http/worker-app.js';
import { IdempotencyStore } from './idempotency/idempotency-store.js';
import { Background, type BackgroundOptions } from './jobs/background.js';
import { defaultDeliveryRetry } from './jobs/job-queue.js';
import { ReconciliationJanitor } from './jobs/reconciliation-janitor.js';
import type { Logger } from './logger.js';
import { createEngineMetrics, type EngineMetrics } from './metrics/engine-metrics.js';
import { CredentialCipher } from './psps/credential-cipher.js';
import { MerchantEventLog } from './notifications/merchant-event-log.js';
import { WebhookDeliverer } from './notifications/webhook-deliverer.js';
import { WebhookEndpointService } from './notifications/webhook-endpoint-service.js';
import { PspService } from './psps/psp-service.js';
import type { Db } from './store/db.js';
import { migrate } from './store/migrate.js';
import { bootstrapDemoTenant, type DemoTenant } from './tenants/demo-bootstrap.js';
import { TenantService } from './tenants/tenant-service.js';
import { TokenAuthenticator } from './tenants/token-authenticator.js';
import { TransactionQueries } from './transactions/transaction-queries.js';
import { TransactionService } from './transactions/transaction-service.js';

export type EngineConfig = Pick<Config, 'production' | 'dataDir' | 'masterKey' | 'adminToken'> & {
  /** CONNXT_METRICS_TOKEN: /metrics asks for it when set. */
  metricsToken?: string | undefined;
  /** Base of the callback URLs handed to scripts; defaults to http://127.0.0.1:8080. */
  publicUrl?: string;
  sandbox?: SandboxOptions;
  /** Serve the gateway simulators under /simulators (CONNXT_SIMULATORS; never in production). */
  simulators?: boolean;
  /**
   * Relay merchant events, deliver webhooks and reconcile in this process (roles `worker` and
   * `all`); unset, the process only serves requests and writes events for others to deliver.
   */
  background?: BackgroundOptions;
  /** How long after its last change an unsettled transaction is first checked with its PSP (60 s). */
  reconcileAfterMs?: number;
  /**
   * What the HTTP app serves: the whole API (default), or only /health, /ready and /metrics — a
   * `worker` process, whose delivery and reconciliation metrics are recorded there.
   */
  httpSurface?: 'api' | 'worker';
};

/** What `worker` and `all` processes run with. */
export const defaultBackgroundOptions: BackgroundOptions = {
  jobsSchema: 'pgboss',
  deliveryRetry: defaultDeliveryRetry,
  pollingIntervalSeconds: 1,
  deliveryBatchSize: 20,
  relayIntervalMs: 200,
  janitorIntervalMs: 10_000,
};

/** How long a stopping process gives deliveries in flight to finish. */
const backgroundStopMs = 15_000;

export interface Services {
  db: Db;
  clock: Clock;
  logger: Logger;
  tenants: TenantService;
  authenticator: TokenAuthenticator;
  catalog: CatalogService;
  cipher: CredentialCipher;
  psps: PspService;
  sandbox: Sandbox;
  executor: FlowExecutor;
  transactions: TransactionService;
  transactionQueries: TransactionQueries;
  idempotency: IdempotencyStore;
  customTargets: CustomTargetService;
  callbacks: CallbackService;
  webhookEndpoints: WebhookEndpointService;
  merchantEvents: MerchantEventLog;
  deliverer: WebhookDeliverer;
  janitor: ReconciliationJanitor;
  metrics: EngineMetrics;
}

/**
 * Everything behind the HTTP API and the CLI, on an open store: migrations applied, master key
 * checked, builtin catalog synced. The caller owns the store and closes it.
 */
export async function createServices(
  config: EngineConfig,
  deps: EngineDeps,
): Promise<Services> {
  const { db, logger } = deps;
  const clock = deps.clock ?? systemClock;
  await migrate(db, deps.onProgress);
  const masterKey = await loadMasterKey(db, config, logger);
  await syncBuiltinCatalog(db, loadConnectorManifests());
  const keyring = new DataKeyring(masterKey);
  // One registry per engine, handed to whatever records into it (several engines share a test process).
  const metrics = createEngineMetrics({ db, clock, logger });
  const authenticator = new TokenAuthenticator({ db, clock, logger });
  const tenants = new TenantService({
    db,
    keyring,
    clock,
    onTokenInvalidated: (tokenId) => authenticator.forgetToken(tokenId),
  });
  const catalog = new CatalogService({ db });
  await catalog.reload();
  const cipher = new CredentialCipher(db, keyring);
  const psps = new PspService({ db, catalog, cipher });
  // Isolates are created on first use, so commands that never run a script pay nothing.
  const sandbox = new Sandbox({
    ...config.sandbox,
    onCatastrophicError: (message) => {
      logger.fatal({ reason: message }, 'a script isolate failed beyond recovery; stopping so that the engine is restarted');
      deps.onFatal?.(message);
    },
  });
  const tokens = new CallbackTokens(masterKey);
  const executor = new FlowExecutor({ db, sandbox, tokens, metrics, publicUrl: config.publicUrl ?? 'http://127.0.0.1:8080' });
  const janitor = new ReconciliationJanitor({ db, clock, logger, catalog, cipher, executor, metrics });
  const transactions = new TransactionService({
    ...{ db, clock, logger, catalog, cipher, executor, janitor, metrics },
    ...(config.reconcileAfterMs === undefined ? {} : { reconcileAfterMs: config.reconcileAfterMs }),
  });
  const transactionQueries = new TransactionQueries(db);
  const idempotency = new IdempotencyStore({ db, clock });
  const customTargets = new CustomTargetService({ db, catalog, sandbox });
  const callbacks = new CallbackService({ db, clock, logger, catalog, cipher, executor, tokens, metrics });
  const webhookEndpoints = new WebhookEndpointService({ db, clock, cipher });
  const merchantEvents = new MerchantEventLog({ db, clock });
  const deliverer = new WebhookDeliverer({ db, clock, logger, cipher, metrics });
  return {
    ...{ db, clock, logger, tenants, authenticator, catalog, cipher, psps },
    ...{ sandbox, executor, transactions, transactionQueries, idempotency, customTargets, callbacks },
    ...{ webhookEndpoints, merchantEvents, deliverer, janitor, metrics },
  };
}

export interface EngineDeps {
  db: Db;
  logger: Logger;
  clock?: Clock;
  onProgress?: (message: string) => void;
  /** The process can no longer serve safely (a sandbox isolate was lost): stop and exit. */
  onFatal?: (reason: string) => void;
}

export interface Engine {
  services: Services;
  app: FastifyInstance;
  /** Set when this start created the demo tenant on an empty store. */
  demo: DemoTenant | undefined;
  close(): Promise<void>;
}

/** Services plus the HTTP app (not listening yet). Closing it closes the app, then the store. */
export async function createEngine(
  config: EngineConfig,
  deps: EngineDeps,
): Promise<Engine> {
  const services = await createServices(config, deps);
  const demo = config.production ? undefined : await bootstrapDemoTenant(deps.db, services.tenants);
  const mounts = config.simulators && !config.production ? [await simulatorMount(config, services, demo)] : [];
  const app =
    config.httpSurface === 'worker'
      ? await buildWorkerApp({ ...services, metricsToken: config.metricsToken })
      : await buildApp({ ...services, adminToken: config.adminToken, metricsToken: config.metricsToken, publicUrl: config.publicUrl, mounts });
  const background = config.background === undefined ? undefined : await Background.start(services, config.background);
  return {
    services,
    app,
    demo,
    async close() {
      // Requests first (they may write events), then the deliveries and checks in hand.
      await app.close();
      await background?.stop(backgroundStopMs);
      services.sandbox.close();
      await services.authenticator.flush();
      await deps.db.close();
    },
  };
}

/**
 * The simulators, served by the engine itself so that `npm start` is the whole demo. Loaded only
 * when on, so a production process never even imports them. A demo environment created by this
 * start gets a host map sending each gateway's production origin to its simulator.
 */
async function simulatorMount(config: EngineConfig, services: Services, demo: DemoTenant | undefined) {
  const { simulatorsPlugin, simulatorHostMap } = await import('../simulators/index.js');
  const publicBaseUrl = `${(config.publicUrl ?? 'http://127.0.0.1:8080').replace(/\/+$/, '')}/simulators`;
  if (demo !== undefined) await services.tenants.updateEnvironment(demo.environmentId, { hostMap: simulatorHostMap(publicBaseUrl) });
  return { prefix: '/simulators', plugin: simulatorsPlugin({ publicBaseUrl, timeScale: 1, now: Date.now }) };
}
