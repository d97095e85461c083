import { ConfigError, loadConfig, type Config } from '../../config.js';
import { describeError } from '../../errors.js';
import { fail, ok, warn, type Check } from './check.js';

export interface ConfigReport {
  check: Check;
  /**
   * The configuration the other checks use. When only production's requirements are unmet, it is
   * the configuration read as if NODE_ENV were not production, so the store and the key are still
   * checked; undefined when even that is invalid.
   */
  config: Config | undefined;
  production: boolean;
}

function set(env: NodeJS.ProcessEnv, name: string): boolean {
  return (env[name]?.trim() ?? '') !== '';
}

/** loadConfig, as start-up runs it: its one error line is the detail. */
export function checkConfiguration(env: NodeJS.ProcessEnv): ConfigReport {
  const production = env.NODE_ENV === 'production';
  try {
    const config = loadConfig(env);
    const mode = production ? 'NODE_ENV=production' : 'development (NODE_ENV is not production)';
    return { check: ok('configuration', `valid; ${mode}, role ${config.role}`), config, production };
  } catch (err) {
    const line = err instanceof ConfigError ? err.message : describeError(err);
    return { check: fail('configuration', line), config: loadLeniently(env), production };
  }
}

function loadLeniently(env: NodeJS.ProcessEnv): Config | undefined {
  try {
    return loadConfig({ ...env, NODE_ENV: undefined });
  } catch {
    return undefined;
  }
}

/** Never shows the token, only whether it is there. */
export function checkAdminToken(config: Config): Check {
  return config.adminToken === undefined
    ? warn('admin token', 'CONNXT_ADMIN_TOKEN is not set: the admin API (/admin/v1) and the dashboard are off')
    : ok('admin token', 'set: the admin API (/admin/v1) and the dashboard are on');
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0', '[::]']);

/** Where gateways send webhooks and payers come back: it must reach this engine from outside. */
export function checkPublicUrl(env: NodeJS.ProcessEnv, config: Config, production: boolean): Check {
  const url = new URL(config.publicUrl);
  if (!set(env, 'CONNXT_PUBLIC_URL')) {
    const detail = `CONNXT_PUBLIC_URL is not set: callbacks go to ${config.publicUrl}, which only this machine reaches (fine with the simulators)`;
    return production ? fail('public URL', detail) : warn('public URL', detail);
  }
  const loopback = loopbackHosts.has(url.hostname) || url.hostname.endsWith('.localhost') || /^127\./.test(url.hostname);
  if (production && url.protocol !== 'https:') {
    return fail('public URL', `${config.publicUrl} is not https: put TLS in front of the engine and give its https:// address`);
  }
  if (production && loopback) {
    return warn('public URL', `${config.publicUrl} points at this machine: gateways cannot call back`);
  }
  return ok('public URL', config.publicUrl);
}

/** The production checklist (README, Configuration): what NODE_ENV=production requires, one line each. */
export function checkProduction(env: NodeJS.ProcessEnv, production: boolean): Check[] {
  if (!production) return [ok('production checklist', 'not applicable: NODE_ENV is not production')];
  const simulators = env.CONNXT_SIMULATORS?.trim() || 'off';
  return [
    set(env, 'DATABASE_URL')
      ? ok('production DATABASE_URL', 'set (PostgreSQL)')
      : fail('production DATABASE_URL', 'not set: the embedded store is for development only'),
    set(env, 'CONNXT_MASTER_KEY')
      ? ok('production CONNXT_MASTER_KEY', 'set')
      : fail('production CONNXT_MASTER_KEY', 'not set: production never uses a generated key'),
    set(env, 'CONNXT_PUBLIC_URL')
      ? ok('production CONNXT_PUBLIC_URL', 'set')
      : fail('production CONNXT_PUBLIC_URL', 'not set: gateways need a public address to call back'),
    simulators === 'off'
      ? ok('production simulators', 'off')
      : fail('production simulators', `CONNXT_SIMULATORS=${JSON.stringify(simulators)}: the simulators must be off in production`),
  ];
}
