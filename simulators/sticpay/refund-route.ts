import type { FastifyInstance } from 'fastify';
import { authenticate } from './auth.js';
import { formatAmount } from './money.js';
import { datetimePattern, FieldCheck, fieldsOf } from './request-fields.js';
import type { SticpayState } from './state.js';
import { findOrder } from './find-order.js';

/**
 * `POST /rest_withdraw/refund`: a full refund (the only kind) of an approved payment, named by
 * its `transaction_code` or its `order_id`. Modeled as settled at once: the answer carries the
 * refund's own transaction code and `status: approved`; 1402 when the payment cannot be
 * refunded (not approved, already refunded, not a payment), 701 when the wallet is short.
 */
export function registerRefundRoute(app: FastifyInstance, state: SticpayState): void {
  app.post('/rest_withdraw/refund', async (request) => {
    const fields = fieldsOf(request.body);
    const check = new FieldCheck(fields);
    check.required('merchant');
    const reference = check.oneOf('transaction_code', 'order_id');
    const requestTime = check.required('request_datetime', 32);
    check.matches('request_datetime', requestTime, datetimePattern, 'must be "yyyy-MM-dd HH:mm:ss"');
    check.required('sign', 128);
    check.done();
    const account = authenticate(state.accounts, 'refund', fields);
    const payment = findOrder(state, account, reference!);
    const refund = state.settlement.refund(payment);
    return {
      success: true,
      transaction_code: refund.transactionCode,
      original_transaction_code: payment.transactionCode,
      order_id: payment.orderId,
      amount: formatAmount(refund.amountMinor, refund.currency),
      currency: refund.currency,
      status: refund.status,
    };
  });
}
