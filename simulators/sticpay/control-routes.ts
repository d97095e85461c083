import type { FastifyInstance, FastifyReply } from 'fastify';
import { accountView } from './accounts.js';
import type { ControlResult } from './settlement.js';
import type { SignType } from './signing.js';
import type { SticpayState } from './state.js';
import { controlView, type SticpayTransaction } from './transactions.js';

/**
 * Sticpay's back office for tests and demos, under `/_sim` (next to the kit's faults and webhook log):
 *
 *   POST /_sim/accounts                          a fresh merchant {merchantEmail, apiKey, signType, balances}
 *   GET  /_sim/accounts/:merchantEmail           its balances
 *   PUT  /_sim/accounts/:merchantEmail/balances  set balances {"USD": "5.00", ...}
 *   GET  /_sim/transactions[?merchant=]          every transaction
 *   GET  /_sim/transactions/:reference           one, by transaction code or order number
 *   POST /_sim/transactions/:reference/approve   settle a pending payment or payout (sends the callback)
 *   POST /_sim/transactions/:reference/reject    fail it (sends the callback)
 *   POST /_sim/transactions/:reference/expire    end an unpaid payment's link now (sends the callback)
 *
 * A reference that is an order number of several merchants needs `?merchant=`.
 */
export function registerControlRoutes(app: FastifyInstance, state: SticpayState): void {
  app.post('/_sim/accounts', async (request, reply) => {
    const body = (request.body ?? {}) as { signType?: unknown; balances?: unknown };
    if (body.signType !== undefined && body.signType !== 'MD5' && body.signType !== 'SHA256') {
      return reply.code(400).send({ error: 'signType must be MD5 or SHA256' });
    }
    try {
      const account = state.accounts.create({ signType: body.signType as SignType | undefined, balances: stringRecord(body.balances) });
      return reply.code(201).send(accountView(account));
    } catch (err) {
      return reply.code(400).send({ error: err instanceof Error ? err.message : String(err) });
    }
  });

  app.get('/_sim/accounts/:merchantEmail', async (request, reply) => {
    const account = state.accounts.get((request.params as { merchantEmail: string }).merchantEmail);
    if (account === undefined) return reply.code(404).send({ error: 'no such merchant' });
    return accountView(account);
  });

  app.put('/_sim/accounts/:merchantEmail/balances', async (request, reply) => {
    const account = state.accounts.get((request.params as { merchantEmail: string }).merchantEmail);
    if (account === undefined) return reply.code(404).send({ error: 'no such merchant' });
    try {
      for (const [currency, amount] of Object.entries(stringRecord(request.body) ?? {})) state.accounts.setBalance(account, currency, amount);
    } catch (err) {
      return reply.code(400).send({ error: err instanceof Error ? err.message : String(err) });
    }
    return accountView(account);
  });

  app.get('/_sim/transactions', async (request) => {
    const { merchant } = request.query as { merchant?: string };
    return state.book.list(merchant).map(controlView);
  });

  app.get('/_sim/transactions/:reference', async (request, reply) => {
    const transaction = oneTransaction(state, request.params, request.query, reply);
    return transaction === undefined ? reply : controlView(transaction);
  });

  const actions: Record<string, (t: SticpayTransaction) => ControlResult> = {
    approve: (t) => state.settlement.approve(t),
    reject: (t) => state.settlement.reject(t),
    expire: (t) => state.settlement.expire(t),
  };
  app.post('/_sim/transactions/:reference/:action', async (request, reply) => {
    const act = actions[(request.params as { action: string }).action];
    if (act === undefined) return reply.code(404).send({ error: 'actions are approve, reject and expire' });
    const transaction = oneTransaction(state, request.params, request.query, reply);
    if (transaction === undefined) return reply;
    state.settlement.expireIfDue(transaction);
    const result = act(transaction);
    if ('conflict' in result) return reply.code(409).send({ error: result.conflict, transaction: controlView(transaction) });
    return { changed: result.changed, transaction: controlView(transaction) };
  });
}

function oneTransaction(state: SticpayState, params: unknown, query: unknown, reply: FastifyReply): SticpayTransaction | undefined {
  const { reference } = params as { reference: string };
  const { merchant } = query as { merchant?: string };
  const found = state.book.find(reference, merchant);
  if (found.length === 1) return found[0];
  void reply.code(found.length === 0 ? 404 : 409).send({ error: found.length === 0 ? 'no such transaction' : 'several merchants use this order number: add ?merchant=' });
  return undefined;
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}
