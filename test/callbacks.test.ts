import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { adminToken, useEngine } from './helpers/engine.js';
import { FakePsp } from './helpers/fake-psp.js';
import { assertErrorEnvelope, assertSuccessEnvelope, client } from './helpers/http.js';
import { storeCases } from './helpers/stores.js';
import { depositBody, otherTenantWithGateway, setUpTestGateway, testCredential, testGatewayHandler, type TestGateway } from './helpers/test-gateway.js';

/** What the fake PSP says a payment's state is when the redirect step asks (GET /payments/{id}). */
const lookedUpStates = new Map<string, string>();

const created = 'Transaction created successfully';
const sign = (body: string, key = testCredential.apiKey) => createHmac('sha256', key).update(body).digest('hex');

for (const storeCase of storeCases()) {
  describe(`callbacks: payer redirects and PSP webhooks [${storeCase.kind}]`, () => {
    const ctx = useEngine(storeCase, { sandbox: { timeoutMs: 3_000 } });
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );
    const psp = new FakePsp((request) => {
      const lookup = /^\/payments\/(ortx\w+)$/.exec(request.path);
      if (request.method === 'GET' && lookup) return { body: { id: `pg_${lookup[1]}`, state: lookedUpStates.get(lookup[1]!) ?? 'PENDING' } };
      return testGatewayHandler(request);
    });
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
      const runs = await ctx.t.db.query<{ n: string }>("SELECT count(*) AS n FROM transaction_step_runs WHERE transaction_id = $1 AND step = 'webhook'", [txnId]);
      assert.equal(Number(runs.rows[0]!.n), 5, 'every webhook run is recorded');
    });

    it('answers 503 when the script cannot process the event, so the PSP retries, and changes nothing', async () => {
      const txnId = await pending();
      const res = await webhook(txnId, JSON.stringify({ id: 'x', state: 'BROKEN' }));
      assert.equal(res.statusCode, 503);
      assert.equal((await history(txnId)).at(-1)!.status, 'PG_ACCEPTED');
    });

    it('answers 404, the same way, for a wrong token, another transaction\'s token, an unknown id and a bad kind', async () => {
      const txnId = await pending();
      const other = await pending();
      const body = JSON.stringify({ id: `pg_${txnId}`, state: 'SUCCESS' });
      const good = pathOf(urls(txnId).webhook);
      const token = good.split('/').pop()!;
      const attempts = [
        good.replace(token, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`),
        good.replace(token, urls(other).webhook.split('/').pop()!),
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

    it('refuses callback bodies over 256 KiB', async () => {
      const txnId = await pending();
      const body = JSON.stringify({ id: 'x', state: 'SUCCESS', pad: 'x'.repeat(300 * 1024) });
      const res = await webhook(txnId, body);
      assert.equal(res.statusCode, 413);
      assert.equal((await history(txnId)).at(-1)!.status, 'PG_ACCEPTED');
    });
  });
}
