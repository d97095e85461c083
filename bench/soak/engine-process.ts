import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';

export interface EngineProcessOptions {
  /** The repository root: the engine runs as `node --import tsx src/main.ts` there. */
  cwd: string;
  /** Fixed across restarts: the gateways' webhooks and payers' redirects keep their URLs. */
  port: number;
  env: Record<string, string>;
  /** Everything every run of the engine prints, appended. */
  logFile: string;
}

/**
 * The engine as a real OS process, started as `npm start` starts it (without the build step), on
 * one port for its whole life: killed with SIGKILL and started again on the same store, it keeps
 * its public URL.
 */
export class EngineProcess {
  readonly url: string;
  readonly #options: EngineProcessOptions;
  readonly #log: WriteStream;
  #child: ChildProcess | undefined;
  #exited: Promise<number | null> = Promise.resolve(null);
  #starts = 0;

  constructor(options: EngineProcessOptions) {
    this.#options = options;
    this.url = `http://127.0.0.1:${options.port}`;
    this.#log = createWriteStream(options.logFile, { flags: 'a' });
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts it and waits until /ready answers (a minute at most). */
  async start(): Promise<void> {
    this.#starts += 1;
    this.#log.write(`\n--- engine start ${this.#starts} at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'src/main.ts'], {
      cwd: this.#options.cwd,
      env: { ...process.env, ...this.#options.env, HOST: '127.0.0.1', PORT: String(this.#options.port), CONNXT_PUBLIC_URL: this.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    // A soak interrupted (Ctrl-C, a test timeout) must not leave an engine behind.
    const orphaned = () => child.kill('SIGKILL');
    process.once('exit', orphaned);
    child.once('exit', () => process.removeListener('exit', orphaned));
    child.stdout!.pipe(this.#log, { end: false });
    child.stderr!.pipe(this.#log, { end: false });
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && this.running) {
      const ready = await fetch(`${this.url}/ready`, { signal: AbortSignal.timeout(2_000) }).then(
        (res) => res.ok,
        () => false,
      );
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGKILL');
    await this.#exited;
    throw new Error(`the engine did not become ready; the end of its log:\n${this.logTail()}`);
  }

  /** SIGKILL: no chance to finish anything. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.#log.write(`\n--- engine killed with SIGKILL at ${new Date().toISOString()}\n`);
    this.#child!.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM and its graceful stop (SIGKILL after 30 s); the exit code. */
  async stop(): Promise<number | null> {
    if (!this.running) return this.#child?.exitCode ?? null;
    this.#child!.kill('SIGTERM');
    const timer = setTimeout(() => this.#child?.kill('SIGKILL'), 30_000);
    try {
      return await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.kill();
    await new Promise<void>((resolve) => this.#log.end(resolve));
  }

  /** The last lines of the log, for a failure message. */
  logTail(lines = 40): string {
    try {
      return readFileSync(this.#options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

