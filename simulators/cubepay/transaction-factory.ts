import type { Account } from './accounts.js';
import { CubePayError } from './errors.js';
import { newTransactionId } from './ids.js';
import type { Provider } from './providers.js';
import type { CommonRequest } from './request-body.js';
import type { Stage, StoredCard, Transaction, TransactionKind, TransactionStatus } from './transactions.js';

export interface NewTransaction {
  type: 'deposit' | 'withdrawal';
  kind: TransactionKind;
  status: TransactionStatus;
  stage: Stage;
  provider: Provider | null;
  rejectedReason?: string | null;
  amountRestricted?: boolean;
  card?: StoredCard | null;
}

/**
 * A transaction from a create request. A tracking_id is the merchant's own unique id: reusing one
 * is refused (modeled; 004 does not say) with 1076, "You can't change this transaction".
 */
export function transactionFrom(account: Account, request: CommonRequest, fields: NewTransaction, now: number): Transaction {
  if (account.byTrackingId.has(request.trackingId)) throw new CubePayError(1076);
  return {
    transactionId: newTransactionId(),
    trackingId: request.trackingId,
    userId: request.userId,
    type: fields.type,
    kind: fields.kind,
    mode: request.mode,
    status: fields.status,
    stage: fields.stage,
    rejectedReason: fields.rejectedReason ?? null,
    amount: request.amount,
    amountRestricted: fields.amountRestricted ?? true,
    provider: fields.provider,
    customer: request.customer,
    ip: request.ip,
    webhookUrl: request.webhookUrl,
    returnUrl: request.returnUrl,
    card: fields.card ?? null,
    payoutAccount: null,
    createdAt: now,
    history: [],
  };
}
