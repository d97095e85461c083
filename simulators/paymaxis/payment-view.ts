import { jsonAmount } from './money.js';
import type { Payment } from './payments.js';

/**
 * A payment as Paymaxis shows it: `result` of GET /api/v1/payments/{id}, and the webhook body.
 * Field names follow Paymaxis's published payment schema; optional fields appear only when set.
 */
export function paymentResult(payment: Payment, publicBaseUrl: string): Record<string, unknown> {
  const optional: Record<string, unknown> = {
    referenceId: payment.referenceId,
    description: payment.description,
    parentPaymentId: payment.parentPaymentId,
    // The payer's way to the hosted checkout, while there is something to decide.
    redirectUrl: payment.paymentType === 'DEPOSIT' && payment.state === 'CHECKOUT' ? checkoutUrl(payment, publicBaseUrl) : undefined,
    customer: payment.customer,
    billingAddress: payment.billingAddress,
    paymentMethodDetails: payment.paymentMethodDetails,
    errorCode: payment.errorCode,
    errorMessage: payment.errorMessage,
  };
  return {
    id: payment.id,
    paymentType: payment.paymentType,
    paymentMethod: payment.paymentMethod,
    state: payment.state,
    amount: jsonAmount(payment.amountMinor, payment.exponent),
    currency: payment.currency,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}

export function checkoutUrl(payment: Payment, publicBaseUrl: string): string {
  return `${publicBaseUrl}/checkout/${payment.id}`;
}

/** Paymaxis's success envelope. */
export function envelope(result: unknown, now: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { result, ...extra, status: 200, timestamp: new Date(now).toISOString() };
}
