import { resolve } from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * What a process does: `api` serves HTTP, `worker` delivers merchant webhooks and reconciles,
 * `all` does both. Several processes of any role can share one PostgreSQL.
 */
export type ProcessRole = 'api' | 'worker' | 'all';
const processRoles: readonly ProcessRole[] = ['api', 'worker', 'all'];

export interface Config {
  production: boolean;
  host: string;
  port: number;
  /** PostgreSQL URL; undefined means the embedded PGlite store under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Bearer token of /admin/v1; undefined turns the admin API off. */
  adminToken: string | undefined;
  /** CONNXT_METRICS_TOKEN: when set, /metrics asks for it as a bearer token; unset, /metrics is public. */
  metricsToken: string | undefined;
  /** 32-byte master key; undefined outside production means "generate one into dataDir". */
  masterKey: Buffer | undefined;
  publicUrl: string;
  simulators: boolean;
  logLevel: LogLevel;
  role: ProcessRole;
  /** PostgreSQL schema of the job queue's tables (pg-boss). */
  jobsSchema: string;
  /** How long after its last change an unsettled transaction is first checked with its PSP. */
  reconcileAfterSeconds: number;
  /**
   * How long a merchant webhook delivery may stay in a worker's hands before the queue takes it
   * back and retries it: what a delivery interrupted by a crash waits before it is sent again.
   */
  deliveryLeaseSeconds: number;
}

/** Bad configuration stops start-up with one clear line: this is that line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/** Values are quoted with JSON.stringify so that a stray newline cannot break the one-line message. */
function quote(raw: string): string {
  return JSON.stringify(raw);
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 8080;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535, got ${quote(raw)}`);
  }
  return port;
}

function parseMasterKey(raw: string | undefined): Buffer | undefined {
  if (raw === undefined) return undefined;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== raw.replace(/=+$/, '')) {
    throw new ConfigError('CONNXT_MASTER_KEY must be 32 bytes in base64 (try: openssl rand -base64 32)');
  }
  return key;
}

/** Longer than one delivery attempt may take (10 s), so only a dead process's delivery is taken back. */
const minimumDeliveryLeaseSeconds = 15;

function parseWholeSeconds(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]) ?? String(fallback);
  const seconds = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!(seconds >= min && seconds <= max)) throw new ConfigError(`${name} must be whole seconds from ${min} to ${max}, got ${quote(raw)}`);
  return seconds;
}

function parseUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got ${quote(raw)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new ConfigError(`${name} must be an absolute http(s) URL without query or fragment, got ${quote(raw)}`);
  }
  // Callback paths are appended to it, so it is kept without a trailing slash.
  return url.toString().replace(/\/$/, '');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const host = nonEmpty(env.HOST) ?? '127.0.0.1';
  const port = parsePort(nonEmpty(env.PORT));
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const adminToken = nonEmpty(env.CONNXT_ADMIN_TOKEN);
  if (adminToken !== undefined && adminToken.length < 24) {
    throw new ConfigError('CONNXT_ADMIN_TOKEN must be at least 24 characters (try: openssl rand -hex 24)');
  }
  const metricsToken = nonEmpty(env.CONNXT_METRICS_TOKEN);
  if (metricsToken !== undefined && metricsToken.length < 24) {
    throw new ConfigError('CONNXT_METRICS_TOKEN must be at least 24 characters (try: openssl rand -hex 24)');
  }
  const masterKey = parseMasterKey(nonEmpty(env.CONNXT_MASTER_KEY));
  const simulatorsRaw = nonEmpty(env.CONNXT_SIMULATORS) ?? (production ? 'off' : 'on');
  if (simulatorsRaw !== 'on' && simulatorsRaw !== 'off') {
    throw new ConfigError(`CONNXT_SIMULATORS must be "on" or "off", got ${quote(simulatorsRaw)}`);
  }
  const logLevel = (nonEmpty(env.LOG_LEVEL) ?? 'info') as LogLevel;
  if (!logLevels.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')}, got ${quote(logLevel)}`);
  }
  const publicUrlRaw = nonEmpty(env.CONNXT_PUBLIC_URL);
  const role = (nonEmpty(env.CONNXT_ROLE) ?? 'all') as ProcessRole;
  if (!processRoles.includes(role)) {
    throw new ConfigError(`CONNXT_ROLE must be one of ${processRoles.join(', ')}, got ${quote(role)}`);
  }
  const jobsSchema = nonEmpty(env.CONNXT_JOBS_SCHEMA) ?? 'pgboss';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(jobsSchema)) {
    throw new ConfigError(`CONNXT_JOBS_SCHEMA must be a lower-case SQL identifier, got ${quote(jobsSchema)}`);
  }
  const reconcileAfterSeconds = parseWholeSeconds(env, 'CONNXT_RECONCILE_AFTER_SECONDS', 60, 1, 86_400);
  const deliveryLeaseSeconds = parseWholeSeconds(env, 'CONNXT_DELIVERY_LEASE_SECONDS', 120, minimumDeliveryLeaseSeconds, 3_600);
  if (role !== 'all' && databaseUrl === undefined) {
    // The embedded store is one process's: an api process alone would never deliver a webhook.
    throw new ConfigError(`CONNXT_ROLE=${role} needs DATABASE_URL (PostgreSQL): the embedded store serves a single process`);
  }

  if (production) {
    // PGlite does not fsync and is single-process: it is never the store of record in production.
    if (databaseUrl === undefined) throw new ConfigError('NODE_ENV=production requires DATABASE_URL (PostgreSQL)');
    if (masterKey === undefined) throw new ConfigError('NODE_ENV=production requires CONNXT_MASTER_KEY');
    if (publicUrlRaw === undefined) throw new ConfigError('NODE_ENV=production requires CONNXT_PUBLIC_URL');
    if (simulatorsRaw === 'on') throw new ConfigError('CONNXT_SIMULATORS=on is not allowed with NODE_ENV=production');
  }

  return {
    production,
    host,
    port,
    databaseUrl,
    dataDir: resolve(nonEmpty(env.CONNXT_DATA_DIR) ?? '.connxt'),
    adminToken,
    metricsToken,
    masterKey,
    publicUrl: parseUrl('CONNXT_PUBLIC_URL', publicUrlRaw ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`),
    simulators: simulatorsRaw === 'on',
    logLevel,
    role,
    jobsSchema,
    reconcileAfterSeconds,
    deliveryLeaseSeconds,
  };
}
