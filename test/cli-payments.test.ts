import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliStoreCases, fails, ok, okJson, type CliStore } from './helpers/cli.js';
import { startTestEngine, type TestEngine } from './helpers/engine.js';
import { FakePsp } from './helpers/fake-psp.js';
import { spec } from './helpers/spec-examples.js';
import { testGatewayHandler, testGatewayScript } from './helpers/test-gateway.js';

// `connxt psps …`, `connxt transactions …` and `connxt deliveries …` as operators run them: real
// subprocesses on a store that an engine in this process has put real payments and webhook
// deliveries into (the embedded store admits one process at a time, so the two take turns).
// Every command runs on every store; the failure modes and the human output variants, identical on
// both (the services do not know the store), run once, on PostgreSQL when there is one, where
// commands can run side by side (each command is a process of its own: ~1.5 s).

interface Psp {
  id: string;
  name: string;
  status: string;
  credential: string;
  environmentId: string;
  flowTargetId: string;
  operations: { flowActionId: string; flowDefinitionId: string; status: string }[];
}

interface Transaction {
  txnId: string;
  status: string;
  action: string;
  pspId: string;
  orderId: string | null;
  txnAmount: string;
  history: { seq: number; fromStatus: string | null; status: string; cause: string }[];
}

interface EventWithDeliveries {
  id: string;
  type: string;
  transactionId: string;
  deliveries: { endpointId: string; delivered: boolean; attempts: { attempt: number; delivered: boolean; statusCode: number | null }[] }[];
}

const credentialSchema = { type: 'object', required: ['apiKey'], properties: { apiKey: { type: 'string', minLength: 1 } }, additionalProperties: false };
const firstKey = 'cli-first-key-4d1c8e';
const secondKey = 'cli-second-key-9b7a2f';

/** A merchant's webhook receiver: records the event id of every delivery, per path. */
class Receiver {
  readonly received: { path: string; eventId: string }[] = [];
  #server: Server | undefined;

