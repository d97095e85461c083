import type { FastifyInstance } from 'fastify';
import { CatalogService } from './catalog/catalog-service.js';
import { syncBuiltinCatalog } from './catalog/catalog-sync.js';
import { loadConnectorManifests } from './catalog/manifest.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { DataKeyring } from './crypto/data-keys.js';
import { loadMasterKey } from './crypto/master-key.js';
import { buildApp } from './http/app.js';
import type { Logger } from './logger.js';
import { CredentialCipher } from './psps/credential-cipher.js';
import { PspService } from './psps/psp-service.js';
import type { Db } from './store/db.js';
import { migrate } from './store/migrate.js';
import { bootstrapDemoTenant, type DemoTenant } from './tenants/demo-bootstrap.js';
import { TenantService } from './tenants/tenant-service.js';
import { TokenAuthenticator } from './tenants/token-authenticator.js';

export type EngineConfig = Pick<Config, 'production' | 'dataDir' | 'masterKey' | 'adminToken'>;

export interface Services {
  db: Db;
  clock: Clock;
  logger: Logger;
  tenants: TenantService;
  authenticator: TokenAuthenticator;
  catalog: CatalogService;
  cipher: CredentialCipher;
  psps: PspService;
}

/**
 * Everything behind the HTTP API and the CLI, on an open store: migrations applied, master key
 * checked, builtin catalog synced. The caller owns the store and closes it.
 */
export async function createServices(
  config: EngineConfig,
  deps: { db: Db; logger: Logger; clock?: Clock; onProgress?: (message: string) => void },
): Promise<Services> {
  const { db, logger } = deps;
  const clock = deps.clock ?? systemClock;
  await migrate(db, deps.onProgress);
  const masterKey = await loadMasterKey(db, config, logger);
  await syncBuiltinCatalog(db, loadConnectorManifests());
  const keyring = new DataKeyring(masterKey);
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
  return { db, clock, logger, tenants, authenticator, catalog, cipher, psps };
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
  deps: { db: Db; logger: Logger; clock?: Clock; onProgress?: (message: string) => void },
): Promise<Engine> {
  const services = await createServices(config, deps);
  const demo = config.production ? undefined : await bootstrapDemoTenant(deps.db, services.tenants);
  const app = await buildApp({ ...services, adminToken: config.adminToken });
  return {
    services,
    app,
    demo,
    async close() {
      await app.close();
      await services.authenticator.flush();
      await deps.db.close();
    },
  };
}
