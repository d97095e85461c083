import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accountCredentials, type AccountOptions, type Accounts } from './accounts.js';
import { cashInView, expireCashIn, payCashIn, refreshCashIn, type CashIn } from './cash-in.js';
import { cashOutView, completeCashOut, failCashOut, returnCashOut, settleByTestData, type CashOut } from './cash-out.js';
import { bodyObject, optionalTextAt, type Json } from './fields.js';
import type { Gateway } from './gateway.js';
import { centsFromWire } from './money.js';
import { Problem, validation } from './problems.js';

/**
 * ConnectPSP's back office, for tests and demos (README "Control API"). No authentication: the
 * simulator is a local test double. Resources are found by any of their ids, in any account.
 *
 *   POST /_sim/accounts                      a fresh application and its credentials
 *   GET  /_sim/clock                         the simulator's clock
 *   POST /_sim/clock/advance {seconds}       moves it forward (token and charge expiry)
 *   GET  /_sim/cash-in/:id                   the cash-in as GET /cash-in/{id} shows it
 *   POST /_sim/cash-in/:id/pay               paid by the payer's bank (CASHIN_PAID)
 *   POST /_sim/cash-in/:id/expire            expires now (no event)
 *   GET  /_sim/cash-out/:id                  the cash-out
 *   POST /_sim/cash-out/:id/settle           settles by test data (COMPLETED, or FAILED for an unknown key)
 *   POST /_sim/cash-out/:id/complete         COMPLETED (CASHOUT_COMPLETED)
 *   POST /_sim/cash-out/:id/fail {code?, message?}   FAILED (CASHOUT_FAILED)
 *   POST /_sim/cash-out/:id/return           a completed payment returned: REFUNDED (CASHOUT_REFUNDED)
 */

const optionalBody = (request: FastifyRequest): Json => (request.body === undefined || request.body === null ? {} : bodyObject(request.body));

function balanceOption(body: Json, key: string): number | undefined {
  if (body[key] === undefined) return undefined;
  if (body[key] === 0) return 0;
  const cents = centsFromWire(body[key]);
  if (cents === undefined) throw validation(`${key} must be a JSON number of reais with at most two decimals.`);
  return cents;
}

function readAccountOptions(body: Json): AccountOptions {
  const { cashOutSettlement, tokenTtlSeconds } = body;
  if (cashOutSettlement !== undefined && cashOutSettlement !== 'auto' && cashOutSettlement !== 'manual') {
    throw validation('cashOutSettlement must be "auto" or "manual".');
  }
  if (tokenTtlSeconds !== undefined && (typeof tokenTtlSeconds !== 'number' || !Number.isInteger(tokenTtlSeconds) || tokenTtlSeconds < 1 || tokenTtlSeconds > 86_400)) {
    throw validation('tokenTtlSeconds must be an integer from 1 to 86400.');
  }
  const merchantName = optionalTextAt(body, 'merchantName', 'merchantName', { max: 60 });
  const transactional = balanceOption(body, 'transactionalBalance');
  const proprietary = balanceOption(body, 'proprietaryBalance');
  return {
    ...(merchantName !== undefined ? { merchantName } : {}),
    ...(cashOutSettlement !== undefined ? { cashOutSettlement } : {}),
    ...(tokenTtlSeconds !== undefined ? { tokenTtlSeconds } : {}),
    ...(transactional !== undefined ? { transactionalBalanceCents: transactional } : {}),
    ...(proprietary !== undefined ? { proprietaryBalanceCents: proprietary } : {}),
  };
}

function conflict(what: string, status: string): Problem {
  return new Problem(409, 'INVALID_STATE', `The ${what} is ${status}; nothing changed.`);
}

export function registerControlRoutes(app: FastifyInstance, g: Gateway, accounts: Accounts): void {
  const cashIn = (request: FastifyRequest): CashIn => {
    const id = (request.params as { id: string }).id;
    const found = g.ledger.cashIn(id);
    if (found === undefined) throw new Problem(404, 'RESOURCE_NOT_FOUND', `No cash-in with id ${id}.`);
    return refreshCashIn(g, found);
  };
  const cashOut = (request: FastifyRequest): CashOut => {
    const id = (request.params as { id: string }).id;
    const found = g.ledger.cashOut(id);
    if (found === undefined) throw new Problem(404, 'RESOURCE_NOT_FOUND', `No cash-out with id ${id}.`);
    return found;
  };

  app.post('/_sim/accounts', async (request, reply) => {
    const account = accounts.create(readAccountOptions(optionalBody(request)));
    return reply.code(201).send(accountCredentials(account));
  });

  app.get('/_sim/clock', async () => ({ now: g.clock.iso() }));
  app.post('/_sim/clock/advance', async (request) => {
    const { seconds } = optionalBody(request);
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 366 * 86_400) {
      throw validation('seconds must be a positive number of at most a year.');
    }
    g.clock.advance(seconds);
    return { now: g.clock.iso() };
  });

  app.get('/_sim/cash-in/:id', async (request) => cashInView(cashIn(request)));
  app.post('/_sim/cash-in/:id/pay', async (request) => {
    const found = cashIn(request);
    const change = payCashIn(g, found, { ispb: '00000000', bank: 'Banco do Brasil S.A.', branch: '0001', account: '000000-0' });
    if (!change.ok) throw conflict('cash-in', change.status);
    return cashInView(found);
  });
  app.post('/_sim/cash-in/:id/expire', async (request) => {
    const found = cashIn(request);
    const change = expireCashIn(g, found);
    if (!change.ok) throw conflict('cash-in', change.status);
    return cashInView(found);
  });

  app.get('/_sim/cash-out/:id', async (request) => cashOutView(cashOut(request)));
  const cashOutControl = (path: string, act: (found: CashOut, body: Json) => { ok: boolean; status?: string }) =>
    app.post(`/_sim/cash-out/:id/${path}`, async (request) => {
      const found = cashOut(request);
      const change = act(found, optionalBody(request));
      if (!change.ok) throw conflict('cash-out', change.status ?? found.status);
      return cashOutView(found);
    });
  cashOutControl('settle', (found) => settleByTestData(g, found));
  cashOutControl('complete', (found) => completeCashOut(g, found));
  cashOutControl('fail', (found, body) =>
    failCashOut(
      g,
      found,
      optionalTextAt(body, 'code', 'code', { max: 64 }) ?? 'PIX_KEY_NOT_FOUND',
      optionalTextAt(body, 'message', 'message', { max: 200 }) ?? 'The PIX key is not registered in the DICT.',
    ),
  );
  cashOutControl('return', (found) => returnCashOut(g, found));
}
