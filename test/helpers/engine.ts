import { randomBytes } from 'node:crypto';
import { freePort } from './free-port.js';
import { Writable } from 'node:stream';
import { after, before } from 'node:test';
import type { Clock } from '../../src/clock.js';
import { createEngine, defaultBackgroundOptions, type Engine } from '../../src/engine.js';
import type { BackgroundOptions } from '../../src/jobs/background.js';
import type { SandboxOptions } from '../../src/flows/sandbox.js';
import { createLogger } from '../../src/logger.js';
import type { Db } from '../../src/store/db.js';
import type { StoreCase, TestStore } from './stores.js';

export const adminToken = 'test-admin-token-0123456789abcdef';

/** Everything the engine logged, one JSON line per entry, for tests that scan the logs. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
    done();
  }

  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestEngine {
  engine: Engine;
  db: Db;
  logs: LogCapture;
  /** The demo environment's token (the engine creates the demo tenant on an empty store). */
  demoToken: string | undefined;
  /** Where the engine is (or, without `listen`, would be) served: its public URL. */
  baseUrl: string;
  close(): Promise<void>;
}

/** Keys are fixed per store so a restarted engine decrypts what the first one wrote. */
const masterKeys = new WeakMap<TestStore, Buffer>();

export async function startTestEngine(
  store: TestStore,
  options: {
    adminToken?: string | undefined;
    /** CONNXT_METRICS_TOKEN: /metrics asks for it. */
    metricsToken?: string;
    clock?: Clock;
    logLevel?: 'info' | 'debug';
    masterKey?: Buffer;
    sandbox?: SandboxOptions;
    /** Serve on a real loopback port, with the callback URLs pointing at it (simulators call back). */
    listen?: boolean;
    /**
     * Run the outbox relay, webhook deliveries and the reconciliation loop, with test pacing
     * (fast polls, 1 s fixed retries) unless overridden.
     */
    background?: boolean | Partial<BackgroundOptions>;
  } = {},
): Promise<TestEngine> {
  let masterKey = options.masterKey ?? masterKeys.get(store);
  if (masterKey === undefined) {
    masterKey = randomBytes(32);
    masterKeys.set(store, masterKey);
  }
  const logs = new LogCapture();
  const port = options.listen ? await freePort() : 8080;
  const publicUrl = `http://127.0.0.1:${port}`;
  const db = await store.open();
  const engine = await createEngine(
    {
      production: false,
      dataDir: store.dataDir,
      masterKey,
      adminToken: 'adminToken' in options ? options.adminToken : adminToken,
      ...(options.metricsToken === undefined ? {} : { metricsToken: options.metricsToken }),
      publicUrl,
      ...(options.sandbox ? { sandbox: options.sandbox } : {}),
      ...(options.background ? { background: testBackground(store, options.background) } : {}),
    },
    { db, logger: createLogger(options.logLevel ?? 'info', logs), ...(options.clock ? { clock: options.clock } : {}) },
  );
  if (options.listen) await engine.app.listen({ host: '127.0.0.1', port });
  return { engine, db, logs, baseUrl: publicUrl, demoToken: engine.demo?.secretToken, close: () => engine.close() };
}

/** Background work paced for tests: a failed delivery is retried after 1 s, not after minutes. */
export function testBackground(store: TestStore, overrides: true | Partial<BackgroundOptions>): BackgroundOptions {
  return {
    ...defaultBackgroundOptions,
    jobsSchema: store.jobsSchema,
    deliveryRetry: { retryLimit: 15, retryDelaySeconds: 1, backoff: false },
    pollingIntervalSeconds: 0.5,
    relayIntervalMs: 50,
    janitorIntervalMs: 250,
    ...(overrides === true ? {} : overrides),
  };
}

export interface EngineContext {
  readonly store: TestStore;
  readonly t: TestEngine;
  /** Closes the engine and starts a new one on the same store (a restart). */
  restart(options?: EngineOptions): Promise<TestEngine>;
}

type EngineOptions = Parameters<typeof startTestEngine>[1];

/**
 * Gives the enclosing describe its own empty store and a running engine: created before its tests,
 * closed and destroyed after them.
 */
export function useEngine(storeCase: StoreCase, options: EngineOptions = {}): EngineContext {
  let store: TestStore | undefined;
  let engine: TestEngine | undefined;
  before(async () => {
    store = await storeCase.create();
    engine = await startTestEngine(store, options);
  });
  after(async () => {
    await engine?.close();
    await store?.destroy();
  });
  return {
    get store() {
      if (store === undefined) throw new Error('useEngine: used outside a test');
      return store;
    },
    get t() {
      if (engine === undefined) throw new Error('useEngine: used outside a test');
      return engine;
    },
    async restart(restartOptions = options) {
      await engine?.close();
      engine = await startTestEngine(this.store, restartOptions);
      return engine;
    },
  };
}

export { freePort } from './free-port.js';
