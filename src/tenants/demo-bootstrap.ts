import { advisoryLocks } from '../store/advisory-locks.js';
import type { Db } from '../store/db.js';
import type { TenantService } from './tenant-service.js';

export interface DemoTenant {
  brandId: string;
  environmentId: string;
  secretToken: string;
}

/**
 * On an empty store, creates brand "Demo" with environment "development" so that a newcomer has a
 * working token right after `npm start`. Under an advisory lock, so two processes starting on one
 * empty PostgreSQL create it once. Returns undefined when the store already had a brand.
 */
export async function bootstrapDemoTenant(db: Db, tenants: TenantService): Promise<DemoTenant | undefined> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [advisoryLocks.demoBootstrap]);
    const { rows } = await tx.query('SELECT 1 FROM brands LIMIT 1');
    if (rows.length > 0) return undefined;
    const brand = await tenants.createBrand('Demo', tx);
    const environment = await tenants.createEnvironment(brand.id, { name: 'development' }, tx);
    return { brandId: brand.id, environmentId: environment.id, secretToken: environment.secretToken };
  });
}