  async start(): Promise<void> {
    this.#server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: string; eventId?: string };
      this.received.push({ path: req.url ?? '/', eventId: String(req.headers['connxt-event-id'] ?? body.eventId ?? body.id) });
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}${path}`;
  }

  at(path: string): string[] {
    return this.received.filter((r) => r.path === path).map((r) => r.eventId);
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}

/** Until every event of the environment has been accepted by an endpoint (the workers run in the engine). */
async function waitUntilDelivered(engine: TestEngine, environmentId: string): Promise<void> {
  const undelivered = async () =>
    Number(
      (
        await engine.db.query<{ n: string }>(
          `SELECT count(*) AS n FROM merchant_events e WHERE e.environment_id = $1
              AND NOT EXISTS (SELECT 1 FROM webhook_delivery_attempts a WHERE a.event_id = e.id AND a.delivered)`,
          [environmentId],
        )
      ).rows[0]!.n,
    );
  const deadline = Date.now() + 20_000;
  while ((await undelivered()) > 0) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the webhook deliveries');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Side by side on PostgreSQL; one after the other on the embedded store, which admits one process at a time. */
async function together<T extends readonly (() => Promise<unknown>)[]>(kind: string, ...work: T): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  if (kind === 'postgres') return (await Promise.all(work.map((run) => run()))) as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
  const results: unknown[] = [];
  for (const run of work) results.push(await run());
  return results as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const psp = new FakePsp(testGatewayHandler);
const receiver = new Receiver();
const workDir = mkdtempSync(join(tmpdir(), 'connxt-cli-payments-'));
const stores = cliStoreCases();
const thoroughOn = stores[stores.length - 1]!.kind;

before(async () => {
  await psp.start();
  await receiver.start();
});
after(async () => {
  await receiver.stop();
  await psp.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('connxt psps, transactions and deliveries', { concurrency: true }, () => {
  for (const storeCase of stores) {
    describe(`on ${storeCase.kind}`, { concurrency: 1 }, () => {
      // The store where the failure modes and the human output variants run too, side by side when it can.
      const thorough = storeCase.kind === thoroughOn;
      const inTurn = <T extends readonly (() => Promise<unknown>)[]>(...work: T) => together(store.kind, ...work);
      const files = join(workDir, storeCase.kind);
      const hooks = `/hooks/${storeCase.kind}`;
      const masterKey = randomBytes(32);
      let store: CliStore;
      const env = () => ({ ...store.env, CONNXT_MASTER_KEY: masterKey.toString('base64') });
      const ids = { environmentId: '', otherEnvironmentId: '', targetId: '', depositDefinitionId: '', endpointId: '', disabledEndpointId: '', pspId: '' };
      const txn = { paid: '', failed: '', paidOrder: `order-paid-${storeCase.kind}` };
      const file = (name: string, content: unknown) => {
        const path = join(files, name);
        writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
        return path;
      };
      /** An engine in this process, with its webhook workers, on the same store and key as the CLI. */
      const withEngine = async <T>(work: (engine: TestEngine) => Promise<T>): Promise<T> => {
        const engine = await startTestEngine(store, { masterKey, background: true, sandbox: { timeoutMs: 5_000 } });
        try {
          return await work(engine);
        } finally {
          await engine.close();
        }
      };

      before(async () => {
        store = await storeCase.create();
        mkdirSync(files, { recursive: true });
        await withEngine(async ({ engine: { services } }) => {
          const brand = await services.tenants.createBrand(`CLI payments ${storeCase.kind}`);
          const environment = await services.tenants.createEnvironment(brand.id, { name: 'shop' });
          ids.environmentId = environment.id;
          ids.otherEnvironmentId = (await services.tenants.createEnvironment(brand.id, { name: 'other' })).id;
          const target = await services.customTargets.create({
            name: `CLI Gateway ${storeCase.kind}`,
            credentialSchema,
            allowedHosts: ['psp.test'],
            actions: { DEPOSIT: { script: testGatewayScript } },
          });
          ids.targetId = target.id;
          ids.depositDefinitionId = target.actions.find((a) => a.name === 'DEPOSIT')!.definition!.id;
          await services.tenants.updateEnvironment(environment.id, { hostMap: { 'https://psp.test': psp.origin } });
          ids.endpointId = (await services.webhookEndpoints.create(environment.id, { url: receiver.url(hooks) })).id;
          ids.disabledEndpointId = (await services.webhookEndpoints.create(environment.id, { url: receiver.url(`${hooks}/off`), enabled: false })).id;
        });
      });
      after(() => store?.destroy());

      it('psps create from a file, update status and credential, list with filters (and get); the credential never shows', async () => {
        const body = {
          name: 'CLI PSP',
          // The object itself; the API's JSON string form is taken too (the duplicate below).
          credential: { apiKey: firstKey },
          flowTargetId: ids.targetId,
          operations: [{ flowActionId: spec.actions.DEPOSIT, flowDefinitionId: ids.depositDefinitionId, status: 'ENABLED' }],
        };
        const createdText = await ok(env(), 'psps', 'create', '--environment', ids.environmentId, '--file', file('psp.json', body));
        assert.match(createdText, /^PSP created\nid: +psp_\w+\n/);
        assert.match(createdText, /^credential: +\*\*\*ENCRYPTED\*\*\*$/m);
        assert.match(createdText, new RegExp(`^DEPOSIT +${ids.depositDefinitionId} +ENABLED$`, 'm'));
        ids.pspId = /^id: +(psp_\w+)$/m.exec(createdText)![1]!;

        const disabled = await okJson<Psp>(env(), 'psps', 'update', ids.pspId, '--environment', ids.environmentId, '--status', 'DISABLED');
        assert.deepEqual(
          [disabled.id, disabled.name, disabled.status, disabled.credential, disabled.environmentId, disabled.flowTargetId, disabled.operations],
          [ids.pspId, 'CLI PSP', 'DISABLED', '***ENCRYPTED***', ids.environmentId, ids.targetId, body.operations],
        );
        const listArgs = ['psps', 'list', '--environment', ids.environmentId, '--status', 'DISABLED', '--flow-target', ids.targetId, '--limit', '10'];
        const [listed, got] = await inTurn(
          () => okJson<{ items: Psp[]; nextCursor: string | null }>(env(), ...listArgs),
          () => (thorough ? okJson<Psp>(env(), 'psps', 'get', ids.pspId, '--environment', ids.environmentId) : Promise.resolve(disabled)),
        );
        assert.deepEqual([listed.items.map((p) => [p.id, p.status]), listed.nextCursor], [[[ids.pspId, 'DISABLED']], null]);
        assert.deepEqual(got, disabled);

        const replaced = await ok(
          env(),
          ...['psps', 'update', ids.pspId, '--environment', ids.environmentId, '--status', 'ENABLED'],
          ...['--credential-file', file('credential.json', { apiKey: secondKey })],
        );
        assert.match(replaced, /^PSP updated \(credential replaced\)\n/);
        assert.match(replaced, /^status: +ENABLED$/m);
        for (const text of [createdText, replaced, JSON.stringify(disabled), JSON.stringify(listed)]) {
          assert.ok(!text.includes(firstKey) && !text.includes(secondKey), 'no credential in any output');
        }
      });

      it('transactions get (with the status history) and list with the API’s filters', async () => {
        // Real deposits through the sandbox and the fake gateway; the PSP now holds the second key.
        await withEngine(async (engine) => {
          const { services } = engine.engine;
          const tenant = await services.tenants.operatorContext(ids.environmentId);
          const deposit = (scenario: string, orderId: string) =>
            services.transactions.create(tenant, {
              flowActionId: spec.actions.DEPOSIT,
              flowTargetId: ids.targetId,
              pspId: ids.pspId,
              transactionType: 'deposit',
              txnCurrency: 'USD',
              txnAmount: 200,
              executePayload: { body: { order: { id: orderId }, customer: { id: 'cust_1' }, scenario } },
            });
          const paid = await deposit('success', txn.paidOrder);
          const failed = await deposit('failed', `order-failed-${storeCase.kind}`);
          assert.deepEqual([paid.status, failed.status], ['SUCCESS', 'FAILED']);
          [txn.paid, txn.failed] = [paid.txnId, failed.txnId];
          await waitUntilDelivered(engine, ids.environmentId);
        });
        const pay = psp.requests.find((r) => (r.body as { orderId?: string }).orderId === txn.paid);
        assert.equal(pay?.headers.authorization, `Bearer ${secondKey}`, 'the deposit used the credential from --credential-file');

        const got = await okJson<Transaction>(env(), 'transactions', 'get', txn.paid, '--environment', ids.environmentId);
        assert.deepEqual([got.txnId, got.status, got.action, got.pspId, got.txnAmount], [txn.paid, 'SUCCESS', 'DEPOSIT', ids.pspId, '200.00']);
        assert.deepEqual(got.history.map((h) => h.seq), got.history.map((_, i) => i + 1));
        assert.equal(got.history.at(-1)?.status, 'SUCCESS');
        assert.ok(got.history.length >= 2, JSON.stringify(got.history));

        const [list, human, secondPage] = await inTurn(
          () =>
            okJson<{ items: Transaction[]; nextCursor: string | null }>(
              env(),
              ...['transactions', 'list', '--environment', ids.environmentId, '--psp', ids.pspId, '--action', 'DEPOSIT', '--status', 'SUCCESS'],
              ...['--order-id', txn.paidOrder, '--created-from', '2020-01-01', '--created-to', '2999-01-01T00:00:00Z', '--limit', '1'],
            ),
          () => (thorough ? ok(env(), 'transactions', 'get', txn.paid, '--environment', ids.environmentId) : Promise.resolve(undefined)),
          // Newest first: the failed deposit, then (next page) the paid one.
          () => (thorough ? ok(env(), 'transactions', 'list', '--environment', ids.environmentId, '--limit', '1', '--cursor', txn.failed) : Promise.resolve(undefined)),
        );
        assert.deepEqual([list.items.map((t) => [t.txnId, t.status, t.orderId]), list.nextCursor], [[[txn.paid, 'SUCCESS', txn.paidOrder]], null]);
        if (human !== undefined && secondPage !== undefined) {
          assert.match(human, new RegExp(`^txn id: +${txn.paid}$`, 'm'));
          assert.match(human, /^status: +SUCCESS$/m);
          assert.match(human, /^amount: +200\.00 USD$/m);
          assert.match(human, /^history:\n# +TIME +FROM +TO +CAUSE +DETAIL\n/m);
          assert.match(human, /^\d+ +\S+Z +\S+ +SUCCESS +\S+/m);
          assert.match(secondPage, /^TXN ID +ACTION +STATUS +AMOUNT +ORDER +PSP +CREATED\n/);
          assert.match(secondPage, new RegExp(`^${txn.paid} +DEPOSIT +SUCCESS +200\\.00 USD +${txn.paidOrder} +${ids.pspId} +\\S+Z$`, 'm'));
          assert.doesNotMatch(secondPage, new RegExp(txn.failed));
        }
      });

      it('deliveries list (events with their attempts; one endpoint’s log) and redeliver, which a worker then sends', async () => {
        const events = await okJson<{ kind: string; items: EventWithDeliveries[] }>(
          env(),
          ...['deliveries', 'list', '--environment', ids.environmentId, '--transaction', txn.paid],
        );
        assert.equal(events.kind, 'events');
        assert.ok(events.items.length > 0 && events.items.every((e) => e.transactionId === txn.paid));
        const succeeded = events.items.find((e) => e.type === 'transaction.succeeded');
        assert.ok(succeeded, JSON.stringify(events.items.map((e) => e.type)));
        assert.deepEqual(
          succeeded.deliveries.map((d) => [d.endpointId, d.delivered, d.attempts.map((a) => a.statusCode)]),
          [[ids.endpointId, true, [200]]],
        );

        const sent = () => receiver.at(hooks).filter((id) => id === succeeded.id).length;
        const before = sent();
        const queued = await ok(env(), 'deliveries', 'redeliver', succeeded.id, '--environment', ids.environmentId, '--endpoint', ids.endpointId);
        assert.match(queued, new RegExp(`^redelivery of ${succeeded.id} queued for 1 endpoint: ${ids.endpointId}\n`));
        await withEngine(() => waitFor('the redelivery', () => sent() > before));
        if (!thorough) return;

        const [log, table] = await inTurn(
          () => ok(env(), 'deliveries', 'list', '--environment', ids.environmentId, '--endpoint', ids.endpointId, '--limit', '200'),
          () => ok(env(), 'deliveries', 'list', '--environment', ids.environmentId, '--transaction', txn.paid, '--endpoint', ids.endpointId),
        );
        assert.match(log, new RegExp(`^deliveries to ${ids.endpointId}, newest first\nATTEMPT +TIME +EVENT +TYPE +TRANSACTION +OUTCOME +LATENCY\n`));
        assert.match(log, new RegExp(`^\\d+ \\(#1\\) +\\S+Z +${succeeded.id} +transaction\\.succeeded +${txn.paid} +delivered \\(HTTP 200\\) +\\d+ ms$`, 'm'));
        assert.match(table, /^EVENT +TYPE +TRANSACTION +CREATED +ENDPOINT +ATTEMPTS +LAST ATTEMPT +OUTCOME\n/);
        assert.match(table, new RegExp(`^${succeeded.id} +transaction\\.succeeded +${txn.paid} +\\S+Z +${ids.endpointId} +2 +\\S+Z +delivered \\(HTTP 200\\)$`, 'm'));
      });

      if (thorough) {
        it('failure modes: exit 3 for unknown ids and other environments’ ids, 2 for bad input, 4 for conflicts, each with its line', async () => {
          const e = env();
          const scope = ['--environment', ids.environmentId];
          const other = ['--environment', ids.otherEnvironmentId];
          const unknownEnv = ['--environment', 'env_0123456789ABCDEFGHIJKLMNOP'];
          const results = await inTurn(
            () => fails(3, e, 'psps', 'get', ids.pspId, ...other),
            () => fails(3, e, 'psps', 'list', ...unknownEnv),
            () => fails(3, e, 'transactions', 'get', txn.paid, ...other),
            () => fails(3, e, 'deliveries', 'list', ...other, '--endpoint', ids.endpointId),
            () => fails(3, e, 'deliveries', 'redeliver', 'evt_0123456789ABCDEFGHIJKLMNOP', ...scope),
          );
          assert.deepEqual(results, [
            'connxt: PSP not found\n',
            'connxt: Environment not found\n',
            'connxt: Transaction not found\n',
            'connxt: Webhook endpoint not found\n',
            'connxt: Event not found\n',
          ]);

          const events = await okJson<{ items: EventWithDeliveries[] }>(e, 'deliveries', 'list', ...scope, '--limit', '1');
          const eventId = events.items[0]!.id;
          const badPsp = { name: 'Refused', credential: JSON.stringify({ apiKey: 1 }), flowTargetId: ids.targetId, operations: [] };
          const duplicate = { name: 'CLI PSP', credential: JSON.stringify({ apiKey: 'x' }), flowTargetId: ids.targetId, operations: [{ flowActionId: spec.actions.DEPOSIT, flowDefinitionId: ids.depositDefinitionId, status: 'ENABLED' }] };
          const [redeliverOff, createBad, createDuplicate, listFilters, badTransaction, badFlowTarget] = await inTurn(
            () => fails(4, e, 'deliveries', 'redeliver', eventId, ...scope, '--endpoint', ids.disabledEndpointId),
            () => fails(2, e, 'psps', 'create', ...scope, '--file', file('bad-psp.json', badPsp)),
            () => fails(4, e, 'psps', 'create', ...scope, '--file', file('duplicate-psp.json', duplicate)),
            () => fails(2, e, 'transactions', 'list', ...scope, '--status', 'PAID', '--psp', 'stripe', '--action', 'CAPTURE', '--created-from', '2026-02-30'),
            () => fails(2, e, 'deliveries', 'list', ...scope, '--transaction', 'txn-1'),
            () => fails(2, e, 'psps', 'list', ...scope, '--flow-target', 'sticpay'),
          );
          assert.equal(redeliverOff, 'connxt: Webhook endpoint is disabled; enable it to redeliver\n');
          assert.match(createBad, /^connxt: Validation failed\n( {2}\S+: [^\n]+\n)+$/);
          assert.match(createBad, /^ {2}operations: /m);
          assert.match(createBad, /^ {2}credential\S*: /m);
          assert.equal(createDuplicate, 'connxt: PSP with same name already exists\n');
          assert.equal(
            listFilters,
            'connxt: Validation failed\n  --status: is not a transaction status\n  --psp: is not a PSP id\n' +
              '  --action: must be one of: DEPOSIT, WITHDRAW, REFUND\n' +
              '  --created-from: must be an ISO 8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z\n',
          );
          assert.equal(badTransaction, 'connxt: Validation failed\n  --transaction: is not a transaction id\n');
          assert.equal(badFlowTarget, 'connxt: Validation failed\n  --flow-target: is not a flow target id\n');
        });
      }
    });
  }

  // None of these opens a store: the data dir stays absent.
  it('input refused before any store is opened (exit 2)', async () => {
    const neverOpened = join(workDir, 'never-opened');
    const env = { CONNXT_DATA_DIR: neverOpened };
    const scope = ['--environment', 'env_0123456789ABCDEFGHIJKLMNOP'];
    const pspId = 'psp_0123456789ABCDEFGHIJKLMNOP';
    const missing = join(workDir, 'no-such-file.json');
    const arrayFile = join(workDir, 'array.json');
    writeFileSync(arrayFile, '[{"apiKey": "k-123"}]');
    const [missingFile, nothing, badStatus, notObject, badLimit] = await Promise.all([
      fails(2, env, 'psps', 'create', ...scope, '--file', missing),
      fails(2, env, 'psps', 'update', pspId, ...scope),
      fails(2, env, 'psps', 'update', pspId, ...scope, '--status', 'PAUSED'),
      fails(2, env, 'psps', 'update', pspId, ...scope, '--credential-file', arrayFile),
      fails(2, env, 'transactions', 'list', ...scope, '--limit', '0'),
    ]);
    assert.equal(missingFile, `connxt: Cannot read ${missing}\n  --file: cannot read ${missing}: no such file\n`);
    assert.equal(nothing, 'connxt: Nothing to update\n  options: pass at least one of --status, --credential-file\n');
    assert.equal(badStatus, 'connxt: Validation failed\n  --status: must be one of: ENABLED, DISABLED\n');
    assert.equal(notObject, `connxt: Validation failed\n  --credential-file: ${arrayFile} must hold a JSON object (the credential)\n`);
    assert.ok(!notObject.includes('k-123'), 'the file’s content is not echoed');
    assert.equal(badLimit, 'connxt: Validation failed\n  --limit: must be an integer from 1 to 200\n');
    assert.ok(!existsSync(neverOpened), 'a store was opened');
  });

});
