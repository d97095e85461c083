import type { Command } from 'commander';
import type { DestinationStream } from 'pino';
import { ConfigError, loadConfig, type Config, type LogLevel } from '../config.js';
import { createServices, type Services } from '../engine.js';
import { AppError, describeError, type ErrorKind } from '../errors.js';
import { createLogger } from '../logger.js';
import type { Db } from '../store/db.js';
import { openStore } from '../store/open-store.js';
import { printResult } from './output.js';

/** 1: anything else (configuration, store unavailable or locked); 2: bad input; 3: not found; 4: conflict. */
export const exitCodes = { failure: 1, usage: 2, notFound: 3, conflict: 4 } as const;

const exitCodeOfKind: Partial<Record<ErrorKind, number>> = {
  validation: exitCodes.usage,
  not_found: exitCodes.notFound,
  conflict: exitCodes.conflict,
};

/** What an action may open; whatever it opened is closed when the command ends. */
export interface Session {
  /** The configured store (PostgreSQL or the locked PGlite data dir), nothing applied to it. */
  store(): Promise<Db>;
  /** The same services the HTTP API runs on: migrations applied, master key checked, catalog synced. */
  services(): Promise<Services>;
}

/**
 * Runs one command: the action (which validates its input before opening anything), then prints
 * its result, then always closes the store. Errors become one `connxt: …` message and an exit code.
 */
export async function runCommand<T>(
  command: Command,
  action: (session: Session) => Promise<T>,
  human: (result: T) => string,
): Promise<void> {
  const { json } = command.optsWithGlobals<{ json?: boolean }>();
  const session = new StoreSession();
  try {
    printResult(json === true, await action(session), human);
  } catch (err) {
    reportError(err);
  } finally {
    try {
      await session.close();
    } catch (err) {
      reportError(err);
    }
  }
}

/** Prints the error without a stack trace and sets the exit code. Messages never carry secrets. */
export function reportError(err: unknown): void {
  if (err instanceof AppError) {
    const lines = [`connxt: ${err.message}`, ...err.errors.map((e) => `  ${e.field}: ${e.message}`)];
    process.stderr.write(`${lines.join('\n')}\n`);
    process.exitCode = exitCodeOfKind[err.kind] ?? exitCodes.failure;
    return;
  }
  const message = err instanceof ConfigError ? err.message : describeError(err);
  process.stderr.write(`connxt: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exitCode = exitCodes.failure;
}

const levels: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** The engine's logs go to stderr, at most as verbose as warn, so that stdout holds only the result. */
function cliLogLevel(configured: LogLevel): LogLevel {
  return levels.indexOf(configured) > levels.indexOf('warn') ? configured : 'warn';
}

/** Pino's JSON lines, redacted as ever, as plain `connxt: warning: …` lines on stderr. */
const stderrLog: DestinationStream = {
  write(line: string) {
    let entry: { level?: number; msg?: string; err?: { message?: string } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      process.stderr.write(line);
      return;
    }
    const level = entry.level ?? 0;
    const label = level >= 50 ? 'error' : level >= 40 ? 'warning' : 'info';
    const cause = entry.err?.message === undefined ? '' : ` (${entry.err.message})`;
    process.stderr.write(`connxt: ${label}: ${entry.msg ?? ''}${cause}\n`);
  },
};

class StoreSession implements Session {
  #config: Config | undefined;
  #db: Promise<Db> | undefined;
  #services: Promise<Services> | undefined;

  #loadConfig(): Config {
    this.#config ??= loadConfig(process.env);
    return this.#config;
  }

  store(): Promise<Db> {
    this.#db ??= Promise.resolve().then(() => openStore(this.#loadConfig()));
    return this.#db;
  }

  services(): Promise<Services> {
    this.#services ??= this.store().then((db) => {
      const config = this.#loadConfig();
      return createServices(config, {
        db,
        logger: createLogger(cliLogLevel(config.logLevel), stderrLog),
        onProgress: (message) => process.stderr.write(`${message}\n`),
      });
    });
    return this.#services;
  }

  async close(): Promise<void> {
    const services = await this.#services?.catch(() => undefined);
    services?.sandbox.close();
    await services?.authenticator.flush();
    const db = await this.#db?.catch(() => undefined);
    await db?.close();
  }
}
