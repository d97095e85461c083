// The baseline (issue 6): a minimal Fastify route that makes the same database writes as the
// engine's deposit, with no orchestration at all — no token check, no catalog, no PSP lookup, no
// credential, no script, no gateway call. It runs as its own process on the store the engine bench
// just used (the engine has stopped), so it finds that store's brand, environment and PSP there.
//
//   node --import tsx bench/throughput/baseline-server.ts   (BASELINE_STORE=pglite|postgres,
//   BASELINE_DATA_DIR or BASELINE_DATABASE_URL); prints its port, then serves POST /deposits.
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { openPgDb } from '../../src/store/pg-db.js';
import { openPgliteDb } from '../../src/store/pglite-db.js';
import { acceptSql, insertCreatedSql } from './baseline-sql.js';

const db =
  process.env.BASELINE_STORE === 'postgres'
    ? openPgDb({ connectionString: process.env.BASELINE_DATABASE_URL!, maxConnections: Number(process.env.BASELINE_POOL ?? 20) })
    : await openPgliteDb(process.env.BASELINE_DATA_DIR!);

const { rows } = await db.query<{
  id: string;
  brand_id: string;
  environment_id: string;
  flow_target_id: string;
  definition_id: string;
  version: number;
}>(
  `SELECT p.id, p.brand_id, p.environment_id, p.flow_target_id, d.id AS definition_id, v.version
     FROM psps p JOIN flow_definitions d ON d.flow_target_id = p.flow_target_id
     JOIN flow_definition_versions v ON v.definition_id = d.id
    ORDER BY v.version DESC LIMIT 1`,
);
const psp = rows[0];
if (psp === undefined) throw new Error('the store holds no PSP: run the engine bench on it first');
const depositActionId = 'fat_01jt2cetrheh48mkp2m8z680xz';

interface DepositBody {
  txnAmount: string;
  txnCurrency: string;
  executePayload: { body: { order: { id: string }; customer: { id: string } } };
}

const app = Fastify({ logger: false });
app.post('/deposits', async (request) => {
  const body = request.body as DepositBody;
  const id = `ortx${randomUUID().replaceAll('-', '').slice(0, 24)}`;
  const now = new Date();
  const eventIds = [0, 1, 2].map(() => `evt_${randomUUID()}`);
  const snapshot = (status: string) => ({ txnId: id, status, txnAmount: body.txnAmount, txnCurrency: body.txnCurrency });
  const payloads = ['NEW', 'CREATED', 'INITIATED'].map((status, index) =>
    JSON.stringify({ id: eventIds[index], type: `transaction.${status.toLowerCase()}`, data: { sequence: index + 1, transaction: snapshot(status) } }),
  );
  await db.query(insertCreatedSql, [
    id,
    psp.brand_id,
    psp.environment_id,
    psp.id,
    psp.flow_target_id,
    depositActionId,
    psp.definition_id,
    psp.version,
    body.txnCurrency,
    body.txnAmount,
    // The bench always sends two decimals ("25.00"): minor units without float arithmetic.
    body.txnAmount.replace('.', ''),
    body.executePayload.body.order.id,
    body.executePayload.body.customer.id,
    JSON.stringify(body.executePayload),
    now,
    new Date(now.getTime() + 60_000),
    eventIds,
    payloads,
  ]);
  const acceptedEvent = `evt_${randomUUID()}`;
  const pspTxnId = `psp_${randomUUID()}`;
  await db.query(acceptSql, [
    id,
    now,
    pspTxnId,
    acceptedEvent,
    JSON.stringify({ id: acceptedEvent, type: 'transaction.pg_accepted', data: { sequence: 4, transaction: snapshot('PG_ACCEPTED') } }),
    psp.version,
    JSON.stringify({ status: 'PENDING', pspTxnId }),
    JSON.stringify({ logs: [], http: [] }),
  ]);
  return { code: 1000, data: { txnId: id, status: 'PG_ACCEPTED', pspTxnId } };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${typeof address === 'object' && address !== null ? address.port : 0}\n`);
process.stdin.on('end', () => void app.close().then(() => db.close()).then(() => process.exit(0)));
process.stdin.resume();
