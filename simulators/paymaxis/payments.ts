import { randomBytes } from 'node:crypto';
import type { ShopAccount } from './accounts.js';
import { PaymaxisError } from './errors.js';
import { decimalFromMinor } from './money.js';
import type { PaymentRequest, PaymentType } from './payment-request.js';
import { type TestBehaviour, behaviourOfAmount, settlementDelaysMs } from './test-data.js';

export const paymentStates = ['CHECKOUT', 'PENDING', 'CANCELLED', 'DECLINED', 'COMPLETED'] as const;
export type PaymentState = (typeof paymentStates)[number];
export type FinalState = 'CANCELLED' | 'DECLINED' | 'COMPLETED';

export function isFinal(state: PaymentState): state is FinalState {
  return state === 'CANCELLED' || state === 'DECLINED' || state === 'COMPLETED';
}

export interface Payment {
  /** Paymaxis's id format is not public: modeled as 32 lower-case hex characters. */
  id: string;
  shop: ShopAccount;
  paymentType: PaymentType;
  paymentMethod: string;
  state: PaymentState;
  amountMinor: bigint;
  currency: string;
  exponent: number;
  referenceId: string | undefined;
  description: string | undefined;
  parentPaymentId: string | undefined;
  returnUrl: string | undefined;
  webhookUrl: string | undefined;
  customer: PaymentRequest['customer'];
  billingAddress: PaymentRequest['billingAddress'];
  /** Filled once the payer entered a card on the checkout page (masked, never the full number). */
  paymentMethodDetails: Record<string, string> | undefined;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  behaviour: TestBehaviour;
  createdAt: number;
  updatedAt: number;
}

export interface Outcome {
  errorCode?: string;
  errorMessage?: string;
  paymentMethodDetails?: Record<string, string>;
}

export type MoveResult = 'moved' | 'unchanged' | 'refused';

export interface PaymentBookDeps {
  now: () => number;
  timeScale: number;
  /** Called after every move into a final state: Paymaxis sends the webhook then. */
  onFinal: (payment: Payment) => void;
}

export interface ListFilter {
  limit: number;
  offset: number;
  createdFrom?: number;
  createdBefore?: number;
  updatedFrom?: number;
  updatedBefore?: number;
}

