// A stand-in PSP for the benches: a node:http server on 127.0.0.1 in a child process, so that its
// work (parsing the request, answering, closing the socket) does not run on the engine's event
// loop between a run's phases, as it would if it lived in the bench's own process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';

export interface StubPsp {
  /** http://127.0.0.1:<port>, the value for egress.hostMap. */
  base: string;
  close(): void;
}

/** Every POST to `path` gets HTTP 200 with `body` as JSON; anything else gets a Sticpay-style error. */
export async function startStubPsp(path: string, body: unknown): Promise<StubPsp> {
  const server = `
    const http = require('node:http');
    const known = ${JSON.stringify(path)};
    const ok = JSON.stringify(${JSON.stringify(body)});
    http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const text = req.method === 'POST' && req.url === known ? ok : JSON.stringify({ success: false, code: 404, message: 'no route ' + req.url });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    }).listen(0, '127.0.0.1', function () {
      process.stdout.write(String(this.address().port) + '\\n');
    });
    process.stdin.on('end', () => process.exit(0));
    process.stdin.resume();
  `;
  // stdin stays open while the bench lives: the server exits when its parent does, however it ends.
  const child = spawn(process.execPath, ['-e', server], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [chunk] = (await Promise.race([
    once(child.stdout, 'data'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`the stub PSP exited (${code}) before listening`);
    }),
  ])) as [Buffer];
  const port = Number(chunk.toString().trim());
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => {
      child.stdin.end();
      child.stdout.destroy();
    },
  };
}
