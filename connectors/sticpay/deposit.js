// Sticpay deposit (SYS-PSP-DEPOSIT-STICPAY): a pay link to Sticpay's hosted pay page, a signed
// callback that triggers a lookup, and the detail call as the only authority on the outcome.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals.
import {
  API, INTERFACE_VERSION, sign, now, gatewayError, lookupOrder, answerCallback, statusAnswer, redirectAnswer,
} from "./common.js";

// The pay request's signed fields (the order `initiate` sends them in); its callback signs these,
// then transaction_code and status (modeled, see answerCallback in common.js).
const PAY_FIELDS = ["merchant_email", "order_no", "order_time", "order_amount", "order_currency"];

export async function initiate(ctx, sdk) {
  const { transaction, credential } = ctx;
  const customer = ctx.data?.body?.customer ?? {};
  const pairs = [
    ["merchant_email", credential.merchantEmail],
    ["order_no", ctx.id],
    ["order_time", now()],
    ["order_amount", transaction.amount], // exact decimal string, signed as sent
    ["order_currency", transaction.currency],
  ];
  const body = {
    ...Object.fromEntries(pairs),
    interface_version: INTERFACE_VERSION,
    notify_url: ctx.urls.server.webhook,
    return_url: ctx.urls.server.redirect,
    sign: sign(sdk, pairs, credential),
  };
  // A timeout throws: the engine then records "outcome unknown" and the status step settles it.
  const res = await sdk.http.post(`${API}/rest_pay/pay`, { body });
  if (res.status !== 200 || res.data?.success !== true) {
    // Refused (or a 5xx): no pay link reached the payer, so nothing can be paid on this order.
    const message = gatewayError(res);
    sdk.logger.warn(`sticpay pay refused for ${ctx.id}: ${message}`);
    return sdk.response.failure(message, res.status >= 500 ? 502 : 400);
  }
  let link;
  try { link = new URL(res.data.link); } catch { link = null; }
  if (!link || !/^https?:$/.test(link.protocol)) return sdk.response.failure("Sticpay returned no usable pay link", 502);
  sdk.logger.info(`sticpay pay link created for ${ctx.id}`);
  return sdk.response.success({
    navigation: { type: "redirect", contentType: "url", value: link.href },
    status: "PENDING",
    orderId: ctx.id,
    userId: customer.id ?? transaction.customerId,
    // The pay answer carries only the link; the transaction code comes with detail or the callback.
  });
}

// The payer coming back (with order_no and status in the query) proves nothing: ask Sticpay.
// The engine then sends the payer on to the merchant's success or failure URL.
export async function redirect(ctx, sdk) {
  const r = await lookupOrder(ctx, sdk);
  return redirectAnswer(ctx, sdk, r, r.pspTxnId ? { pspTxnId: r.pspTxnId } : {});
}

// The callback names our order as order_no.
export async function webhook(ctx, sdk) {
  return answerCallback(ctx, sdk, PAY_FIELDS, "order_no");
}

export async function status(ctx, sdk) {
  return statusAnswer(sdk, await lookupOrder(ctx, sdk));
}
