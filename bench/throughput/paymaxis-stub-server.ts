// A stand-in for the Paymaxis payments API (the connector's `POST /api/v1/payments`), answering at
// once unless BENCH_PSP_LATENCY_MS says otherwise,
// run as its own process by paymaxis-stub.ts so that its work does not land on the engine's or the
// load generator's event loop. Each payment gets a fresh id and a CHECKOUT state, as the simulator
// would answer; the payments it was asked for are kept so that the webhook bench can sign and send
// each one's webhook afterwards (GET /_bench/payments, then DELETE to forget them).
import { createServer } from 'node:http';

interface Payment {
  id: string;
  referenceId: string;
  webhookUrl: string;
  amount: number;
  currency: string;
}

/** BENCH_PSP_LATENCY_MS: how long the stand-in takes to answer a payment (0: at once). */
const latencyMs = Number(process.env.BENCH_PSP_LATENCY_MS ?? 0);
let next = 0;
let payments: Payment[] = [];

function answer(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/api/v1/payments') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<Payment, 'id'>;
      const id = `pmx_bench_${(next++).toString(36)}`;
      payments.push({ id, referenceId: body.referenceId, webhookUrl: body.webhookUrl, amount: body.amount, currency: body.currency });
      const result = { id, referenceId: body.referenceId, state: 'CHECKOUT', redirectUrl: `https://app.paymaxis.com/checkout/${id}` };
      if (latencyMs > 0) setTimeout(() => answer(res, 200, { status: 200, result }), latencyMs);
      else answer(res, 200, { status: 200, result });
    } else if (req.method === 'GET' && req.url === '/_bench/payments') {
      answer(res, 200, payments);
    } else if (req.method === 'DELETE' && req.url === '/_bench/payments') {
      payments = [];
      answer(res, 200, {});
    } else {
      answer(res, 404, { status: 404, error: 'Not Found', message: `no route ${req.method} ${req.url}` });
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});
// The bench holds stdin open while it lives: the stub ends with it, however the bench ends.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
