import { loadMigrations } from '../../store/migrate.js';
import { warn, type Check } from './check.js';
import { checkAdminToken, checkConfiguration, checkProduction, checkPublicUrl } from './config-checks.js';
import { probeStore } from './store-probe.js';
import { checkMasterKey, checkStore } from './store-checks.js';

/**
 * Every check, in the order an operator fixes things: configuration, store, master key, admin
 * token, public URL, then the production checklist. Reads only: the store is neither migrated nor
 * created, no key is generated or recorded.
 */
export async function runDoctor(env: NodeJS.ProcessEnv): Promise<Check[]> {
  const { check: configuration, config, production } = checkConfiguration(env);
  const checks = [configuration];
  if (config === undefined) {
    const skipped = 'not checked: fix the configuration first';
    checks.push(warn('store', skipped), warn('master key', skipped), warn('admin token', skipped), warn('public URL', skipped));
  } else {
    const probe = await probeStore(config);
    checks.push(checkStore(probe, loadMigrations()), checkMasterKey(config, production, probe), checkAdminToken(config), checkPublicUrl(env, config, production));
  }
  return [...checks, ...checkProduction(env, production)];
}
