import type { FastifyPluginAsync } from 'fastify';
import type { FieldError } from '../../errors.js';
import type { IdempotencyStore } from '../../idempotency/idempotency-store.js';
import type { TransactionQueries } from '../../transactions/transaction-queries.js';
import type { TransactionService } from '../../transactions/transaction-service.js';
import { checkRejectInput, type RejectInput } from '../../transactions/withdrawal-approval.js';
import { tenantOf } from '../auth.js';
import { successEnvelope } from '../envelope.js';
import { idempotent } from '../idempotent.js';
import { limitParam, stringParam, textParam, throwIfErrors } from '../request-input.js';
import { validatedBody } from '../validated-body.js';

export interface TransactionRoutesDeps {
  transactions: TransactionService;
  transactionQueries: TransactionQueries;
  idempotency: IdempotencyStore;
}

export function transactionRoutes(deps: TransactionRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    /** spec/001 step 3: stores the transaction, runs the definition's initiate step, answers its outcome. */
    app.post('/transactions', async (request, reply) =>
      idempotent(request, reply, deps.idempotency, async () => ({
        status: 200,
        body: successEnvelope(await deps.transactions.create(tenantOf(request), request.body), {
          message: 'Transaction created successfully',
        }),
      })),
    );

    /** Runs a withdrawal waiting in PENDING_FOR_APPROVAL: answers like its creation would have. */
    app.post('/transactions/:id/approve', async (request, reply) =>
      idempotent(request, reply, deps.idempotency, async () => {
        const { id } = request.params as { id: string };
        return {
          status: 200,
          body: successEnvelope(await deps.transactions.approve(tenantOf(request), id), { message: 'Transaction approved successfully' }),
        };
      }),
    );

    /** Refuses a waiting withdrawal (`{reason?}`); its script never runs. Answers the transaction as GET shows it. */
    app.post('/transactions/:id/reject', async (request, reply) =>
      idempotent(request, reply, deps.idempotency, async () => {
        const { id } = request.params as { id: string };
        const tenant = tenantOf(request);
        await deps.transactions.reject(tenant, id, validatedBody<RejectInput>(request, checkRejectInput));
        return {
          status: 200,
          body: successEnvelope(await deps.transactionQueries.get(tenant, id), { message: 'Transaction rejected successfully' }),
        };
      }),
    );

    app.get('/transactions', async (request) => {
      const query = request.query as Record<string, unknown>;
      const errors: FieldError[] = [];
      const params = {
        limit: limitParam(query, errors),
        cursor: stringParam(query, 'cursor', errors),
        status: stringParam(query, 'status', errors),
        pspId: stringParam(query, 'pspId', errors),
        action: stringParam(query, 'action', errors),
        orderId: textParam(query, 'orderId', errors),
        createdFrom: stringParam(query, 'createdFrom', errors),
        createdTo: stringParam(query, 'createdTo', errors),
      };
      throwIfErrors(errors);
      return successEnvelope(await deps.transactionQueries.list(tenantOf(request), params));
    });

    app.get('/transactions/:id', async (request) => {
      const { id } = request.params as { id: string };
      return successEnvelope(await deps.transactionQueries.get(tenantOf(request), id));
    });
  };
}
