import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Registry } from 'prom-client';
import { GatewayMetrics } from './gateway-metrics.js';

it('labels a gateway call by its HTTP status, or error or timeout, and nothing unbounded', async () => {
  const registry = new Registry();
  const metrics = new GatewayMetrics(registry);
  metrics.observe('ftg_a', 200, 0.05);
  metrics.observe('ftg_a', 200, 0.15);
  metrics.observe('ftg_a', 502, 1);
  metrics.observe('ftg_a', 'timeout', 10);
  metrics.observe('ftg_b', 'error', 0.001);
  // A status no HTTP server sends is not a label value of its own.
  metrics.observe('ftg_b', 1234, 0.001);
  const counts = (await registry.metrics()).split('\n').filter((line) => line.startsWith('connxt_gateway_request_duration_seconds_count'));
  assert.deepEqual(counts, [
    'connxt_gateway_request_duration_seconds_count{target="ftg_a",status="200"} 2',
    'connxt_gateway_request_duration_seconds_count{target="ftg_a",status="502"} 1',
    'connxt_gateway_request_duration_seconds_count{target="ftg_a",status="timeout"} 1',
    'connxt_gateway_request_duration_seconds_count{target="ftg_b",status="error"} 2',
  ]);
});
