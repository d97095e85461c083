import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Registry } from 'prom-client';
import { WebhookMetrics, webhookFailureReason } from './webhook-metrics.js';

it('names a failed delivery by the status class answered, or by why there was no answer', () => {
  assert.deepEqual(
    [301, 400, 404, 429, 500, 503, 101, 999].map((status) => webhookFailureReason(status, false)),
    ['http_3xx', 'http_4xx', 'http_4xx', 'http_4xx', 'http_5xx', 'http_5xx', 'http_1xx', 'http_other'],
  );
  assert.equal(webhookFailureReason(null, true), 'timeout');
  assert.equal(webhookFailureReason(null, false), 'network');
});

it('records the lag from the event to its delivery, never negative', async () => {
  const registry = new Registry();
  const metrics = new WebhookMetrics(registry);
  const created = new Date('2030-01-01T00:00:00Z');
  metrics.delivered(created, new Date('2030-01-01T00:00:02.5Z'));
  metrics.delivered(created, new Date('2029-12-31T23:59:59Z')); // a clock stepped back
  const text = await registry.metrics();
  assert.match(text, /^connxt_webhook_delivery_lag_seconds_sum 2\.5$/m);
  assert.match(text, /^connxt_webhook_delivery_lag_seconds_count 2$/m);
  assert.match(text, /^connxt_webhook_delivery_lag_seconds_bucket\{le="0\.1"\} 1$/m);
});
