import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { adminToken, useEngine } from './helpers/engine.js';
import { FakePsp } from './helpers/fake-psp.js';
import { assertErrorEnvelope, assertSuccessEnvelope, client } from './helpers/http.js';
import { storeCases } from './helpers/stores.js';
import { depositBody, handlerWithLookups, otherTenantWithGateway, setUpTestGateway, testCredential, type TestGateway } from './helpers/test-gateway.js';

/** What the fake PSP says a payment's state is when the redirect step asks (GET /payments/{id}). */
const lookedUpStates = new Map<string, string>();

const created = 'Transaction created successfully';

interface StoredCallback {
  kind: string;
  method: string;
  fingerprint: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: string | null;
  state: string;
  detail: string | null;
  answer_status: number | null;
  received_at: Date;
  processed_at: Date | null;
}
const sign = (body: string, key = testCredential.apiKey) => createHmac('sha256', key).update(body).digest('hex');

for (const storeCase of storeCases()) {
  describe(`callbacks: payer redirects and PSP webhooks [${storeCase.kind}]`, () => {
    const ctx = useEngine(storeCase, { sandbox: { timeoutMs: 3_000 } });
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );
    const psp = new FakePsp(handlerWithLookups(lookedUpStates));
    let gateway: TestGateway;

    const pending = async () => {
      const data = assertSuccessEnvelope(await api.post('/connxt/v2/transactions', depositBody(gateway, { scenario: 'redirect' })), 200, created);
      assert.equal(data.status, 'PG_ACCEPTED');
      return data.txnId as string;
    };
    const urls = (txnId: string) => ctx.t.engine.services.executor.callbackUrls(txnId);
    const pathOf = (url: string) => new URL(url).pathname + new URL(url).search;
    const history = async (txnId: string) =>
      (assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${txnId}`)).history as { fromStatus: string | null; status: string; cause: string; detail: string | null }[]);
    const webhook = (txnId: string, body: string, headers: Record<string, string> = {}, suffix = '') =>
      ctx.t.engine.app.inject({
        method: 'POST',
        url: pathOf(urls(txnId).webhook) + suffix,
        headers: { 'content-type': 'application/json', 'x-test-signature': sign(body), ...headers },
        payload: body,
      });

    const callbackRows = async (txnId: string) =>
      (
        await ctx.t.db.query<StoredCallback>(
          `SELECT kind, method, fingerprint, headers, query, body, state, detail, answer_status, received_at, processed_at
             FROM inbound_callbacks WHERE transaction_id = $1 ORDER BY id`,
          [txnId],
        )
      ).rows;
    const stepRuns = async (txnId: string, step: string) =>
      Number((await ctx.t.db.query<{ n: string }>('SELECT count(*) AS n FROM transaction_step_runs WHERE transaction_id = $1 AND step = $2', [txnId, step])).rows[0]!.n);
    const nextCheckAt = async (txnId: string) =>
      (await ctx.t.db.query<{ next_check_at: Date | null }>('SELECT next_check_at FROM transactions WHERE id = $1', [txnId])).rows[0]!.next_check_at;
    const allCallbacks = async () => Number((await ctx.t.db.query<{ n: string }>('SELECT count(*) AS n FROM inbound_callbacks')).rows[0]!.n);

    before(async () => {
      await psp.start();
      gateway = await setUpTestGateway(ctx.t.engine.app, ctx.t.demoToken!, ctx.t.engine.demo!.environmentId, psp);
    });
    after(() => psp.stop());

    it('hands scripts callback URLs with a per-transaction token', async () => {
      const txnId = await pending();
      const { redirect, webhook: hook } = urls(txnId);
      assert.match(redirect, new RegExp(`^http://127\\.0\\.0\\.1:8080/connxt/v2/callbacks/r/${txnId}/[A-Za-z0-9_-]{32}$`));
      assert.match(hook, new RegExp(`^http://127\\.0\\.0\\.1:8080/connxt/v2/callbacks/w/${txnId}/[A-Za-z0-9_-]{32}$`));
      assert.notEqual(urls(await pending()).webhook.split('/').pop(), hook.split('/').pop(), 'tokens differ per transaction');
    });

    it('moves a pending deposit to SUCCESS on a signed webhook, through PG_SUCCESS, with the script seeing method, query and token', async () => {
      const txnId = await pending();
      const body = JSON.stringify({ id: `pg_${txnId}`, state: 'SUCCESS' });
      const res = await webhook(txnId, body, {}, '?note=hello');
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { received: true });
      const steps = await history(txnId);
      assert.deepEqual(steps.slice(-2).map((h) => [h.fromStatus, h.status, h.cause]), [
        ['PG_ACCEPTED', 'PG_SUCCESS', 'webhook'],
        ['PG_SUCCESS', 'SUCCESS', 'webhook'],
      ]);
      assert.equal(steps.at(-1)!.detail, 'webhook POST hello true string');
    });

    it('takes form-encoded webhooks too, parsed for the script and signed over the raw text', async () => {
      const txnId = await pending();
      const body = new URLSearchParams({ id: `pg_${txnId}`, state: 'FAILED' }).toString();
      const res = await webhook(txnId, body, { 'content-type': 'application/x-www-form-urlencoded' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await history(txnId)).at(-1)!.status, 'FAILED');
    });

    it('refuses a webhook with a bad signature with 401 and changes nothing', async () => {
      const txnId = await pending();
      const body = JSON.stringify({ id: `pg_${txnId}`, state: 'SUCCESS' });
      const before = await history(txnId);
      const forged = await webhook(txnId, body, { 'x-test-signature': sign(body, 'not-the-key') });
      assert.equal(forged.statusCode, 401, forged.body);
      assert.deepEqual(forged.json(), { received: false, message: 'invalid signature' });
      const tampered = await webhook(txnId, body.replace('SUCCESS', 'FAILED'), { 'x-test-signature': sign(body) });
      assert.equal(tampered.statusCode, 401);
      assert.deepEqual(await history(txnId), before);
    });

    it('applies a repeated webhook once and never moves a final status, even on a contrary late event', async () => {
      const txnId = await pending();
      const paid = JSON.stringify({ id: `pg_${txnId}`, state: 'SUCCESS' });
      const answers = await Promise.all([webhook(txnId, paid), webhook(txnId, paid), webhook(txnId, paid)]);
      assert.deepEqual(answers.map((a) => a.statusCode), [200, 200, 200]);
      const late = await webhook(txnId, JSON.stringify({ id: `pg_${txnId}`, state: 'FAILED' }));
      assert.equal(late.statusCode, 200);
      const pendingAgain = await webhook(txnId, JSON.stringify({ id: `pg_${txnId}`, state: 'PENDING' }));
      assert.equal(pendingAgain.statusCode, 200);
      const steps = await history(txnId);
      assert.equal(steps.filter((h) => h.status === 'SUCCESS').length, 1);
      assert.equal(steps.filter((h) => h.status === 'FAILED').length, 0);
      assert.equal(steps.at(-1)!.status, 'SUCCESS');
      // Copies that arrive while the first is still running all run (the moves are conditional);
      // one that arrives after it was processed is stored as a duplicate and not run.
      const stored = await callbackRows(txnId);
      assert.equal(stored.length, 5);
      assert.equal(await stepRuns(txnId, 'webhook'), stored.filter((row) => row.state !== 'duplicate').length, 'every webhook run is recorded');
    });

    it('answers 503 when the script cannot process the event, so the PSP retries, and changes nothing', async () => {
      const txnId = await pending();
      const res = await webhook(txnId, JSON.stringify({ id: 'x', state: 'BROKEN' }));
      assert.equal(res.statusCode, 503);
      assert.equal((await history(txnId)).at(-1)!.status, 'PG_ACCEPTED');
    });

    it('answers 404, the same way, for a wrong token, another transaction\'s token, the return URL\'s token, an unknown id and a bad kind', async () => {
      const txnId = await pending();
      const other = await pending();
      const body = JSON.stringify({ id: `pg_${txnId}`, state: 'SUCCESS' });
      const good = pathOf(urls(txnId).webhook);
      const token = good.split('/').pop()!;
      const attempts = [
        good.replace(token, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`),
        good.replace(token, urls(other).webhook.split('/').pop()!),
        // The payer sees the return URL in the address bar: its token must not open the webhook.
        good.replace(token, urls(txnId).redirect.split('/').pop()!),
        good.replace(txnId, 'ortxAAAAAAAAAAAA'),
        good.replace('/w/', '/x/'),
        good.slice(0, good.lastIndexOf('/')),
      ];
      for (const url of attempts) {
        const res = await ctx.t.engine.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'x-test-signature': sign(body) }, payload: body });
        assert.equal(res.statusCode, 404, url);
      }
      assertErrorEnvelope(
        await ctx.t.engine.app.inject({ method: 'POST', url: attempts[0]!, headers: { 'content-type': 'application/json' }, payload: body }),
        404,
        '4004',
      );
      assert.equal((await history(txnId)).at(-1)!.status, 'PG_ACCEPTED');
    });

    it('needs no X-SECRET-TOKEN, yet works only for the transaction the URL was made for (another tenant included)', async () => {
      const other = await otherTenantWithGateway(ctx.t.engine, psp, { brand: 'Callback Other', gateway: 'Callback Other GW' });
      const made = assertSuccessEnvelope(
        await api.post('/connxt/v2/transactions', depositBody(other.gateway, { scenario: 'redirect' }), { token: other.token }),
        200,
        created,
      );
      const body = JSON.stringify({ id: 'pg', state: 'SUCCESS' });
      const res = await webhook(made.txnId, body);
      assert.equal(res.statusCode, 200);
      const data = assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${made.txnId}`, { token: other.token }));
      assert.equal(data.status, 'SUCCESS');
    });

    it('sends a returning payer to the environment\'s success or failure URL with the status the PSP confirms', async () => {
      const environmentId = ctx.t.engine.demo!.environmentId;
      const patched = await api.patch(
        `/admin/v1/environments/${environmentId}`,
        { successRedirectUrl: 'https://shop.example/ok', failureRedirectUrl: 'https://shop.example/sorry' },
        { admin: adminToken, token: null },
      );
      assert.equal(patched.statusCode, 200, patched.body);
      try {
        const paid = await pending();
        lookedUpStates.set(paid, 'SUCCESS');
        const res = await ctx.t.engine.app.inject({ method: 'GET', url: pathOf(urls(paid).redirect) });
        assert.equal(res.statusCode, 302);
        const location = new URL(res.headers.location as string);
        assert.equal(`${location.origin}${location.pathname}`, 'https://shop.example/ok');
        assert.equal(location.searchParams.get('txnId'), paid);
        assert.equal(location.searchParams.get('status'), 'SUCCESS');
        assert.equal((await history(paid)).at(-1)!.cause, 'redirect');

        const declined = await pending();
        lookedUpStates.set(declined, 'FAILED');
        const back = await ctx.t.engine.app.inject({ method: 'POST', url: pathOf(urls(declined).redirect), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' });
        assert.equal(back.statusCode, 302);
        assert.match(back.headers.location as string, /^https:\/\/shop\.example\/sorry\?.*status=FAILED/);

        const stillPending = await pending();
        const waiting = await ctx.t.engine.app.inject({ method: 'GET', url: pathOf(urls(stillPending).redirect) });
        assert.match(waiting.headers.location as string, /^https:\/\/shop\.example\/ok\?.*status=PG_ACCEPTED&final=false/);

        const chosen = await pending();
        const byScript = await ctx.t.engine.app.inject({ method: 'GET', url: `${pathOf(urls(chosen).redirect)}?to=script` });
        assert.equal(byScript.headers.location, `https://shop.example/from-script?o=${chosen}`);
      } finally {
        await api.patch(`/admin/v1/environments/${environmentId}`, { successRedirectUrl: null, failureRedirectUrl: null }, { admin: adminToken, token: null });
      }
    });

    it('shows a plain status page to a returning payer when the environment has no redirect URLs', async () => {
      const txnId = await pending();
      lookedUpStates.set(txnId, 'SUCCESS');
      const res = await ctx.t.engine.app.inject({ method: 'GET', url: pathOf(urls(txnId).redirect) });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      assert.match(res.body, /data-status="SUCCESS"/);
    });

    it('stores every callback before running it, without the caller\'s credentials, the PSP\'s secrets or card numbers', async () => {
      const txnId = await pending();
      const body = JSON.stringify({ id: `pg_${txnId}`, state: 'SUCCESS', note: `echo ${testCredential.apiKey}`, card: { number: '4111 1111 1111 1111' } });
      const res = await webhook(txnId, body, { authorization: 'Bearer caller-secret-123', cookie: 'session=abc123', 'x-request-id': 'req-1' }, '?note=hello&api_key=query-secret-456');
      assert.equal(res.statusCode, 200, res.body);
      const [row, ...more] = await callbackRows(txnId);
      assert.equal(more.length, 0);
      assert.equal(row!.kind, 'webhook');
      assert.equal(row!.method, 'POST');
      assert.equal(row!.state, 'processed');
      assert.equal(row!.answer_status, 200);
      assert.match(row!.fingerprint, /^[0-9a-f]{64}$/);
      assert.ok(row!.processed_at !== null && row!.processed_at >= row!.received_at);
      assert.equal(row!.headers.authorization, undefined);
      assert.equal(row!.headers.cookie, undefined);
      assert.equal(row!.headers['x-test-signature'], '***', 'signature headers are masked');
      assert.equal(row!.headers['x-request-id'], 'req-1');
      assert.equal(row!.query.note, 'hello');
      assert.equal(row!.query.api_key, '***');
      const everything = JSON.stringify(row);
      for (const secret of [testCredential.apiKey, '4111 1111 1111 1111', 'caller-secret-123', 'session=abc123', 'query-secret-456', sign(body)]) {
        assert.ok(!everything.includes(secret), `${secret} is not stored`);
      }
      assert.match(row!.body!, /"state":"SUCCESS"/);
      assert.equal((await history(txnId)).at(-1)!.status, 'SUCCESS');
    });

    it('does not run an event again once it was processed: a repeat is stored as a duplicate and answered as before', async () => {
      const txnId = await pending();
      const stillPending = JSON.stringify({ id: `pg_${txnId}`, state: 'PENDING' });
      for (let i = 0; i < 2; i += 1) {
        const res = await webhook(txnId, stillPending);
        assert.equal(res.statusCode, 200);
        assert.deepEqual(res.json(), { received: true });
      }
      assert.equal(await stepRuns(txnId, 'webhook'), 1);
      const paid = JSON.stringify({ id: `pg_${txnId}`, state: 'SUCCESS' });
      assert.equal((await webhook(txnId, paid)).statusCode, 200);
      const settled = await history(txnId);
      // A replay, even with another request id or query order, changes nothing and runs nothing.
      const replay = await webhook(txnId, paid, { 'x-request-id': 'retry-7' });
      assert.equal(replay.statusCode, 200);
      assert.deepEqual(replay.json(), { received: true });
      assert.equal(await stepRuns(txnId, 'webhook'), 2);
      assert.deepEqual(await history(txnId), settled);
      const rows = await callbackRows(txnId);
      assert.deepEqual(rows.map((row) => [row.state, row.answer_status]), [
        ['processed', 200],
        ['duplicate', 200],
        ['processed', 200],
        ['duplicate', 200],
      ]);
      assert.equal(rows[1]!.fingerprint, rows[0]!.fingerprint);
      assert.notEqual(rows[2]!.fingerprint, rows[0]!.fingerprint);
      assert.match(rows[3]!.detail!, /^duplicate of callback \d+ \(processed\)$/);
    });

    it('does not run a returning payer\'s reload again, and sends them where the transaction now stands', async () => {
      const txnId = await pending();
      lookedUpStates.set(txnId, 'SUCCESS');
      const first = await ctx.t.engine.app.inject({ method: 'GET', url: pathOf(urls(txnId).redirect) });
      const again = await ctx.t.engine.app.inject({ method: 'GET', url: pathOf(urls(txnId).redirect) });
      assert.equal(first.statusCode, 200);
      assert.equal(again.statusCode, 200);
      assert.match(again.body, /data-status="SUCCESS"/);
      assert.equal(await stepRuns(txnId, 'redirect'), 1);
      assert.deepEqual((await callbackRows(txnId)).map((row) => [row.kind, row.method, row.state]), [
        ['redirect', 'GET', 'processed'],
        ['redirect', 'GET', 'duplicate'],
      ]);
    });

    it('stores a forged webhook as rejected, changes no status, and has the PSP asked soon; its replay is refused the same way without running', async () => {
      const txnId = await pending();
      const before = await history(txnId);
      const scheduled = await nextCheckAt(txnId);
      assert.ok(scheduled !== null, 'a pending deposit is on the reconciliation schedule');
      const body = JSON.stringify({ id: `pg_${txnId}`, state: 'SUCCESS' });
      const sentAt = Date.now();
      const forged = await webhook(txnId, body, { 'x-test-signature': sign(body, 'not-the-key') });
      assert.equal(forged.statusCode, 401);
      assert.deepEqual(forged.json(), { received: false, message: 'invalid signature' });
      const soon = await nextCheckAt(txnId);
      assert.ok(soon !== null && soon < scheduled, 'the next check is brought forward');
      assert.ok(soon.getTime() >= sentAt && soon.getTime() <= Date.now() + 10_000, `checked within seconds, not at ${soon.toISOString()}`);

      const replay = await webhook(txnId, body, { 'x-test-signature': sign(body, 'not-the-key') });
      assert.equal(replay.statusCode, 401);
      assert.deepEqual(replay.json(), { received: false, message: 'invalid signature' });
      assert.equal(await stepRuns(txnId, 'webhook'), 1);
      assert.deepEqual(await history(txnId), before);
      assert.deepEqual((await callbackRows(txnId)).map((row) => [row.state, row.answer_status, row.detail?.replace(/\d+/, 'N')]), [
        ['rejected', 401, 'invalid signature'],
        ['duplicate', 401, 'duplicate of callback N (rejected)'],
      ]);
      const data = assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${txnId}`));
      assert.equal(data.status, 'PG_ACCEPTED');
    });

    it('runs again an event whose first copy could not be processed (503), so the PSP\'s retry counts', async () => {
      const txnId = await pending();
      const broken = JSON.stringify({ id: 'x', state: 'BROKEN' });
      assert.equal((await webhook(txnId, broken)).statusCode, 503);
      assert.equal((await webhook(txnId, broken)).statusCode, 503);
      assert.equal(await stepRuns(txnId, 'webhook'), 2);
      assert.deepEqual((await callbackRows(txnId)).map((row) => [row.state, row.answer_status]), [
        ['failed', 503],
        ['failed', 503],
      ]);
    });

    it('stores nothing for a tampered URL or an unknown transaction', async () => {
      const txnId = await pending();
      const body = JSON.stringify({ id: `pg_${txnId}`, state: 'SUCCESS' });
      const good = pathOf(urls(txnId).webhook);
      const token = good.split('/').pop()!;
      const stored = await allCallbacks();
      for (const url of [
        good.replace(token, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`),
        good.replace(txnId, 'ortxAAAAAAAAAAAA'),
        pathOf(urls('ortxAAAAAAAAAAAA').webhook),
      ]) {
        const res = await ctx.t.engine.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', 'x-test-signature': sign(body) }, payload: body });
        assertErrorEnvelope(res, 404, '4004');
      }
      assert.equal(await allCallbacks(), stored);
      assert.equal((await history(txnId)).at(-1)!.status, 'PG_ACCEPTED');
    });

    it('refuses callback bodies over 256 KiB', async () => {
      const txnId = await pending();
      const body = JSON.stringify({ id: 'x', state: 'SUCCESS', pad: 'x'.repeat(300 * 1024) });
      const res = await webhook(txnId, body);
      assert.equal(res.statusCode, 413);
      assert.equal((await history(txnId)).at(-1)!.status, 'PG_ACCEPTED');
    });
  });
}
