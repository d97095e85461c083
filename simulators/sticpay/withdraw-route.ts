import type { FastifyInstance } from 'fastify';
import { balanceOf } from './accounts.js';
import { authenticate } from './auth.js';
import { errorCodes, SticpayError } from './errors.js';
import { currencyDigits, formatAmount, parseAmount } from './money.js';
import { emailPattern, FieldCheck, fieldsOf, interfaceVersions, isHttpUrl, orderIdPattern, type Fields, type InterfaceVersion } from './request-fields.js';
import { signedPairs } from './signing.js';
import type { SticpayState } from './state.js';
import { newTransactionCode, type SticpayTransaction } from './transactions.js';

/**
 * `POST /rest_withdraw/withdraw`: pays out from the merchant's wallet to the Sticpay account
 * whose e-mail is `customer`. The amount is taken from the wallet at once (700 when it is short)
 * and the payout settles later (modeled: 30 s × timeScale, or by the control API), with a
 * callback to `notify_url` when one was given (modeled: optional for payouts).
 */
export function registerWithdrawRoute(app: FastifyInstance, state: SticpayState): void {
  app.post('/rest_withdraw/withdraw', async (request) => {
    const fields = fieldsOf(request.body);
    const { customer, orderId, minor, currency, interfaceVersion, notifyUrl } = validateWithdraw(fields);
    const account = authenticate(state.accounts, 'withdraw', fields);
    if (customer.toLowerCase() === account.merchantEmail) {
      throw SticpayError.validation([{ field: 'customer', defaultMessage: "cannot be the merchant's own account" }]);
    }
    if (state.book.byOrder(account.merchantEmail, orderId) !== undefined) {
      throw new SticpayError(errorCodes.duplicateOrder, 'Duplicate order number', [{ field: 'order_id', defaultMessage: 'is already used' }]);
    }
    const balance = balanceOf(account, currency);
    if (balance < minor) throw new SticpayError(errorCodes.insufficientBalance, 'Insufficient balance');
    account.balances.set(currency, balance - minor);

    const now = state.options.now();
    const payout: SticpayTransaction = {
      transactionCode: newTransactionCode(),
      type: 'withdraw',
      merchantEmail: account.merchantEmail,
      orderId,
      amountMinor: minor,
      currency,
      status: 'pending',
      stage: 'processing',
      reason: undefined,
      interfaceVersion,
      signedFields: signedPairs('withdraw', fields),
      notifyUrl,
      returnUrl: undefined,
      payToken: undefined,
      expiresAt: undefined,
      counterparty: customer,
      refundOf: undefined,
      refundedBy: undefined,
      createdAt: now,
      updatedAt: now,
    };
    state.book.add(payout);
    state.settlement.startPayout(payout);
    return {
      success: true,
      transaction_code: payout.transactionCode,
      order_id: orderId,
      amount: formatAmount(minor, currency),
      currency_code: currency,
      status: payout.status,
    };
  });
}

function validateWithdraw(fields: Fields) {
  const check = new FieldCheck(fields);
  check.required('merchant');
  const customer = check.required('customer');
  check.matches('customer', customer, emailPattern, 'must be the e-mail of a Sticpay account');
  const amount = check.required('amount', 32);
  const currency = check.required('currency_code', 3);
  if (currency !== undefined && currencyDigits[currency] === undefined) check.fail('currency_code', 'is not a supported currency');
  let minor = 0n;
  if (amount !== undefined && currency !== undefined && currencyDigits[currency] !== undefined) {
    const parsed = parseAmount(amount, currency);
    if (parsed.ok) minor = parsed.minor;
    else check.fail('amount', parsed.message);
  }
  const orderId = check.required('order_id', 64);
  check.matches('order_id', orderId, orderIdPattern, 'may hold only letters, digits, "_" and "-"');
  const interfaceVersion = check.required('interface_version');
  if (interfaceVersion !== undefined && !(interfaceVersions as readonly string[]).includes(interfaceVersion)) {
    check.fail('interface_version', 'must be sandbox or live');
  }
  const notifyUrl = check.optional('notify_url', 2048);
  if (notifyUrl !== undefined && !isHttpUrl(notifyUrl)) check.fail('notify_url', 'must be an http(s) URL');
  check.required('sign', 128);
  check.done();
  return {
    customer: customer!,
    orderId: orderId!,
    minor,
    currency: currency!,
    interfaceVersion: interfaceVersion as InterfaceVersion,
    notifyUrl,
  };
}
