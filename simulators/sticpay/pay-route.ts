import type { FastifyInstance } from 'fastify';
import { authenticate } from './auth.js';
import { errorCodes, SticpayError } from './errors.js';
import { currencyDigits, parseAmount } from './money.js';
import {
  datetimePattern,
  FieldCheck,
  fieldsOf,
  interfaceVersions,
  isHttpUrl,
  orderIdPattern,
  type Fields,
  type InterfaceVersion,
} from './request-fields.js';
import { signedPairs } from './signing.js';
import type { SticpayState } from './state.js';
import { payOutcome } from './test-data.js';
import { newPayToken, newTransactionCode, type SticpayTransaction } from './transactions.js';

/** Where the payer is sent: Sticpay's hosted pay page, under the simulator's public URL. */
export const payPagePath = '/1.1/pay/consume_token';

/**
 * `POST /rest_pay/pay`: a payment the payer completes on Sticpay's pay page. Answers
 * `{success: true, link}`; the order exists from now on (detail says `pending`) and ends
 * `rejected` if nobody pays within the link's 5 minutes.
 */
export function registerPayRoute(app: FastifyInstance, state: SticpayState): void {
  app.post('/rest_pay/pay', async (request) => {
    const fields = fieldsOf(request.body);
    const { orderNo, minor, currency, interfaceVersion, notifyUrl, returnUrl } = validatePay(fields);
    const account = authenticate(state.accounts, 'pay', fields);
    if (state.book.byOrder(account.merchantEmail, orderNo) !== undefined) {
      throw new SticpayError(errorCodes.duplicateOrder, 'Duplicate order number', [{ field: 'order_no', defaultMessage: 'is already used' }]);
    }
    if (payOutcome(minor) === 'declined_at_creation') {
      throw new SticpayError(errorCodes.riskDeclined, 'Order declined by risk management');
    }
    const now = state.options.now();
    const payment: SticpayTransaction = {
      transactionCode: newTransactionCode(),
      type: 'pay',
      merchantEmail: account.merchantEmail,
      orderId: orderNo,
      amountMinor: minor,
      currency,
      status: 'pending',
      stage: 'awaiting_payer',
      reason: undefined,
      interfaceVersion,
      signedFields: signedPairs('pay', fields),
      notifyUrl,
      returnUrl,
      payToken: newPayToken(),
      expiresAt: undefined,
      counterparty: undefined,
      refundOf: undefined,
      refundedBy: undefined,
      createdAt: now,
      updatedAt: now,
    };
    state.book.add(payment);
    state.settlement.startPayLink(payment);
    return { success: true, link: `${state.options.publicBaseUrl}${payPagePath}/${payment.payToken}` };
  });
}

function validatePay(fields: Fields) {
  const check = new FieldCheck(fields);
  check.required('merchant_email');
  const orderNo = check.required('order_no', 64);
  check.matches('order_no', orderNo, orderIdPattern, 'may hold only letters, digits, "_" and "-"');
  const orderTime = check.required('order_time', 32);
  check.matches('order_time', orderTime, datetimePattern, 'must be "yyyy-MM-dd HH:mm:ss"');
  const amount = check.required('order_amount', 32);
  const currency = check.required('order_currency', 3);
  if (currency !== undefined && currencyDigits[currency] === undefined) check.fail('order_currency', 'is not a supported currency');
  let minor = 0n;
  if (amount !== undefined && currency !== undefined && currencyDigits[currency] !== undefined) {
    const parsed = parseAmount(amount, currency);
    if (parsed.ok) minor = parsed.minor;
    else check.fail('order_amount', parsed.message);
  }
  const interfaceVersion = check.required('interface_version');
  if (interfaceVersion !== undefined && !(interfaceVersions as readonly string[]).includes(interfaceVersion)) {
    check.fail('interface_version', 'must be sandbox or live');
  }
  // Modeled: both URLs are required (no back-office defaults in the simulator).
  const notifyUrl = check.required('notify_url', 2048);
  if (notifyUrl !== undefined && !isHttpUrl(notifyUrl)) check.fail('notify_url', 'must be an http(s) URL');
  const returnUrl = check.required('return_url', 2048);
  if (returnUrl !== undefined && !isHttpUrl(returnUrl)) check.fail('return_url', 'must be an http(s) URL');
  check.required('sign', 128);
  check.done();
  return {
    orderNo: orderNo!,
    minor,
    currency: currency!,
    interfaceVersion: interfaceVersion as InterfaceVersion,
    notifyUrl: notifyUrl!,
    returnUrl: returnUrl!,
  };
}
