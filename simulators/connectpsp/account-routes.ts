import type { FastifyInstance } from 'fastify';
import type { Account } from './accounts.js';
import type { ApiDeps } from './api-routes.js';
import { walletBank } from './gateway.js';
import { idempotencyKeyOf, replayOrRun } from './idempotency.js';
import { displayBrl, wireAmount } from './money.js';
import { Problem } from './problems.js';
import { readRebalance } from './requests.js';

/**
 * Moves money between the proprietary (reserve) and transactional accounts so that the
 * transactional balance equals `targetCents`, the platform's reported exposure (spec/003).
 */
function rebalance(account: Account, targetCents: number): string {
  const { balances } = account;
  const difference = targetCents - balances.transactional;
  if (difference > balances.proprietary) {
    throw new Problem(422, 'INSUFFICIENT_FUNDS', `The proprietary balance (${displayBrl(balances.proprietary)}) cannot cover a top-up of ${displayBrl(difference)}.`);
  }
  balances.transactional += difference;
  balances.proprietary -= difference;
  if (difference > 0) return `Top-up of ${displayBrl(difference)} from the proprietary account; transactional balance is now ${displayBrl(targetCents)}.`;
  if (difference < 0) return `Swept ${displayBrl(-difference)} back to the proprietary account; transactional balance is now ${displayBrl(targetCents)}.`;
  return `Transactional balance already at ${displayBrl(targetCents)}; nothing moved.`;
}

function balanceView(account: Account, nowIso: string) {
  const { transactional, proprietary } = account.balances;
  return {
    currency: 'BRL',
    referenceDate: nowIso.slice(0, 10),
    consolidated: {
      totalBalance: wireAmount(transactional + proprietary),
      transactionalBalance: wireAmount(transactional),
      proprietaryBalance: wireAmount(proprietary),
    },
    banks: [
      {
        ispb: walletBank.ispb,
        bank: walletBank.bank,
        accounts: {
          transactional: { branch: walletBank.branch, account: account.bankAccounts.transactional, balance: wireAmount(transactional) },
          proprietary: { branch: walletBank.branch, account: account.bankAccounts.proprietary, balance: wireAmount(proprietary) },
        },
      },
    ],
    updatedAt: nowIso,
  };
}

/** `GET /account/balance` (the `?date=` lookup is "in development" at ConnectPSP and ignored) and `POST /account/rebalance`. */
export function registerAccountRoutes(app: FastifyInstance, { gateway, auth, routeKey }: ApiDeps): void {
  app.get('/account/balance', async (request) => balanceView(auth.authenticate(request).account, gateway.clock.iso()));

  app.post('/account/rebalance', async (request, reply) => {
    const session = auth.authenticate(request);
    auth.requireSignature(request, session);
    return replayOrRun(reply, session.account, routeKey(request), idempotencyKeyOf(request, false), () => ({
      status: 200,
      body: { success: true, message: rebalance(session.account, readRebalance(request.body)) },
    }));
  });
}
