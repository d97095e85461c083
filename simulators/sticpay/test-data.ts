import { lastTwoMinorDigits } from './money.js';

/**
 * Test-data conventions, chosen by the last two digits of the amount in minor units (x.02 for
 * USD, 1002 for JPY). Sticpay publishes none; these are the simulator's own, in its README.
 */
export const testAmounts = {
  /** pay: refused at creation (code 1200, risk decline). withdraw: accepted, then rejected when it settles. */
  decline: 2,
  /** pay: the payer presses Pay and the wallet refuses (insufficient funds): rejected. */
  payerWalletDeclines: 12,
  /** pay: after Pay, held for review; withdraw: never settles by itself. Both wait for the control API. */
  staysPending: 13,
} as const;

export type PayOutcome = 'declined_at_creation' | 'normal';
export type PayerOutcome = 'approved' | 'wallet_declined' | 'in_review';
export type PayoutOutcome = 'approved' | 'rejected' | 'held';

export function payOutcome(minor: bigint): PayOutcome {
  return lastTwoMinorDigits(minor) === testAmounts.decline ? 'declined_at_creation' : 'normal';
}

/** What happens when the payer presses Pay. */
export function payerOutcome(minor: bigint): PayerOutcome {
  switch (lastTwoMinorDigits(minor)) {
    case testAmounts.payerWalletDeclines:
      return 'wallet_declined';
    case testAmounts.staysPending:
      return 'in_review';
    default:
      return 'approved';
  }
}

/** How a payout settles when its delay is up (held ones wait for the control API). */
export function payoutOutcome(minor: bigint): PayoutOutcome {
  switch (lastTwoMinorDigits(minor)) {
    case testAmounts.decline:
      return 'rejected';
    case testAmounts.staysPending:
      return 'held';
    default:
      return 'approved';
  }
}
