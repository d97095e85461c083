import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChecks, type CheckResult } from './checks.js';
import type { FlowContext } from './client-calls.js';
import { killAndRestart, type KillRecord } from './crashes.js';
import { Dice } from './dice.js';
import { drain, type DrainState } from './drain.js';
import { EngineApi, type RequestStats } from './engine-api.js';
import { freePort } from '../../test/helpers/free-port.js';
import { EngineProcess } from './engine-process.js';
import { readStoreFigures, type StoreFigures } from './figures.js';
import { decideWaitingWithdrawals } from './flows.js';
import { Heartbeat } from './heartbeat.js';
import { Ledger, type LoadCounts } from './ledger.js';
import { runLoad, type FlowErrors } from './load.js';
import type { SoakOptions } from './options.js';
import { MerchantReceiver, type ReceiverStats } from './receiver.js';
import { defaultFaultRates, SoakSimulators, type FaultCounts } from './simulators.js';
import { createSoakStore, type SoakStore } from './store.js';
import { setUpTenants, type Tenant } from './tenants.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Gateway delays (webhook retry schedules, settlement, pay-link expiry) run 20 times faster. */
const simulatorTimeScale = 0.05;
/** The engine's first status check of an unsettled transaction, this long after its creation. */
const reconcileAfterSeconds = 3;
/** A delivery cut by a kill is retried about this long after (the engine's minimum). */
const deliveryLeaseSeconds = 15;
/** The engine's janitor looks for due checks this often (defaultBackgroundOptions). */
const janitorIntervalMs = 10_000;
/** Flows in hand when the load ends keep retrying this long. */
const loadGraceMs = 10_000;

export type { KillRecord } from './crashes.js';

export interface SoakResult {
  startedAt: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string };
  store: SoakOptions['store'];
  seed: number;
  minutes: number;
  workers: number;
  /** The load, with the flows in hand finishing after its time was up. */
  loadSeconds: number;
  drainSeconds: number;
  totalSeconds: number;
  drained: boolean;
  drainState: DrainState;
  requests: RequestStats;
  flows: LoadCounts;
  flowErrors: FlowErrors;
  faults: FaultCounts & { total: number };
  kills: KillRecord[];
  acknowledged: number;
  ordersSent: number;
  figures: StoreFigures;
  receiver: ReceiverStats;
  /** Exit code of the engine's graceful stop after the drain (0 = clean). */
  engineExitCode: number | null;
  checks: CheckResult[];
  violations: number;
  /** Where the store and the engine log were kept (--keep). */
  kept: string | undefined;
}

/** Everything the soak runs against, for one run. */
interface Rig {
  workDir: string;
  store: SoakStore;
  sims: SoakSimulators;
  receiver: MerchantReceiver;
  engine: EngineProcess;
  /** For set-up, the operator's decisions and the drain: the load's figures stay the load's. */
  operator: EngineApi;
  adminToken: string;
}

/** What a soak undoes at its end, newest first, once: also when it is interrupted (run.ts). */
export class Cleanups {
  readonly #steps: (() => Promise<void> | void)[] = [];
  #done: Promise<void> | undefined;

  add(step: () => Promise<void> | void): void {
    this.#steps.push(step);
  }

  /** Every step runs even if one fails; the first failure is thrown after the last step. */
  run(): Promise<void> {
    this.#done ??= (async () => {
      const failures: unknown[] = [];
      for (const step of this.#steps.reverse()) await Promise.resolve().then(step).catch((err: unknown) => failures.push(err));
      if (failures.length > 0) throw failures[0];
    })();
    return this.#done;
  }
}

/**
 * The soak: an engine process on a fresh store, the four gateway simulators and the merchants'
 * webhook receiver in this process, three tenants, mixed load with random gateway faults (and
 * SIGKILLs of the engine when asked), then a drain and the checks. The store and its directory
 * are removed at the end unless --keep.
 */
