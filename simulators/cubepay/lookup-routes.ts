import type { FastifyInstance } from 'fastify';
import { findIn } from './accounts.js';
import { requestAccount } from './auth.js';
import type { CubePayContext } from './context.js';
import { CubePayError, invalid } from './errors.js';
import { amountAsJsonNumber } from './money.js';
import type { Transaction } from './transactions.js';

const dayMs = 24 * 60 * 60 * 1000;
/** 004: "Maximum range between dates it's 7 days". */
const maxRangeDays = 7;

/**
 *   GET /v1/transactions/{id}                      by the merchant's id (tracking_id) → {transaction_status, rejected_reason}
 *   GET /v1/transactions?from=DD-MM-YYYY&to=…      the account's transactions, default today (UTC), at most 7 days
 */
export function registerLookupRoutes(app: FastifyInstance, context: CubePayContext): void {
  app.get('/v1/transactions/:id', async (request) => {
    const account = requestAccount(request);
    const id = (request.params as { id?: string }).id?.trim() ?? '';
    if (id === '') throw new CubePayError(1021);
    const transaction = findIn(account, id);
    if (transaction === undefined) throw new CubePayError(1039);
    return { transaction_status: transaction.status, rejected_reason: transaction.rejectedReason };
  });

  app.get('/v1/transactions', async (request) => {
    const account = requestAccount(request);
    const { from, to } = request.query as { from?: string; to?: string };
    const today = Math.floor(context.options.now() / dayMs) * dayMs;
    const start = from === undefined ? undefined : parseDay(from, 'from');
    const end = to === undefined ? undefined : parseDay(to, 'to');
    const first = start ?? end ?? today;
    const last = end ?? (start === undefined ? today : Math.max(start, today));
    if (last < first) throw invalid([{ field: 'to', message: 'must not be before from' }]);
    if ((last - first) / dayMs > maxRangeDays) throw invalid([{ field: 'to', message: `the range is at most ${maxRangeDays} days` }]);
    return [...account.transactions.values()]
      .filter((t) => t.createdAt >= first && t.createdAt < last + dayMs)
      .map(listEntryOf);
  });
}

/** "01-08-2024" → midnight UTC of that day. */
function parseDay(text: string, field: string): number {
  const match = /^(\d{2})-(\d{2})-(\d{4})$/.exec(text);
  const day = match ? Date.UTC(Number(match[3]), Number(match[2]) - 1, Number(match[1])) : NaN;
  if (!match || Number.isNaN(day) || new Date(day).getUTCDate() !== Number(match[1])) {
    throw invalid([{ field, message: 'must be a date in DD-MM-YYYY format' }]);
  }
  return day;
}

/** 004's list entry. The simulator does no currency conversion: credited amount and fx equal the amount. */
function listEntryOf(transaction: Transaction) {
  const amount = { value: amountAsJsonNumber(transaction.amount), currency: transaction.amount.currency };
  return {
    transaction: {
      id: transaction.transactionId,
      date: new Date(transaction.createdAt).toISOString().slice(0, 19).replace('T', ' '),
      type: transaction.type,
      status: transaction.status,
      transaction_id: transaction.transactionId,
      tracking_id: transaction.trackingId,
    },
    provider: {
      provider: transaction.provider?.name ?? null,
      provider_name: transaction.provider?.label ?? null,
      provider_id: transaction.provider === null ? null : String(transaction.provider.id),
      amount,
      credited_amount: amount,
      fx: amount,
    },
    customer: {
      id: transaction.userId,
      first_name: transaction.customer.first_name,
      last_name: transaction.customer.last_name,
      dob: transaction.customer.dob,
      country: transaction.customer.country_code,
      tags: [],
      IP: transaction.ip,
    },
  };
}
