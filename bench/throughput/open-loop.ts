// A fixed-rate (open-loop) load: requests start on an even schedule whatever the answers do, and a
// request's latency counts from the moment it was due, so a slow answer can neither thin out the
// load nor hide its own delay (no coordinated omission). autocannon's overallRate fires its
// connections in step, in bursts, which would time a queue of its own making.
import http from 'node:http';
import { summarize } from '../stats.js';
import type { LoadRequest, LoadResult } from './load.js';

export interface OpenLoopOptions {
  url: string;
  perSecond: number;
  seconds: number;
  next: () => LoadRequest;
  check: (status: number, body: string) => string | undefined;
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(options.url);
  const total = Math.round(options.perSecond * options.seconds);
  const latencies: number[] = [];
  const wrongExamples: string[] = [];
  let ok = 0;
  let wrong = 0;
  let errors = 0;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  const send = (dueAt: number) =>
    new Promise<void>((resolve) => {
      const request = options.next();
      const req = http.request(
        { host: target.hostname, port: target.port, method: request.method, path: request.path, headers: request.headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            latencies.push(performance.now() - dueAt);
            const problem = options.check(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
            if (problem === undefined) ok++;
            else {
              wrong++;
              if (wrongExamples.length < 3) wrongExamples.push(`${res.statusCode}: ${problem}`);
            }
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(request.body);
    });
  for (let index = 0; index < total; index++) {
    const dueAt = started + (index * 1000) / options.perSecond;
    const wait = dueAt - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send(dueAt));
  }
  await Promise.all(inFlight);
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  return { requests: latencies.length, ok, wrong, wrongExamples, errors, timeouts: 0, seconds, perSec: ok / seconds, latency: summarize(latencies) };
}
