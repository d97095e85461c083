import type { FastifyInstance } from 'fastify';
import { findIn } from './accounts.js';
import { requestAccount } from './auth.js';
import type { CubePayContext } from './context.js';
import { CubePayError } from './errors.js';
import { readCommonRequest } from './request-body.js';
import { transactionFrom } from './transaction-factory.js';
import type { Transaction } from './transactions.js';

/**
 * Payouts (paths modeled):
 *   POST /v1/withdrawals/cashier   withdrawal cashier → {token}; the payer opens GET /cashier/{token}
 *   POST /v1/withdrawals/approve   {transaction_id} of a payout waiting for approval
 *   POST /v1/withdrawals/reject    {transaction_id} of a payout waiting for approval
 *
 * 004 describes approve's transaction_id as "unique transaction id in your system" and reject's
 * as "our unique transaction id that you received in webhook": both take either id here.
 */
export function registerPayoutRoutes(app: FastifyInstance, context: CubePayContext): void {
  const { lifecycle, sessions, options } = context;

  app.post('/v1/withdrawals/cashier', async (request) => {
    const account = requestAccount(request);
    const common = readCommonRequest(request.body);
    const transaction = transactionFrom(account, common, { type: 'withdrawal', kind: 'withdrawal', status: 'initiated', stage: 'payer', provider: null }, options.now());
    lifecycle.open(account, transaction);
    return { token: sessions.open('cashier', account, transaction) };
  });

  app.post('/v1/withdrawals/approve', async (request) => {
    const account = requestAccount(request);
    const transaction = payoutNamedIn(request.body, (id) => findIn(account, id));
    if (!awaitsApproval(transaction)) throw new CubePayError(1076);
    lifecycle.approvePayout(account, transaction);
    return { message: 'Transaction Withdrawal has been approved successfully', transaction_status: transaction.status };
  });

  app.post('/v1/withdrawals/reject', async (request) => {
    const account = requestAccount(request);
    const transaction = payoutNamedIn(request.body, (id) => findIn(account, id));
    if (!awaitsApproval(transaction)) throw new CubePayError(1129);
    lifecycle.move(account, transaction, 'rejected', 'done', 'Rejected by merchant');
    return { message: 'Withdrawal has been rejected successfully' };
  });
}

export function awaitsApproval(transaction: Transaction): boolean {
  return transaction.type === 'withdrawal' && transaction.status === 'pending' && transaction.stage === 'approval';
}

function payoutNamedIn(body: unknown, find: (id: string) => Transaction | undefined): Transaction {
  const id = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).transaction_id : undefined;
  if (typeof id !== 'string' || id.trim() === '') throw new CubePayError(1021);
  const transaction = find(id.trim());
  if (transaction === undefined) throw new CubePayError(1039);
  return transaction;
}
