import type { FastifyInstance } from 'fastify';
import { authenticate } from './auth.js';
import { SticpayError } from './errors.js';
import { datetimePattern, FieldCheck, fieldsOf, interfaceVersions } from './request-fields.js';
import { findOrder } from './find-order.js';
import type { SticpayState } from './state.js';
import { detailView } from './transactions.js';

/**
 * `POST /rest_transaction/detail`: the only authoritative status, by `order_id` or
 * `transaction_code`. Sandbox and live share the host, so an order is only found with the
 * `interface_version` it was made with (refunds inherit their payment's).
 */
export function registerDetailRoute(app: FastifyInstance, state: SticpayState): void {
  app.post('/rest_transaction/detail', async (request) => {
    const fields = fieldsOf(request.body);
    const check = new FieldCheck(fields);
    check.required('merchant');
    const reference = check.oneOf('order_id', 'transaction_code');
    const requestTime = check.required('request_datetime', 32);
    check.matches('request_datetime', requestTime, datetimePattern, 'must be "yyyy-MM-dd HH:mm:ss"');
    const interfaceVersion = check.required('interface_version');
    if (interfaceVersion !== undefined && !(interfaceVersions as readonly string[]).includes(interfaceVersion)) {
      check.fail('interface_version', 'must be sandbox or live');
    }
    check.required('sign', 128);
    check.done();
    const account = authenticate(state.accounts, 'detail', fields);
    const transaction = findOrder(state, account, reference!);
    if (transaction.interfaceVersion !== interfaceVersion) throw SticpayError.orderNotFound();
    state.settlement.expireIfDue(transaction);
    return { success: true, ...detailView(transaction) };
  });
}
