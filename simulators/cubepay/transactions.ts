import type { Money } from './money.js';
import type { Provider } from './providers.js';

/**
 * Cube Pay's statuses, lower case as 004 shows them. `initiated` is modeled: a cashier session
 * whose payer has not yet chosen a provider (deposit) or given payout details (withdrawal); the
 * move to `pending` then notifies the merchant, which is how it learns the Cube Pay
 * transaction_id that approve/reject take.
 */
export type TransactionStatus = 'initiated' | 'pending' | 'successful' | 'rejected';
export const finalStatuses: ReadonlySet<TransactionStatus> = new Set(['successful', 'rejected']);

/** Which product created it: all-in-one cashier, Direct Integration checkout, S2S card, withdrawal cashier. */
export type TransactionKind = 'cashier' | 'checkout' | 'card' | 'withdrawal';

/** What a non-final transaction waits for; `done` once final. Not part of Cube Pay's API. */
export type Stage = 'payer' | 'three-ds' | 'provider' | 'approval' | 'processing' | 'done';

/** The customer fields 004's bodies carry; only these are kept. */
export interface CustomerInfo {
  first_name: string;
  last_name: string;
  email: string;
  country_code: string;
  dob: string | null;
  kyc_status: string | null;
  city: string | null;
}

/** A card as kept by the simulator: never the full number, never the CVC. */
export interface StoredCard {
  masked: string;
  brand: string;
  holderName: string;
  expMonth: string;
  expYear: string;
}

export interface StatusChange {
  status: TransactionStatus;
  stage: Stage;
  rejectedReason: string | null;
  at: string;
}

export interface Transaction {
  transactionId: string;
  /** The merchant's id for it (004: "tracking_id"; GET /v1/transactions/{id} takes it). */
  trackingId: string;
  userId: string;
  type: 'deposit' | 'withdrawal';
  kind: TransactionKind;
  mode: 'test' | 'live';
  status: TransactionStatus;
  stage: Stage;
  rejectedReason: string | null;
  amount: Money;
  /** Whether the cashier payer may change the amount (004's `amount_restricted`). */
  amountRestricted: boolean;
  provider: Provider | null;
  customer: CustomerInfo;
  ip: string | null;
  webhookUrl: string | null;
  returnUrl: string | null;
  card: StoredCard | null;
  /** The payee account the payer typed on the payout page, masked. */
  payoutAccount: string | null;
  createdAt: number;
  history: StatusChange[];
}

export function isFinal(transaction: Transaction): boolean {
  return finalStatuses.has(transaction.status);
}
