import { timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../../config.js';
import { fingerprintOf, readKeyFile } from '../../crypto/master-key.js';
import { describeError } from '../../errors.js';
import type { Migration } from '../../store/migrate.js';
import { fail, ok, warn, type Check } from './check.js';
import type { StoreProbe } from './store-probe.js';

const label = (m: { version: number; name: string }) => `${String(m.version).padStart(3, '0')} ${m.name}`;

/** Reachable, which one, and its migrations against this engine's: applied, pending (never applied here), unknown. */
export function checkStore(probe: StoreProbe, migrations: readonly Migration[]): Check {
  switch (probe.state) {
    case 'absent':
      return warn('store', `embedded PGlite ${probe.where} does not exist yet: the engine (or connxt migrate) creates it`);
    case 'in-use':
      return warn('store', `${probe.reason} (a running engine holds it; its GET /ready says whether it is reachable)`);
    case 'unreachable':
      return fail('store', `${probe.product} ${probe.where} cannot be read: ${probe.reason}`);
    case 'open':
      break;
  }
  const head = `${probe.server} ${probe.where}`;
  const applied = probe.applied === 'none' ? [] : probe.applied;
  const known = new Set(migrations.map((m) => m.version));
  const unknown = applied.filter((m) => !known.has(m.version));
  if (unknown.length > 0) {
    return fail('store', `${head}; applied migrations this engine does not know: ${unknown.map(label).join(', ')} (a newer engine migrated it)`);
  }
  const done = new Set(applied.map((m) => m.version));
  const pending = migrations.filter((m) => !done.has(m.version));
  if (pending.length === 0) return ok('store', `${head}; all ${migrations.length} migrations applied`);
  const apply = 'connxt migrate (or the engine, on start) applies them';
  if (applied.length === 0) return warn('store', `${head}; empty: none of the ${migrations.length} migrations applied yet; ${apply}`);
  return warn('store', `${head}; ${applied.length} of ${migrations.length} migrations applied, pending: ${pending.map(label).join(', ')}; ${apply}`);
}

/**
 * The key the engine would use (CONNXT_MASTER_KEY, or outside production the data dir's
 * development key), compared with the fingerprint the store recorded the way start-up compares it.
 * The key itself is never shown.
 */
export function checkMasterKey(config: Config, production: boolean, probe: StoreProbe): Check {
  const keyPath = join(config.dataDir, 'master.key');
  let key = config.masterKey;
  let source = 'CONNXT_MASTER_KEY';
  if (key === undefined) {
    if (production) return fail('master key', 'CONNXT_MASTER_KEY is not set: NODE_ENV=production requires it');
    try {
      key = readKeyFile(keyPath);
    } catch (err) {
      return fail('master key', describeError(err));
    }
    source = `the development key ${keyPath}`;
  }
  const recorded = probe.state === 'open' ? probe.keyCheck : undefined;
  const development = source !== 'CONNXT_MASTER_KEY';
  const advice = development ? '; set CONNXT_MASTER_KEY outside development' : '';
  if (key === undefined) {
    return recorded === undefined
      ? warn('master key', `not set: the engine generates a development key into ${keyPath} on first start${advice}`)
      : fail('master key', `this store's credentials are encrypted under a master key that is not here: set CONNXT_MASTER_KEY, or restore ${keyPath}`);
  }
  const outcome = (status: typeof ok, detail: string) => status('master key', `${source}${detail}${advice}`);
  if (recorded === undefined) {
    if (probe.state === 'open' || probe.state === 'absent') return outcome(development ? warn : ok, ' (the store records it on first start)');
    return outcome(warn, ' (not compared with the store: it could not be read)');
  }
  const fingerprint = fingerprintOf(key);
  if (recorded.length !== fingerprint.length || !timingSafeEqual(recorded, fingerprint)) {
    return fail('master key', `${source} is not the master key this store was created with: its PSP credentials cannot be decrypted`);
  }
  return outcome(development ? warn : ok, ' matches the store');
}
