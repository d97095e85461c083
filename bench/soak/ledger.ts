import type { Action } from './tenants.js';

/** A transaction the engine acknowledged (HTTP 200 with its id), as the soak knows it. */
export interface AcknowledgedTransaction {
  id: string;
  tenant: number;
  orderId: string;
  action: Action;
  gateway: string;
}

/** A deposit the payer (or the gateway's back office) paid: a candidate for refunds. */
export interface PaidDeposit {
  id: string;
  tenant: number;
  gateway: string;
  amount: string;
  currency: string;
  paidAt: number;
}

/** What the load did, by kind of operation. */
export interface LoadCounts {
  deposits: number;
  withdrawals: number;
  refunds: number;
  reads: number;
  /** Events an operator sent again through the admin API (each endpoint then gets a duplicate). */
  redeliveries: number;
  /** Creates sent twice at once under one Idempotency-Key. */
  duplicateCreates: number;
  /** Creates whose answer the soak abandoned on purpose, then retried under the same key. */
  lostAnswers: number;
  /** Creates retried under their key after a connection error (the engine down, a reset). */
  retriedAfterConnectionError: number;
  /** Requests whose key an attempt cut by a kill still held when the soak stopped asking (409). */
  keysLeftHeld: number;
  approvals: number;
  rejections: number;
  /** Two operators deciding one withdrawal at the same moment. */
  racingDecisions: number;
  /** Two refunds of one deposit sent at the same moment. */
  racingRefunds: number;
  /** Refunds the engine refused (the deposit not SUCCESS, or nothing left to refund). */
  refusedRefunds: number;
  /** Payer or back-office steps on a simulator that failed (e.g. the engine was down for the redirect). */
  payerErrors: number;
  /** Flows that gave up (their create never got a definitive answer before the load ended). */
  abandonedFlows: number;
}

/**
 * Everything the load learned that the checks compare with the store: every acknowledged
 * transaction, every order it tried, what each Idempotency-Key answered, and the contradictions a
 * client could see (one key answered with two transactions, two operators both approving).
 */
export class Ledger {
  readonly acknowledged = new Map<string, AcknowledgedTransaction>();
  /** "<tenant>/<orderId>" of every create sent, acknowledged or not. */
  readonly ordersTried = new Set<string>();
  /** Acknowledged transaction ids per tenant, for reads. */
  readonly idsByTenant = new Map<number, string[]>();
  readonly #paidDeposits: PaidDeposit[] = [];
  readonly counts: LoadCounts = {
    deposits: 0,
    withdrawals: 0,
    refunds: 0,
    reads: 0,
    redeliveries: 0,
    duplicateCreates: 0,
    lostAnswers: 0,
    retriedAfterConnectionError: 0,
    keysLeftHeld: 0,
    approvals: 0,
    rejections: 0,
    racingDecisions: 0,
    racingRefunds: 0,
    refusedRefunds: 0,
    payerErrors: 0,
    abandonedFlows: 0,
  };
  /** When the soak last created or approved a transaction (epoch ms): its first status check follows. */
  lastStartedAt = 0;
  /** Contradictions in the answers themselves (each is a violation of check 1). */
  readonly contradictions: string[] = [];
  readonly #keyAnswers = new Map<string, string>();

  acknowledge(transaction: AcknowledgedTransaction, idempotencyKey: string | undefined): void {
    if (!this.acknowledged.has(transaction.id)) {
      this.acknowledged.set(transaction.id, transaction);
      const ids = this.idsByTenant.get(transaction.tenant) ?? [];
      ids.push(transaction.id);
      this.idsByTenant.set(transaction.tenant, ids);
    }
    if (idempotencyKey === undefined) return;
    const scoped = `${transaction.tenant}/${idempotencyKey}`;
    const first = this.#keyAnswers.get(scoped);
    if (first === undefined) this.#keyAnswers.set(scoped, transaction.id);
    else if (first !== transaction.id) this.contradict(`Idempotency-Key ${idempotencyKey} answered ${first}, then ${transaction.id}`);
  }

  contradict(message: string): void {
    this.contradictions.push(message);
  }

  /** Keeps the newest few hundred: refunds go to recent deposits, and the pool stays cheap to search. */
  rememberPaid(deposit: PaidDeposit): void {
    this.#paidDeposits.push(deposit);
    if (this.#paidDeposits.length > 500) this.#paidDeposits.shift();
  }

  /** A paid deposit of a gateway in `gateways`, paid at least `minAgeMs` ago, taken out of the pool. */
  takePaidDeposit(gateways: readonly string[], minAgeMs: number, pick: (n: number) => number): PaidDeposit | undefined {
    const now = Date.now();
    const candidates = this.#paidDeposits.flatMap((deposit, index) => (gateways.includes(deposit.gateway) && now - deposit.paidAt >= minAgeMs ? [index] : []));
    if (candidates.length === 0) return undefined;
    return this.#paidDeposits.splice(candidates[pick(candidates.length)]!, 1)[0];
  }
}
