import type { FastifyInstance } from 'fastify';
import type { FaultPlan, Faults } from './faults.js';
import type { WebhookSender } from './webhooks.js';

/**
 * The control API every simulator shares, under `/_sim`: faults and the webhook log. Each
 * simulator adds its own resource controls (settle, fail, expire, ...) next to these.
 *
 *   GET    /_sim/faults                 the current fault plan
 *   PUT    /_sim/faults                 replace it (FaultPlan JSON)
 *   DELETE /_sim/faults                 no faults
 *   GET    /_sim/faults/counts          faults injected so far by kind, and webhooks that went out of order
 *   GET    /_sim/requests               API requests received, per "METHOD /route"
 *   GET    /_sim/webhooks[?reference=]  webhooks sent, with every attempt
 *   POST   /_sim/webhooks/:id/resend    send one again (once, no retries)
 */
export function registerCommonControls(app: FastifyInstance, faults: Faults, webhooks: WebhookSender): void {
  app.get('/_sim/faults', async () => faults.describe());
  app.put('/_sim/faults', async (request) => {
    faults.set((request.body ?? {}) as FaultPlan);
    return faults.describe();
  });
  app.delete('/_sim/faults', async () => {
    faults.clear();
    return faults.describe();
  });
  app.get('/_sim/faults/counts', async () => ({ injected: faults.injected(), webhooksOutOfOrder: webhooks.outOfOrder }));
  app.get('/_sim/requests', async () => faults.requestCounts());
  app.get('/_sim/webhooks', async (request) => {
    const { reference } = request.query as { reference?: string };
    return webhooks.list(reference);
  });
  app.post('/_sim/webhooks/:id/resend', async (request, reply) => {
    const record = webhooks.resend((request.params as { id: string }).id);
    if (record === undefined) return reply.code(404).send({ error: 'no such webhook' });
    return record;
  });
}
