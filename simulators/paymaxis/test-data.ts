/**
 * Test-data conventions of the simulated sandbox (Paymaxis's own sandbox data is not public).
 * Read by the simulator and, as documented conventions, by the conformance driver.
 */

/** The fractional part of the amount (in the currency's minor units) picks a behaviour. */
export const testAmountEndings = {
  /** Any payment type: DECLINED straight away when created (no checkout page, a webhook is sent). */
  declineAtCreation: '02',
  /**
   * Deposit: stays PENDING after the payer pays, until a control settles it. Withdrawal or refund:
   * never settles by itself, only by a control.
   */
  holdPending: '13',
} as const;

export type TestBehaviour = 'decline' | 'hold' | 'normal';

/** `decimal` is the exact amount ("10.02"); the two digits after the point decide. */
export function behaviourOfAmount(decimal: string): TestBehaviour {
  const cents = decimal.includes('.') ? decimal.split('.')[1]!.padEnd(2, '0').slice(0, 2) : '00';
  if (cents === testAmountEndings.declineAtCreation) return 'decline';
  if (cents === testAmountEndings.holdPending) return 'hold';
  return 'normal';
}

/** The card the checkout page is pre-filled with: it pays. */
export const testCard = {
  cardholderName: 'TEST CARDHOLDER',
  cardNumber: '4111111111111111',
  expiryMonth: '12',
  cvv: '123',
} as const;

/** A card the issuer declines: paying with it ends DECLINED. */
export const declinedCardNumber = '4000000000000002';

/**
 * Gateway-side delays in the gateway's own milliseconds (× timeScale). Paymaxis publishes none:
 * modeled as a payout processed within 15 minutes and a refund within 5.
 */
export const settlementDelaysMs = {
  WITHDRAWAL: 15 * 60_000,
  REFUND: 5 * 60_000,
} as const;
