import type { FastifyPluginAsync } from 'fastify';
import type { FieldError } from '../../errors.js';
import type { IdempotencyStore } from '../../idempotency/idempotency-store.js';
import type { TransactionQueries } from '../../transactions/transaction-queries.js';
import type { TransactionService } from '../../transactions/transaction-service.js';
import { createTransactionSchema } from '../../transactions/transaction-input.js';
import { checkRejectInput, rejectInputSchema, type RejectInput } from '../../transactions/withdrawal-approval.js';
import { tenantOf } from '../auth.js';
import { successEnvelope } from '../envelope.js';
import { idempotent } from '../idempotent.js';
import { limitParam, stringParam, textParam, throwIfErrors } from '../request-input.js';
import { validatedBody } from '../validated-body.js';
import { idempotencyKeyHeader, page, pageQuery, pathParams, replayedHeader } from '../openapi/common-schemas.js';
import { errorResponses, successResponse } from '../openapi/envelopes.js';
import { specCreateTransactionRequest, specDirectAnswer, specRedirectAnswer } from '../openapi/spec-examples.js';
import { createdTransaction, transaction, transactionDetail, transactionStatus } from '../openapi/transaction-schemas.js';

const tags = ['Transactions'];
const transactionParams = pathParams({ id: 'Transaction id (`ortx…`).' });
const notFound = 'Transaction not found in this environment (4004).';
const idempotencyConflict = 'The Idempotency-Key was used for another request, or that request is still running (4005).';
const notWaiting = 'Not a withdrawal waiting in PENDING_FOR_APPROVAL (any more), or the Idempotency-Key was used for another request (4005).';

const createSchema = {
  tags,
  summary: 'Create a transaction (spec/001 step 3)',
  description:
    'Stores the transaction, runs its definition\'s `initiate` step and answers the outcome: the script\'s envelope with ' +
    '`navigation` when the payer must be sent to the PSP, the status otherwise. `executePayload.body` is checked against the ' +
    'definition\'s input schema. A withdrawal over its environment\'s auto-approve limit waits in PENDING_FOR_APPROVAL.',
  headers: idempotencyKeyHeader,
  body: createTransactionSchema,
  bodyExamples: { spec: specCreateTransactionRequest },
  response: {
    200: {
      ...successResponse('The transaction\'s first outcome.', createdTransaction, {
        message: 'Transaction created successfully',
        examples: { redirect: specRedirectAnswer, direct: specDirectAnswer },
      }),
      headers: replayedHeader,
    },
    ...errorResponses({ 400: 'Invalid body, amount, currency or payload; unknown or disabled PSP or action (4001).', 409: idempotencyConflict }),
  },
};

const approveSchema = {
  tags,
  summary: 'Approve a waiting withdrawal',
  description: 'Runs a withdrawal waiting in PENDING_FOR_APPROVAL; answers as its creation would have.',
  params: transactionParams,
  headers: idempotencyKeyHeader,
  response: {
    200: { ...successResponse('The withdrawal\'s outcome.', createdTransaction, { message: 'Transaction approved successfully' }), headers: replayedHeader },
    ...errorResponses({ 404: notFound, 409: notWaiting }),
  },
};

const rejectSchema = {
  tags,
  summary: 'Reject a waiting withdrawal',
  description: 'Refuses a withdrawal waiting in PENDING_FOR_APPROVAL; its script never runs. `reason` is kept in its history.',
  params: transactionParams,
  headers: idempotencyKeyHeader,
  body: rejectInputSchema,
  response: {
    200: { ...successResponse('The transaction as GET shows it.', transactionDetail, { message: 'Transaction rejected successfully' }), headers: replayedHeader },
    ...errorResponses({ 404: notFound, 409: notWaiting }),
  },
};

const listSchema = {
  tags,
  summary: 'List transactions',
  querystring: pageQuery({
    status: transactionStatus,
    pspId: { type: 'string' },
    action: { type: 'string', enum: ['DEPOSIT', 'WITHDRAW', 'REFUND'] },
    orderId: { type: 'string', description: '`executePayload.body.order.id`.' },
    createdFrom: { type: 'string', description: 'ISO 8601 date or date-time (UTC unless zoned), inclusive.', examples: ['2026-01-31'] },
    createdTo: { type: 'string', description: 'ISO 8601 date or date-time (UTC unless zoned), exclusive.', examples: ['2026-02-01T00:00:00Z'] },
  }),
  response: { 200: successResponse('A page of transactions, newest first.', page(transaction)), ...errorResponses({ 400: 'Invalid filter or cursor (4001).' }) },
};

const getSchema = {
  tags,
  summary: 'Get a transaction',
  description: 'Its status, amounts, `pspTxnId`, full status history and, for a deposit, its refunds.',
  params: transactionParams,
  response: { 200: successResponse('The transaction.', transactionDetail), ...errorResponses({ 404: notFound }) },
};

export interface TransactionRoutesDeps {
  transactions: TransactionService;
  transactionQueries: TransactionQueries;
  idempotency: IdempotencyStore;
}

export function transactionRoutes(deps: TransactionRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    /** spec/001 step 3: stores the transaction, runs the definition's initiate step, answers its outcome. */
    app.post('/transactions', { schema: createSchema }, async (request, reply) =>
      idempotent(request, reply, deps.idempotency, async () => ({
        status: 200,
        body: successEnvelope(await deps.transactions.create(tenantOf(request), request.body), {
          message: 'Transaction created successfully',
        }),
      })),
    );

    /** Runs a withdrawal waiting in PENDING_FOR_APPROVAL: answers like its creation would have. */
    app.post('/transactions/:id/approve', { schema: approveSchema }, async (request, reply) =>
      idempotent(request, reply, deps.idempotency, async () => {
        const { id } = request.params as { id: string };
        return {
          status: 200,
          body: successEnvelope(await deps.transactions.approve(tenantOf(request), id), { message: 'Transaction approved successfully' }),
        };
      }),
    );

    /** Refuses a waiting withdrawal (`{reason?}`); its script never runs. Answers the transaction as GET shows it. */
    app.post('/transactions/:id/reject', { schema: rejectSchema }, async (request, reply) =>
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

    app.get('/transactions', { schema: listSchema }, async (request) => {
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

    app.get('/transactions/:id', { schema: getSchema }, async (request) => {
      const { id } = request.params as { id: string };
      return successEnvelope(await deps.transactionQueries.get(tenantOf(request), id));
    });
  };
}