/** Every payment of every shop, with the gateway's rules for creating and moving them. */
export class PaymentBook {
  readonly #deps: PaymentBookDeps;
  readonly #payments = new Map<string, Payment>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(deps: PaymentBookDeps) {
    this.#deps = deps;
  }

  create(shop: ShopAccount, request: PaymentRequest): Payment {
    if (request.referenceId !== undefined && this.#withReference(shop, request.referenceId) !== undefined) {
      // Modeled: the merchant reference is unique per shop; a second payment with it is refused.
      throw PaymaxisError.conflict(`Payment with referenceId ${request.referenceId} already exists`);
    }
    const parent = request.paymentType === 'REFUND' ? this.#refundableParent(shop, request) : undefined;
    const amountMinor = request.amountMinor ?? (parent === undefined ? 0n : this.remainingToRefund(parent));
    const now = this.#deps.now();
    const payment: Payment = {
      id: randomBytes(16).toString('hex'),
      shop,
      paymentType: request.paymentType,
      paymentMethod: parent?.paymentMethod ?? request.paymentMethod,
      state: request.paymentType === 'DEPOSIT' ? 'CHECKOUT' : 'PENDING',
      amountMinor,
      currency: request.currency,
      exponent: request.exponent,
      referenceId: request.referenceId,
      description: request.description,
      parentPaymentId: parent?.id,
      returnUrl: request.returnUrl,
      webhookUrl: request.webhookUrl,
      customer: request.customer ?? parent?.customer,
      billingAddress: request.billingAddress,
      paymentMethodDetails: parent?.paymentMethodDetails,
      errorCode: undefined,
      errorMessage: undefined,
      behaviour: behaviourOfAmount(decimalFromMinor(amountMinor, request.exponent)),
      createdAt: now,
      updatedAt: now,
    };
    this.#payments.set(payment.id, payment);
    if (payment.behaviour === 'decline') {
      this.move(payment, 'DECLINED', { errorCode: 'TEST_AMOUNT_DECLINED', errorMessage: 'Declined by the sandbox test amount' });
    } else if (payment.paymentType !== 'DEPOSIT' && payment.behaviour === 'normal') {
      this.#settleLater(payment, settlementDelaysMs[payment.paymentType]);
    }
    return payment;
  }

  /** A payment of this shop; another shop's payment does not exist for it. */
  get(shop: ShopAccount, id: string): Payment | undefined {
    const payment = this.#payments.get(id);
    return payment?.shop === shop ? payment : undefined;
  }

  /** Any shop's payment, for the back-office controls. */
  find(id: string): Payment | undefined {
    return this.#payments.get(id);
  }

  /** Most recent first, as GET /api/v1/payments lists them. */
  list(shop: ShopAccount, filter: ListFilter): { payments: Payment[]; hasMore: boolean } {
    const matching = [...this.#payments.values()]
      .filter((p) => p.shop === shop)
      .filter((p) => filter.createdFrom === undefined || p.createdAt >= filter.createdFrom)
      .filter((p) => filter.createdBefore === undefined || p.createdAt < filter.createdBefore)
      .filter((p) => filter.updatedFrom === undefined || p.updatedAt >= filter.updatedFrom)
      .filter((p) => filter.updatedBefore === undefined || p.updatedAt < filter.updatedBefore)
      .reverse() // insertion order is creation order; newest first, stable for equal times
      .sort((a, b) => b.createdAt - a.createdAt);
    return { payments: matching.slice(filter.offset, filter.offset + filter.limit), hasMore: matching.length > filter.offset + filter.limit };
  }

  /** What a completed deposit can still give back: its amount minus refunds that did not fail. */
  remainingToRefund(deposit: Payment): bigint {
    let taken = 0n;
    for (const p of this.#payments.values()) {
      if (p.paymentType === 'REFUND' && p.parentPaymentId === deposit.id && p.state !== 'DECLINED' && p.state !== 'CANCELLED') {
        taken += p.amountMinor;
      }
    }
    return deposit.amountMinor - taken;
  }

  /**
   * CHECKOUT → PENDING, or CHECKOUT/PENDING → a final state. Moving to the state a payment is
   * already in changes nothing; a final state never changes.
   */
  move(payment: Payment, to: PaymentState, outcome: Outcome = {}): MoveResult {
    if (payment.state === to) return 'unchanged';
    if (isFinal(payment.state) || to === 'CHECKOUT') return 'refused';
    payment.state = to;
    payment.updatedAt = this.#deps.now();
    if (outcome.errorCode !== undefined) payment.errorCode = outcome.errorCode;
    if (outcome.errorMessage !== undefined) payment.errorMessage = outcome.errorMessage;
    if (outcome.paymentMethodDetails !== undefined) payment.paymentMethodDetails = outcome.paymentMethodDetails;
    if (isFinal(to)) this.#deps.onFinal(payment);
    return 'moved';
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #withReference(shop: ShopAccount, referenceId: string): Payment | undefined {
    for (const p of this.#payments.values()) if (p.shop === shop && p.referenceId === referenceId) return p;
    return undefined;
  }

  /** Refund rules: the parent is a COMPLETED deposit of this shop, same currency, enough left. */
  #refundableParent(shop: ShopAccount, request: PaymentRequest): Payment {
    const parent = this.get(shop, request.parentPaymentId ?? '');
    const refuse = (message: string) => PaymaxisError.badRequest(message);
    if (parent === undefined) throw refuse(`Payment ${request.parentPaymentId} not found`);
    if (parent.paymentType !== 'DEPOSIT') throw refuse('Only a deposit can be refunded');
    if (parent.state !== 'COMPLETED') throw refuse(`Payment ${parent.id} is ${parent.state} and cannot be refunded`);
    if (parent.currency !== request.currency) {
      throw PaymaxisError.badRequest('Validation failed', [{ field: 'currency', message: `must be ${parent.currency}, the currency of the deposit` }]);
    }
    const remaining = this.remainingToRefund(parent);
    if (remaining <= 0n) throw refuse(`Payment ${parent.id} is already fully refunded`);
    if (request.amountMinor !== undefined && request.amountMinor > remaining) {
      const left = decimalFromMinor(remaining, parent.exponent);
      throw PaymaxisError.badRequest('Validation failed', [{ field: 'amount', message: `must be at most ${left}, what is left to refund` }]);
    }
    return parent;
  }

  /** Payouts and refunds complete by themselves after the gateway's processing time (× timeScale). */
  #settleLater(payment: Payment, delayMs: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.move(payment, 'COMPLETED');
    }, delayMs * this.#deps.timeScale);
    timer.unref();
    this.#timers.add(timer);
  }
}
