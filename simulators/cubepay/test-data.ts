import { centsOf, type Money } from './money.js';

/**
 * The simulator's test conventions (README "Test data"). Cube Pay's own DEV simulator has test
 * data too, but it is not public: these values are modeled, on the usual card-network test cards.
 */
export const testCards = {
  /** Approved straight away: `url` is empty, `transaction_status` is successful. */
  approved: '4111111111111111',
  /** Needs 3DS: `url` is the 3DS page, `transaction_status` pending until the payer acts. */
  threeDs: '4000000000003220',
  /** Declined: rejected with error "Card declined". */
  declined: '4000000000000002',
  /** Declined: rejected with error "Insufficient funds". */
  insufficientFunds: '4000000000009995',
} as const;

/** Amounts (the last two digits of the minor units) that decide what happens once the payer pays. */
export const testAmountCents = {
  /** Stays pending after the payer pays: settle or fail it with the control API. */
  staysPending: 13,
  /** Rejected by the provider with "Insufficient funds" (deposits on payment, payouts on processing). */
  insufficientFunds: 51,
} as const;

/** What the provider answers once the payer has paid (or a payout has been approved). */
export type ProviderOutcome = { status: 'successful' } | { status: 'pending' } | { status: 'rejected'; reason: string };

export function providerOutcomeFor(amount: Money): ProviderOutcome {
  switch (centsOf(amount)) {
    case testAmountCents.staysPending:
      return { status: 'pending' };
    case testAmountCents.insufficientFunds:
      return { status: 'rejected', reason: 'Insufficient funds' };
    default:
      return { status: 'successful' };
  }
}

export type CardDecision = { kind: 'authorize' } | { kind: 'three-ds' } | { kind: 'decline'; reason: string };

/** What the card itself decides, before the amount rules. */
export function cardDecisionFor(cardNumber: string, expMonth: number, expYear: number, now: Date): CardDecision {
  if (!passesLuhn(cardNumber)) return { kind: 'decline', reason: 'Invalid card number' };
  const endOfExpiryMonth = Date.UTC(expYear, expMonth, 1);
  if (endOfExpiryMonth <= now.getTime()) return { kind: 'decline', reason: 'Card expired' };
  switch (cardNumber) {
    case testCards.threeDs:
      return { kind: 'three-ds' };
    case testCards.declined:
      return { kind: 'decline', reason: 'Card declined' };
    case testCards.insufficientFunds:
      return { kind: 'decline', reason: 'Insufficient funds' };
    default:
      return { kind: 'authorize' };
  }
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/** "411111******1111": the only form of a card number the simulator keeps or shows. */
export function maskCardNumber(cardNumber: string): string {
  return `${cardNumber.slice(0, 6)}${'*'.repeat(Math.max(cardNumber.length - 10, 0))}${cardNumber.slice(-4)}`;
}

export function cardBrandOf(cardNumber: string): string {
  if (cardNumber.startsWith('4')) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(cardNumber)) return 'mastercard';
  if (/^3[47]/.test(cardNumber)) return 'amex';
  return 'card';
}
