import type { FastifyPluginAsync } from 'fastify';
import type { IdempotencyStore } from '../../idempotency/idempotency-store.js';
import type { PspService } from '../../psps/psp-service.js';
import { tenantOf } from '../auth.js';
import { successEnvelope } from '../envelope.js';
import { idempotent } from '../idempotent.js';
import { limitParam, stringParam, throwIfErrors } from '../request-input.js';
import type { FieldError } from '../../errors.js';

export function pspRoutes(deps: { psps: PspService; idempotency: IdempotencyStore }): FastifyPluginAsync {
  return async (app) => {
    /** spec/001 step 2. brandId and environmentId come from the token, never from the body. */
    app.post('/psps/external', async (request, reply) =>
      idempotent(request, reply, deps.idempotency, async () => ({
        status: 200,
        body: successEnvelope(await deps.psps.create(tenantOf(request), request.body)),
      })),
    );

    app.get('/psps', async (request) => {
      const query = request.query as Record<string, unknown>;
      const errors: FieldError[] = [];
      const limit = limitParam(query, errors);
      const cursor = stringParam(query, 'cursor', errors);
      const flowTargetId = stringParam(query, 'flowTargetId', errors);
      const status = stringParam(query, 'status', errors, ['ENABLED', 'DISABLED'] as const);
      throwIfErrors(errors);
      return successEnvelope(await deps.psps.list(tenantOf(request), { limit, cursor, flowTargetId, status }));
    });

    app.get('/psps/:id', async (request) => {
      const { id } = request.params as { id: string };
      return successEnvelope(await deps.psps.get(tenantOf(request), id));
    });

    app.patch('/psps/:id', async (request) => {
      const { id } = request.params as { id: string };
      return successEnvelope(await deps.psps.update(tenantOf(request), id, request.body));
    });
  };
}
