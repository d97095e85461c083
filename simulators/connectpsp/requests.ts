import type { CashInRequest, RefundReason } from './cash-in.js';
import { refundReasons } from './cash-in.js';
import type { CashOutRequest, Destination } from './cash-out.js';
import { documentProblem, pixKeyProblem, pixKeyTypes } from './documents.js';
import {
  amountAt,
  bodyObject,
  choiceAt,
  integerAt,
  objectAt,
  optionalHttpUrlAt,
  optionalObjectAt,
  optionalTextAt,
  textAt,
  type Json,
} from './fields.js';
import { validation } from './problems.js';

/** The request bodies of ConnectPSP's POSTs (PSP-FACTS.md), checked and read into the simulator's terms. */

const externalReferenceRule = { max: 100 };
const nameRule = { max: 140 };
/** Thirty days: the real maximum is not public. */
const maxExpirationMinutes = 43_200;

function documentAt(holder: Json, key: string, path: string): string {
  const document = textAt(holder, key, path, { max: 14 });
  const problem = documentProblem(document);
  if (problem !== undefined) throw validation(`${path} ${problem}.`);
  return document;
}

export function readCashIn(body: unknown): CashInRequest {
  const root = bodyObject(body);
  const payer = objectAt(root, 'payer', 'payer');
  const openFinance = optionalObjectAt(root, 'openFinance', 'openFinance');
  return {
    cents: amountAt(root, 'amount', 'amount'),
    externalReference: textAt(root, 'externalReference', 'externalReference', externalReferenceRule),
    expirationInMinutes: integerAt(root, 'expirationInMinutes', 'expirationInMinutes', 1, maxExpirationMinutes, 1440),
    webhookUrl: optionalHttpUrlAt(root, 'webhookUrl', 'webhookUrl'),
    payer: { name: textAt(payer, 'name', 'payer.name', nameRule), document: documentAt(payer, 'document', 'payer.document') },
    openFinance: openFinance && { redirectUrl: optionalHttpUrlAt(openFinance, 'redirectUrl', 'openFinance.redirectUrl') },
  };
}

function destinationAt(payee: Json): Destination {
  const destination = objectAt(payee, 'destination', 'payee.destination');
  const type = choiceAt(destination, 'type', 'payee.destination.type', ['PIX', 'BANK_ACCOUNT'] as const);
  if (type === 'PIX') {
    const pixKeyType = choiceAt(destination, 'pixKeyType', 'payee.destination.pixKeyType', pixKeyTypes);
    const pixKey = textAt(destination, 'pixKey', 'payee.destination.pixKey', { max: 77 });
    const problem = pixKeyProblem(pixKeyType, pixKey);
    if (problem !== undefined) throw validation(`payee.destination.pixKey ${problem}.`);
    return { type, pixKeyType, pixKey };
  }
  const account = objectAt(destination, 'bankAccount', 'payee.destination.bankAccount');
  const path = 'payee.destination.bankAccount';
  return {
    type,
    bankAccount: {
      ispb: textAt(account, 'ispb', `${path}.ispb`, { pattern: /^\d{8}$/, hint: 'must be the 8-digit ISPB' }),
      branch: textAt(account, 'branch', `${path}.branch`, { pattern: /^\d{1,4}$/, hint: 'must be 1 to 4 digits' }),
      account: textAt(account, 'account', `${path}.account`, { pattern: /^\d{1,19}(-?[0-9Xx])?$/, hint: 'must be digits with an optional check digit' }),
      // The facts show PAYMENT; the other PIX account kinds are accepted too (modeled).
      accountType: choiceAt(account, 'accountType', `${path}.accountType`, ['PAYMENT', 'CHECKING', 'SAVINGS'] as const),
    },
  };
}

export function readCashOut(body: unknown): CashOutRequest {
  const root = bodyObject(body);
  const payee = objectAt(root, 'payee', 'payee');
  return {
    cents: amountAt(root, 'amount', 'amount'),
    externalReference: textAt(root, 'externalReference', 'externalReference', externalReferenceRule),
    description: optionalTextAt(root, 'description', 'description', { max: 140 }),
    webhookUrl: optionalHttpUrlAt(root, 'webhookUrl', 'webhookUrl'),
    payee: {
      name: textAt(payee, 'name', 'payee.name', nameRule),
      document: documentAt(payee, 'document', 'payee.document'),
      destination: destinationAt(payee),
    },
  };
}

/** `amount` is not part of the documented body; when sent anyway it must be the full amount (checked by the route). */
export function readRefund(body: unknown): { reason: RefundReason; description: string | undefined; cents: number | undefined } {
  const root = bodyObject(body);
  return {
    reason: choiceAt(root, 'reason', 'reason', refundReasons),
    description: optionalTextAt(root, 'description', 'description', { max: 140 }),
    cents: root.amount === undefined ? undefined : amountAt(root, 'amount', 'amount'),
  };
}

/** targetAmount may be zero: everything swept back to the proprietary account. */
export function readRebalance(body: unknown): number {
  const root = bodyObject(body);
  if (root.targetAmount === 0) return 0;
  return amountAt(root, 'targetAmount', 'targetAmount');
}
