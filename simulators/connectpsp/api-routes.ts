import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Auth } from './auth.js';
import {
  cashInView,
  createCashIn,
  createdCashInView,
  refreshCashIn,
  refundCashIn,
  type CashIn,
} from './cash-in.js';
import { cashOutView, createCashOut, type CashOut } from './cash-out.js';
import type { Gateway } from './gateway.js';
import { idempotencyKeyOf, replayOrRun } from './idempotency.js';
import { wireAmount } from './money.js';
import { Problem, validation } from './problems.js';
import { readCashIn, readCashOut, readRefund } from './requests.js';

export interface ApiDeps {
  gateway: Gateway;
  auth: Auth;
  /** "METHOD /route" without the mount prefix: the idempotency scope. */
  routeKey: (request: FastifyRequest) => string;
}

const idOf = (request: FastifyRequest): string => (request.params as { id: string }).id;

function cashInOrNotFound(gateway: Gateway, id: string, account: CashIn['account']): CashIn {
  const cashIn = gateway.ledger.cashIn(id, account);
  if (cashIn === undefined) throw new Problem(404, 'RESOURCE_NOT_FOUND', `No cash-in with id ${id}.`);
  return refreshCashIn(gateway, cashIn);
}

function cashOutOrNotFound(gateway: Gateway, id: string, account: CashOut['account']): CashOut {
  const cashOut = gateway.ledger.cashOut(id, account);
  if (cashOut === undefined) throw new Problem(404, 'RESOURCE_NOT_FOUND', `No cash-out with id ${id}.`);
  return cashOut;
}

/** `POST /auth/token`, cash-in and cash-out (PSP-FACTS.md); the account routes live in account-routes.ts. */
export function registerApiRoutes(app: FastifyInstance, { gateway, auth, routeKey }: ApiDeps): void {
  app.post('/auth/token', async (request) => auth.issueToken(request.body));

  app.post('/cash-in', async (request, reply) => {
    const { account } = auth.authenticate(request);
    return replayOrRun(reply, account, routeKey(request), idempotencyKeyOf(request, false), () => {
      const input = readCashIn(request.body);
      if (account.externalReferences.cashIn.has(input.externalReference)) {
        throw new Problem(409, 'DUPLICATE_EXTERNAL_REFERENCE', `A cash-in with externalReference ${input.externalReference} already exists.`);
      }
      return { status: 201, body: createdCashInView(createCashIn(gateway, account, input)) };
    });
  });

  app.get('/cash-in/:id', async (request) => {
    const { account } = auth.authenticate(request);
    return cashInView(cashInOrNotFound(gateway, idOf(request), account));
  });

  app.post('/cash-in/:id/refund', async (request, reply) => {
    const session = auth.authenticate(request);
    auth.requireSignature(request, session);
    return replayOrRun(reply, session.account, routeKey(request), idempotencyKeyOf(request, false), () => {
      const input = readRefund(request.body);
      const cashIn = cashInOrNotFound(gateway, idOf(request), session.account);
      if (input.cents !== undefined && input.cents !== cashIn.cents) {
        throw validation('Partial refunds are not supported: the full amount of the cash-in is returned.');
      }
      refundCashIn(gateway, cashIn, input.reason, input.description);
      return {
        status: 202,
        body: {
          transactionId: cashIn.transactionId,
          externalReference: cashIn.externalReference,
          status: cashIn.status,
          amount: wireAmount(cashIn.cents),
          reason: input.reason,
          endToEndId: cashIn.endToEndId,
          originalEndToEndId: cashIn.originalEndToEndId,
          refundedAt: cashIn.refundedAt,
        },
      };
    });
  });

  app.post('/cash-out', async (request, reply) => {
    const session = auth.authenticate(request);
    auth.requireSignature(request, session);
    const { account } = session;
    return replayOrRun(reply, account, routeKey(request), idempotencyKeyOf(request, true), () => {
      const input = readCashOut(request.body);
      if (account.externalReferences.cashOut.has(input.externalReference)) {
        throw new Problem(409, 'DUPLICATE_EXTERNAL_REFERENCE', `A cash-out with externalReference ${input.externalReference} already exists.`);
      }
      return { status: 202, body: cashOutView(createCashOut(gateway, account, input)) };
    });
  });

  app.get('/cash-out/:id', async (request) => {
    const { account } = auth.authenticate(request);
    return cashOutView(cashOutOrNotFound(gateway, idOf(request), account));
  });
}
