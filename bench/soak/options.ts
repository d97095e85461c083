import { parseArgs } from 'node:util';
import { randomSeed } from '../../simulators/kit/random.js';

export type SoakStoreKind = 'pglite' | 'postgres';

export interface SoakOptions {
  /** Length of the load phase (the drain and the checks come after it). */
  minutes: number;
  /** How many times the engine is killed with SIGKILL (and restarted) during the load. */
  crashes: number;
  store: SoakStoreKind;
  /** Fixes every choice the soak makes and every fault draw; timing still varies between runs. */
  seed: number;
  /** Load generators running flows side by side. */
  workers: number;
  /** One JSON object on stdout at the end (progress goes to stderr). */
  json: boolean;
  /** Keep the store (PostgreSQL schema or PGlite directory) and the engine log for inspection. */
  keep: boolean;
  /** PostgreSQL URL for `--store postgres` (DATABASE_URL, else TEST_DATABASE_URL). */
  databaseUrl: string | undefined;
}

/** A command line the soak refuses: its message is the one line to print. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const maxMinutes = 120;
/**
 * Flows side by side by default: about as much as one engine process delivers merchant webhooks
 * for on this machine, so that the deliveries keep up and the drain stays short.
 */
export const defaultWorkers = 3;

export const usage = `npm run soak -- --minutes N [--crash K] [--store pglite|postgres] [--seed S] [--workers W] [--json] [--keep]

  --minutes N    length of the load, in minutes (fractions allowed, at most ${maxMinutes})
  --crash K      kill -9 the engine K times during the load and restart it on the same store (PostgreSQL only)
  --store        pglite (default) or postgres (DATABASE_URL, else TEST_DATABASE_URL; a private schema, dropped after)
  --seed S       repeat a run's choices and fault draws (default: random, printed)
  --workers W    flows running side by side (default ${defaultWorkers})
  --json         one JSON object on stdout at the end
  --keep         keep the store and the engine log afterwards`;

export function parseSoakOptions(argv: readonly string[], env: NodeJS.ProcessEnv): SoakOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        minutes: { type: 'string' },
        crash: { type: 'string' },
        store: { type: 'string' },
        seed: { type: 'string' },
        workers: { type: 'string' },
        json: { type: 'boolean' },
        keep: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.minutes === undefined) throw new UsageError('--minutes is required (a soak is always bounded)');
  const minutes = Number(values.minutes);
  if (!(Number.isFinite(minutes) && minutes > 0 && minutes <= maxMinutes)) {
    throw new UsageError(`--minutes must be a number above 0 and at most ${maxMinutes}, got ${JSON.stringify(values.minutes)}`);
  }
  const crashes = wholeNumber('--crash', values.crash ?? '0', 0, 20);
  const store = values.store ?? 'pglite';
  if (store !== 'pglite' && store !== 'postgres') throw new UsageError(`--store must be pglite or postgres, got ${JSON.stringify(store)}`);
  if (crashes > 0 && store === 'pglite') {
    // DESIGN.md: PGlite does not fsync, so a killed process may lose what it acknowledged.
    throw new UsageError('--crash needs --store postgres: PGlite does not fsync, so a kill -9 may lose acknowledged writes by design');
  }
  const databaseUrl = nonEmpty(env.DATABASE_URL) ?? nonEmpty(env.TEST_DATABASE_URL);
  if (store === 'postgres' && databaseUrl === undefined) throw new UsageError('--store postgres needs DATABASE_URL or TEST_DATABASE_URL');
  return {
    minutes,
    crashes,
    store,
    seed: values.seed === undefined ? randomSeed() : wholeNumber('--seed', values.seed, 0, 2 ** 32 - 1),
    workers: wholeNumber('--workers', values.workers ?? String(defaultWorkers), 1, 64),
    json: values.json ?? false,
    keep: values.keep ?? false,
    databaseUrl: store === 'postgres' ? databaseUrl : undefined,
  };
}

function wholeNumber(name: string, raw: string, min: number, max: number): number {
  const value = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
