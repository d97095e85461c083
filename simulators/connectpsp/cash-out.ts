import type { Account } from './accounts.js';
import type { PixKeyType } from './documents.js';
import { walletBank, type Gateway } from './gateway.js';
import { newEndToEndId, newInternalCode, newTransactionId } from './ids.js';
import { wireAmount } from './money.js';
import { Problem } from './problems.js';
import { unknownPixKeys } from './test-data.js';

export type CashOutStatus = 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'REFUNDED' | 'CANCELLED';

export type Destination =
  | { type: 'PIX'; pixKeyType: PixKeyType; pixKey: string }
  | { type: 'BANK_ACCOUNT'; bankAccount: { ispb: string; branch: string; account: string; accountType: string } };

export interface CashOutRequest {
  cents: number;
  externalReference: string;
  description: string | undefined;
  webhookUrl: string | undefined;
  payee: { name: string; document: string; destination: Destination };
}

export interface CashOut extends CashOutRequest {
  account: Account;
  transactionId: string;
  internalCode: string;
  status: CashOutStatus;
  endToEndId: string | undefined;
  failure: { code: string; message: string } | undefined;
  requestedAt: string;
  completedAt: string | undefined;
  failedAt: string | undefined;
  refundedAt: string | undefined;
}

/** On `auto` accounts a cash-out settles this long after it was accepted (gateway time, × timeScale). */
export const autoSettleDelayMs = 5_000;

/**
 * Accepted for settlement (202 PROCESSING): the amount is reserved from the transactional
 * balance at once, so two cash-outs cannot spend the same money; a failure gives it back.
 */
export function createCashOut(g: Gateway, account: Account, request: CashOutRequest): CashOut {
  if (account.balances.transactional < request.cents) {
    throw new Problem(422, 'INSUFFICIENT_FUNDS', 'The transactional balance does not cover this cash-out.');
  }
  account.balances.transactional -= request.cents;
  const cashOut: CashOut = {
    ...request,
    account,
    transactionId: newTransactionId(),
    internalCode: newInternalCode(),
    status: 'PROCESSING',
    endToEndId: undefined,
    failure: undefined,
    requestedAt: g.clock.iso(),
    completedAt: undefined,
    failedAt: undefined,
    refundedAt: undefined,
  };
  g.ledger.addCashOut(cashOut);
  g.ledger.alias(cashOut.internalCode, cashOut.transactionId);
  account.externalReferences.cashOut.add(request.externalReference);
  if (account.cashOutSettlement === 'auto') g.later(autoSettleDelayMs * g.timeScale, () => settleByTestData(g, cashOut));
  return cashOut;
}

export type Change = { ok: true } | { ok: false; status: CashOutStatus };

/** What the network answers for this payee: an unknown PIX key fails, everything else completes. */
export function settleByTestData(g: Gateway, cashOut: CashOut): Change {
  const { destination } = cashOut.payee;
  if (destination.type === 'PIX' && unknownPixKeys.has(destination.pixKey)) {
    return failCashOut(g, cashOut, 'PIX_KEY_NOT_FOUND', 'The PIX key is not registered in the DICT.');
  }
  return completeCashOut(g, cashOut);
}

export function completeCashOut(g: Gateway, cashOut: CashOut): Change {
  if (cashOut.status !== 'PROCESSING') return { ok: false, status: cashOut.status };
  cashOut.status = 'COMPLETED';
  cashOut.completedAt = g.clock.iso();
  cashOut.endToEndId = newEndToEndId('E', walletBank.ispb, g.clock.now());
  g.ledger.alias(cashOut.endToEndId, cashOut.transactionId);
  g.notifier.notify(cashOut.account, cashOut.webhookUrl, 'CASHOUT_COMPLETED', cashOut.transactionId, cashOutView(cashOut));
  return { ok: true };
}

export function failCashOut(g: Gateway, cashOut: CashOut, code: string, message: string): Change {
  if (cashOut.status !== 'PROCESSING') return { ok: false, status: cashOut.status };
  cashOut.status = 'FAILED';
  cashOut.failedAt = g.clock.iso();
  cashOut.failure = { code, message };
  cashOut.account.balances.transactional += cashOut.cents;
  g.notifier.notify(cashOut.account, cashOut.webhookUrl, 'CASHOUT_FAILED', cashOut.transactionId, cashOutView(cashOut));
  return { ok: true };
}

/** The receiving institution returned a completed payment (a devolution to us): REFUNDED, money back. */
export function returnCashOut(g: Gateway, cashOut: CashOut): Change {
  if (cashOut.status !== 'COMPLETED') return { ok: false, status: cashOut.status };
  cashOut.status = 'REFUNDED';
  cashOut.refundedAt = g.clock.iso();
  cashOut.account.balances.transactional += cashOut.cents;
  g.notifier.notify(cashOut.account, cashOut.webhookUrl, 'CASHOUT_REFUNDED', cashOut.transactionId, cashOutView(cashOut));
  return { ok: true };
}

/** `POST /cash-out` (202), `GET /cash-out/{id}` and the `data` of CASHOUT_* events. */
export function cashOutView(cashOut: CashOut) {
  return {
    transactionId: cashOut.transactionId,
    internalCode: cashOut.internalCode,
    externalReference: cashOut.externalReference,
    status: cashOut.status,
    amount: wireAmount(cashOut.cents),
    description: cashOut.description ?? null,
    payee: cashOut.payee,
    endToEndId: cashOut.endToEndId ?? null,
    failure: cashOut.failure ?? null,
    requestedAt: cashOut.requestedAt,
    completedAt: cashOut.completedAt ?? null,
    failedAt: cashOut.failedAt ?? null,
    refundedAt: cashOut.refundedAt ?? null,
  };
}
