import { ConfigError, loadConfig } from './config.js';
import { describeError } from './errors.js';
import { createEngine, defaultBackgroundOptions, type Engine } from './engine.js';
import type { DemoTenant } from './tenants/demo-bootstrap.js';
import { createLogger } from './logger.js';
import { openStore } from './store/open-store.js';

const shutdownGraceMs = 10_000;

/** `npm start` / `connxt start`: configure, open the store, serve, and shut down cleanly on a signal. */
export async function runEngine(env: NodeJS.ProcessEnv = process.env): Promise<Engine | undefined> {
  let engine: Engine;
  let config;
  // Set once serving starts; the sandbox may ask for it from then on.
  const stop: { shutdown?: (reason: string, fatal?: boolean) => void } = {};
  try {
    config = loadConfig(env);
    const logger = createLogger(config.logLevel);
    const db = await openStore(config);
    try {
      const background =
        config.role === 'api'
          ? {}
          : { background: { ...defaultBackgroundOptions, jobsSchema: config.jobsSchema, deliveryLeaseSeconds: config.deliveryLeaseSeconds } };
      const httpSurface = config.role === 'worker' ? 'worker' : 'api';
      engine = await createEngine({ ...config, ...background, httpSurface, reconcileAfterMs: config.reconcileAfterSeconds * 1000 }, {
        db,
        logger,
        onProgress: (message) => logger.info(message),
        // A supervisor should restart the engine; in-flight requests still finish first.
        onFatal: () => stop.shutdown?.('sandbox failure', true),
      });
    } catch (err) {
      await db.close();
      throw err;
    }
    try {
      // A worker serves only /health, /ready and /metrics on PORT: its delivery and reconciliation metrics live there.
      await engine.app.listen({ host: config.host, port: config.port });
    } catch (err) {
      // A taken port must not leave the store open (and the embedded one locked) behind.
      await engine.close();
      throw err;
    }
  } catch (err) {
    // Start-up problems are one clear line, not a stack trace.
    const reason = err instanceof ConfigError ? err.message : `could not start: ${describeError(err)}`;
    process.stderr.write(`connxt: ${reason}\n`);
    process.exitCode = 1;
    return undefined;
  }

  const address = engine.app.server.address();
  const baseUrl = typeof address === 'object' && address !== null ? `http://${formatHost(address.address)}:${address.port}` : config.publicUrl;
  if (config.role === 'worker') engine.app.log.info({ url: baseUrl, role: config.role, store: engine.services.db.kind }, 'Connxt Engine worker running (/health, /ready, /metrics)');
  else engine.app.log.info({ url: baseUrl, role: config.role, store: engine.services.db.kind }, 'Connxt Engine listening');
  if (config.simulators) engine.app.log.info({ url: `${config.publicUrl}/simulators` }, 'gateway simulators on (CONNXT_SIMULATORS=on)');
  if (engine.demo !== undefined) printDemoBanner(engine.demo, baseUrl, config.simulators);

  let closing = false;
  const shutdown = (signal: string, fatal = false) => {
    if (closing) {
      if (!fatal) process.exit(1); // a second signal means "now"
      return;
    }
    closing = true;
    engine.app.log.info({ signal }, 'shutting down: finishing in-flight requests, deliveries and checks');
    // In-flight requests get a few seconds; a client that never finishes its request does not get
    // to keep the process (and the store) open until the orchestrator's SIGKILL.
    setTimeout(() => {
      engine.app.log.warn({ graceMs: shutdownGraceMs }, 'shutdown grace period over: closing the remaining connections');
      engine.app.server.closeAllConnections();
    }, shutdownGraceMs).unref();
    engine.close().then(
      () => {
        if (!fatal) process.exit(0);
        // After a lost isolate its thread stays parked, and a normal exit would wait for it forever
        // (isolated-vm advises ending the process outright). Give the log line a moment to leave.
        engine.app.log.fatal('engine stopped after a sandbox failure');
        setTimeout(() => process.kill(process.pid, 'SIGKILL'), 200);
      },
      (err: unknown) => {
        engine.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  stop.shutdown = shutdown;
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return engine;
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The demo token is printed here, once, on purpose; it never goes through the logger. */
function printDemoBanner(demo: DemoTenant, baseUrl: string, simulators: boolean): void {
  process.stdout.write(
    [
      '',
      'Demo tenant created (brand "Demo", environment "development"). Its secret token is shown only this once:',
      '',
      `  export CONNXT_TOKEN=${demo.secretToken}`,
      '',
      'Try:',
      `  curl -s '${baseUrl}/connxt/v2/flow-types/definitions?type=PSP' -H "X-SECRET-TOKEN: $CONNXT_TOKEN"`,
      '',
      ...(simulators
        ? ['The gateway simulators are served under /simulators, and this environment\'s host map sends ConnectPSP,', 'Cube Pay, Sticpay and Paymaxis there: the README\'s demo deposits run end to end on this machine.', '']
        : []),
      '',
    ].join('\n'),
  );
}