export async function runSoak(options: SoakOptions, print: (line: string) => void, cleanups = new Cleanups()): Promise<SoakResult> {
  const startedAt = new Date();
  // A line at least every 10 s, whatever the phase.
  const heartbeat = new Heartbeat(print);
  const progress = heartbeat.say;
  heartbeat.start();
  let rig: Rig | undefined;
  try {
    heartbeat.phase('setting up the store, the simulators and the receiver');
    rig = await setUpRig(options, cleanups);
    progress(`store ${options.store} (${rig.store.location}); engine ${rig.engine.url}; simulators ${rig.sims.baseUrl}; seed ${options.seed}`);
    heartbeat.phase('starting the engine');
    await rig.engine.start();
    heartbeat.phase('setting up the tenants');
    const tenants = await setUpTenants(rig.operator, rig.sims, rig.receiver);
    const ledger = new Ledger();
    heartbeat.phase('running the load');
    const load = await loadPhase(rig, tenants, ledger, options, progress);
    heartbeat.phase('deciding what waits for an operator');
    await decideWaitingWithdrawals(operatorContext(rig, tenants, ledger, new Dice(options.seed, 1_002)));
    heartbeat.phase('draining');
    const drained = await drainPhase(rig, tenants, ledger, options, progress);
    heartbeat.phase('stopping the engine');
    const engineExitCode = await rig.engine.stop();
    heartbeat.phase('checking the store');
    const { checks, figures } = await checkPhase(rig, tenants, ledger);
    return {
      startedAt: startedAt.toISOString(),
      machine: { cpu: os.cpus()[0]?.model.trim() ?? 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      store: options.store,
      seed: options.seed,
      minutes: options.minutes,
      workers: options.workers,
      ...load,
      ...drained,
      totalSeconds: (Date.now() - startedAt.getTime()) / 1000,
      acknowledged: ledger.acknowledged.size,
      ordersSent: ledger.ordersTried.size,
      flows: ledger.counts,
      figures,
      receiver: rig.receiver.stats,
      engineExitCode,
      checks,
      violations: checks.reduce((sum, check) => sum + check.violations, 0),
      kept: options.keep ? `${rig.workDir} (the engine log, and the store: ${rig.store.location})` : undefined,
    };
  } catch (err) {
    const log = rig === undefined ? '' : `\nthe end of the engine log:\n${rig.engine.logTail()}`;
    throw new Error(`${err instanceof Error ? err.message : String(err)}${log}`, { cause: err });
  } finally {
    heartbeat.phase('cleaning up');
    await cleanups.run();
    heartbeat.stop();
  }
}

async function setUpRig(options: SoakOptions, cleanups: Cleanups): Promise<Rig> {
  const workDir = mkdtempSync(join(os.tmpdir(), 'connxt-soak-'));
  if (!options.keep) cleanups.add(() => rmSync(workDir, { recursive: true, force: true }));
  const store = await createSoakStore(options.store, workDir, options.databaseUrl);
  if (!options.keep) cleanups.add(() => store.destroy());
  const sims = await SoakSimulators.start(simulatorTimeScale);
  cleanups.add(() => sims.close());
  const receiver = new MerchantReceiver(new Dice(options.seed, 1_000));
  await receiver.start();
  cleanups.add(() => receiver.stop());
  const adminToken = randomBytes(24).toString('hex');
  const engine = new EngineProcess({
    cwd: repoRoot,
    port: await freePort(),
    logFile: join(workDir, 'engine.log'),
    env: {
      ...store.engineEnv,
      NODE_ENV: '',
      CONNXT_ROLE: 'all',
      CONNXT_ADMIN_TOKEN: adminToken,
      // Fixed for the run: a restarted engine must open what the first one sealed.
      CONNXT_MASTER_KEY: randomBytes(32).toString('base64'),
      CONNXT_SIMULATORS: 'off',
      CONNXT_RECONCILE_AFTER_SECONDS: String(reconcileAfterSeconds),
      CONNXT_DELIVERY_LEASE_SECONDS: String(deliveryLeaseSeconds),
      LOG_LEVEL: 'warn',
    },
  });
  cleanups.add(() => engine.close());
  return { workDir, store, sims, receiver, engine, operator: new EngineApi(engine.url, adminToken), adminToken };
}

/** The load with faults (and kills), a progress line every 5 s; the faults stop when it ends. */
async function loadPhase(rig: Rig, tenants: readonly Tenant[], ledger: Ledger, options: SoakOptions, progress: (line: string) => void) {
  await rig.sims.injectFaults(defaultFaultRates, options.seed);
  const api = new EngineApi(rig.engine.url, rig.adminToken);
  const loadMs = Math.round(options.minutes * 60_000);
  const started = Date.now();
  const ticker = setInterval(() => {
    void rig.sims.faultCounts().then(
      (faults) => progress(progressLine(started, api.stats, faultTotal(faults), ledger, rig.receiver.stats, rig.engine.running)),
      () => undefined,
    );
  }, 5_000);
  let flowErrors: FlowErrors;
  let kills: KillRecord[];
  try {
    [flowErrors, kills] = await Promise.all([
      runLoad({ api, tenants, ledger, seed: options.seed, workers: options.workers }, loadMs, loadGraceMs),
      killAndRestart(rig.engine, options.crashes, loadMs, new Dice(options.seed, 1_001), progress),
    ]);
  } finally {
    clearInterval(ticker);
  }
  await rig.sims.clearFaults();
  const faults = await rig.sims.faultCounts();
  const loadSeconds = (Date.now() - started) / 1000;
  progress(`load over after ${loadSeconds.toFixed(0)} s: ${api.stats.requests} requests, ${faultTotal(faults)} faults injected; deciding what still waits for an operator`);
  return { loadSeconds, requests: api.stats, flowErrors, kills, faults: { ...faults, total: faultTotal(faults) } };
}

/** Waits for the engine to finish what the checks depend on (bounded: a minute plus a third of the load, 15 minutes at most). */
async function drainPhase(rig: Rig, tenants: readonly Tenant[], ledger: Ledger, options: SoakOptions, progress: (line: string) => void) {
  const started = Date.now();
  const db = rig.store.kind === 'postgres' ? await rig.store.open() : undefined;
  try {
    const result = await drain(
      {
        api: rig.operator,
        tenants,
        receiver: rig.receiver,
        db,
        jobsSchema: rig.store.jobsSchema,
        checksSettleAt: ledger.lastStartedAt + reconcileAfterSeconds * 1000 + janitorIntervalMs + 5_000,
      },
      Math.min(15 * 60_000, 60_000 + (options.minutes * 60_000) / 3),
      (state) => progress(`drain: ${describeDrain(state)}`),
    );
    const drainSeconds = (Date.now() - started) / 1000;
    progress(result.drained ? `drained in ${drainSeconds.toFixed(0)} s` : `NOT drained after ${drainSeconds.toFixed(0)} s: ${describeDrain(result.state)}`);
    return { drained: result.drained, drainState: result.state, drainSeconds };
  } finally {
    await db?.close();
  }
}

/** The checks and the store's figures, read with the engine stopped (PGlite is one process's). */
async function checkPhase(rig: Rig, tenants: readonly Tenant[], ledger: Ledger): Promise<{ checks: CheckResult[]; figures: StoreFigures }> {
  const db = await rig.store.open();
  try {
    return { checks: await runChecks({ db, ledger, receiver: rig.receiver, tenants }), figures: await readStoreFigures(db, rig.store.jobsSchema) };
  } finally {
    await db.close();
  }
}

/** The operator's own context: deciding what still waits, for a minute at most. */
function operatorContext(rig: Rig, tenants: readonly Tenant[], ledger: Ledger, dice: Dice): FlowContext {
  const deadline = Date.now() + 60_000;
  return { api: rig.operator, tenants, ledger, dice, nextOrderId: () => '', givingUp: () => Date.now() > deadline };
}

function faultTotal(faults: FaultCounts): number {
  return faults.error + faults.timeout + faults.drop + faults.duplicate + faults.delay + faults.replay;
}

function progressLine(started: number, stats: RequestStats, faults: number, ledger: Ledger, receiver: ReceiverStats, up: boolean): string {
  const errors = (stats.answers['5xx'] ?? 0) + stats.connectionErrors;
  const seconds = String(Math.round((Date.now() - started) / 1000)).padStart(4);
  return (
    `[${seconds} s] requests ${stats.requests} · errors ${errors} · faults injected ${faults} · ` +
    `acknowledged transactions ${ledger.acknowledged.size} · merchant deliveries ${receiver.deliveries} · engine ${up ? 'up' : 'DOWN'}`
  );
}

function describeDrain(state: DrainState): string {
  const known = (value: number | null) => (value === null ? '?' : String(value));
  const undelivered = state.undelivered < 0 ? '(not read yet)' : String(state.undelivered);
  return (
    `outbox ${known(state.outbox)}, deliveries pending ${known(state.pendingDeliveries)}, ` +
    `events not yet at their endpoints ${undelivered}, first status checks to come ${known(state.firstChecksDue)}`
  );
}
