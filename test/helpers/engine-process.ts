import { spawn, type ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { adminToken, freePort } from './engine.js';

/** An engine started as `npm start` starts it (without the build step): a real OS process. */
export interface EngineProcess {
  child: ChildProcess;
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, then the exit code (a graceful stop exits 0). */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to finish anything. */
  kill(): Promise<void>;
}

export async function startEngineProcess(env: Record<string, string>, options: { readyTimeoutMs?: number } = {}): Promise<EngineProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      CONNXT_PUBLIC_URL: url,
      CONNXT_ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline && child.exitCode === null) {
    const ready = await fetch(`${url}/ready`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) {
      return {
        child,
        url,
        output: () => output,
        async stop() {
          child.kill('SIGTERM');
          return exited;
        },
        async kill() {
          child.kill('SIGKILL');
          await exited;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`engine process did not become ready:\n${output}`);
}

/** The demo token an engine prints on its first start (on an empty store). */
export function demoTokenOf(engine: EngineProcess): string {
  const token = /export CONNXT_TOKEN=(sec_[0-9A-Za-z]{26})/.exec(engine.output())?.[1];
  if (token === undefined) throw new Error(`no demo token printed:\n${engine.output()}`);
  return token;
}

/** An envelope as the engine answers it (`text` when the answer was not JSON). */
export interface ApiBody {
  code?: string;
  message?: string;
  data: Record<string, unknown>;
  text?: string;
}

/** A JSON call to a running engine, answering status and parsed body. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; admin?: boolean; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: ApiBody }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['x-secret-token'] = options.token;
  if (options.admin) headers.authorization = `Bearer ${adminToken}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await res.text();
  let body: ApiBody;
  try {
    body = JSON.parse(text) as ApiBody;
  } catch {
    body = { data: {}, text };
  }
  return { status: res.status, body };
}

/**
 * Enough of Fastify's `inject` over real HTTP for the set-up helpers written against an in-process
 * app (setUpTestGateway) to drive an engine process.
 */
export function remoteApp(baseUrl: string): FastifyInstance {
  const inject = async (request: { method: string; url: string; headers?: Record<string, string>; payload?: string }) => {
    const res = await fetch(`${baseUrl}${request.url}`, {
      method: request.method,
      headers: request.headers ?? {},
      ...(request.payload === undefined ? {} : { body: request.payload }),
    });
    const body = await res.text();
    return { statusCode: res.status, body, json: () => JSON.parse(body) as unknown };
  };
  return { inject } as unknown as FastifyInstance;
}
