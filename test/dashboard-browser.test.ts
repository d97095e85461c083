import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { artifactDir, browserSkipReason, launchBrowser } from './helpers/browser.js';
import { adminToken } from './helpers/engine.js';
import { startEngineProcess, type EngineProcess } from './helpers/engine-process.js';

// The dashboard as an operator uses it: a real engine process (`npm start`'s demo tenant, the
// built-in simulators), headless Chromium, real clicks. Screenshots land in .test-artifacts/dashboard.

const skip = browserSkipReason();

interface WebhookReceiver {
  url: string;
  received: { type?: string; data?: unknown }[];
  close(): Promise<void>;
}

/** A merchant's webhook endpoint: answers 200 and keeps what it got. */
async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push(JSON.parse(body) as WebhookReceiver['received'][number]);
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
const cubePay = { apiKey: 'cpk_test_demo_cubepay_merchant_key', signaturePassword: 'spg_test_demo_cubepay_signature_password' };

describe('dashboard in a browser', { skip }, () => {
  let dataDir: string;
  let engine: EngineProcess;
  let browser: Browser;
  let page: Page;
  let receiver: WebhookReceiver;
  const shots = artifactDir('dashboard');
  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  const pageErrors: string[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'connxt-dashboard-'));
    [engine, browser, receiver] = await Promise.all([startEngineProcess({ CONNXT_DATA_DIR: dataDir }), launchBrowser(), startWebhookReceiver()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // A failed fetch is logged by the browser itself (the wrong token's 401 is one on purpose);
    // what must not happen is an error thrown or logged by the dashboard's own code.
    page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && pageErrors.push(message.text()));
  });

  after(async () => {
    await browser?.close();
    await engine?.stop();
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in, creates a PSP, runs a deposit, pays on the hosted page and sees SUCCESS on the timeline', async () => {
    await page.goto(`${engine.url}/dashboard`);
    await page.getByLabel('Admin token').fill('not-the-admin-token-at-all-000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That is not the admin token.').waitFor();
    await page.getByLabel('Admin token').fill(adminToken);
    await shot('01-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The demo tenant `npm start` made: brand Demo, environment development.
    await page.getByRole('heading', { name: 'Brands & environments' }).waitFor();
    await page.getByRole('link', { name: 'development' }).click();
    await page.getByRole('heading', { name: 'Secret tokens' }).waitFor();
    await shot('02-environment');

    await page.getByRole('link', { name: 'PSPs' }).click();
    const form = page.locator('[data-form="new-psp"]');
    await form.getByLabel('Gateway (flow target)').selectOption({ label: 'Cube Pay' });
    await form.getByLabel('Name', { exact: true }).fill('Cube Pay (dashboard)');
    await form.getByLabel('apiKey').fill(cubePay.apiKey);
    await form.getByLabel('signaturePassword').fill(cubePay.signaturePassword);
    await form.getByLabel('providerId').fill('210');
    await form.getByLabel('routingId').fill('310');
    await form.getByLabel('testMode').check();
    assert.equal(await form.getByLabel('apiKey').getAttribute('type'), 'password', 'credentials are typed unseen');
    await shot('03-new-psp');
    await form.getByRole('button', { name: 'Create PSP' }).click();
    await page.getByRole('heading', { name: /Cube Pay \(dashboard\)/ }).waitFor();
    assert.equal(await page.getByText(cubePay.apiKey).count(), 0, 'the credential is never shown back');
    await shot('04-psp');

    await page.getByRole('link', { name: 'Try a deposit' }).first().click();
    const tryForm = page.locator('[data-form="try-deposit"]');
    await tryForm.getByLabel('Amount').fill('25.00');
    await tryForm.getByLabel('Currency').selectOption('EUR');
    const payload = JSON.parse(await tryForm.getByLabel('executePayload').inputValue()) as { body: { customer: Record<string, string> } };
    assert.deepEqual(Object.keys(payload.body.customer).sort(), ['country_code', 'email', 'first_name', 'id', 'last_name'], 'prefilled from the input schema');
    await tryForm.getByRole('button', { name: 'Run deposit' }).click();
    const payLink = page.locator('[data-payment-page]');
    await payLink.waitFor();
    await shot('05-deposit-started');
    const paymentPage = await payLink.getAttribute('href');
    assert.ok(paymentPage?.startsWith(`${engine.url}/simulators/cubepay/checkout/`), String(paymentPage));
    const timelineLink = (await page.locator('[data-timeline-link]').getAttribute('href'))!;

    // The payer's side: Cube Pay's hosted checkout (the simulator), then back through the engine.
    await page.goto(paymentPage!);
    await shot('06-hosted-checkout');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(/\/connxt\/v2\/callbacks\//);
    await shot('07-back-from-checkout');

    await page.goto(`${engine.url}/dashboard/${timelineLink}`);
    const timeline = page.locator('[data-timeline]');
    await timeline.locator('li.tl-status[data-status="SUCCESS"]').waitFor({ timeout: 20_000 });
    const statuses = await timeline.locator('li.tl-status').evaluateAll((items) => items.map((li) => li.getAttribute('data-status')));
    assert.deepEqual(statuses, ['NEW', 'CREATED', 'INITIATED', 'PG_ACCEPTED', 'PG_SUCCESS', 'SUCCESS']);
    assert.ok((await timeline.locator('[data-step="initiate"] [data-http]').count()) >= 1, 'the initiate step shows its gateway call');
    const timelineText = await timeline.innerText();
    assert.ok(!timelineText.includes(cubePay.apiKey), 'no credential on the timeline');
    await timeline.locator('[data-step="initiate"] details.http summary').first().click();
    await shot('08-timeline-success');

    // Merchant webhooks: an endpoint added now, then the settled deposit's event sent to it again.
    await page.getByRole('link', { name: 'Webhook deliveries' }).click();
    await page.getByLabel('New endpoint URL').fill(`${receiver.url}/hooks`);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    assert.match(await page.locator('[data-secret]').innerText(), /^whsec_/);
    const succeeded = page.locator('details[data-event]', { hasText: 'transaction.succeeded' });
    await succeeded.locator('summary').click();
    await succeeded.getByText('Not delivered to any endpoint yet.').waitFor();
    await succeeded.getByRole('button', { name: 'Redeliver' }).click();
    await succeeded.getByText('DELIVERED', { exact: true }).waitFor({ timeout: 20_000 });
    const delivered = receiver.received.find((body) => body.type === 'transaction.succeeded');
    assert.equal((delivered?.data as { transaction?: { status?: string } } | undefined)?.transaction?.status, 'SUCCESS');
    await shot('09-webhook-redelivered');

    // The same timeline on a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${engine.url}/dashboard/${timelineLink}`);
    await page.locator('[data-timeline] li.tl-status[data-status="SUCCESS"]').waitFor();
    await page.locator('#toast').waitFor({ state: 'hidden' });
    await shot('10-timeline-phone');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Transactions' }).click();
    await page.locator('[data-results] tr[data-txn]').first().waitFor();
    await shot('11-transactions-phone');
    assert.deepEqual(pageErrors, [], 'no script errors in the page');
  });

  it('renders the interactive API reference at /docs from the engine alone', async () => {
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`${engine.url}/docs`);
    await page.locator('.swagger-ui .opblock').first().waitFor();
    assert.ok((await page.locator('.swagger-ui .opblock').count()) >= 40, 'every operation is listed');
    await page.getByText('/connxt/v2/transactions', { exact: true }).first().waitFor();
    await shot('12-api-reference');
  });
});
