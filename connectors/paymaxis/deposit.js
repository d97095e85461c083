// Paymaxis deposit (SYS-PSP-DEPOSIT-PAYMAXIS): a card payment on the Paymaxis hosted checkout.
// Runs in the engine's isolate: no Node APIs, only ctx, sdk and web globals.
import { PAYMENTS, auth, cardPayment, describe, gatewayError, mapState, tooLong, wireAmount } from "./common.js";

// Redirect, webhook and status are the same for every Paymaxis payment (see common.js).
export { redirect, webhook, status } from "./common.js";

function httpUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

export async function initiate(ctx, sdk) {
  const amount = wireAmount(ctx.transaction.amount);
  if (amount === null) return tooLong(sdk);
  const body = cardPayment(ctx, "DEPOSIT", amount, ctx.urls.server.redirect);
  let res;
  try {
    res = await sdk.http.post(PAYMENTS, { headers: auth(ctx), body });
  } catch (err) {
    // No answer. Even if Paymaxis made the payment, its checkout page never reached the payer,
    // so no money can move: refusing is safe, and the merchant may try again.
    sdk.logger.warn(`paymaxis did not answer for deposit ${ctx.id}: ${err.message}`);
    return sdk.response.failure(`Paymaxis did not answer: ${err.message}`, 502);
  }
  const p = res.data?.result;
  if (!res.success || !p) {
    const message = gatewayError(res);
    sdk.logger.warn(`paymaxis refused deposit ${ctx.id}: ${message}`);
    return sdk.response.failure(message, res.status >= 500 ? 502 : 400);
  }
  const status = mapState(p.state);
  const result = { orderId: ctx.id, userId: String(ctx.data?.body?.customer?.id), pspTxnId: String(p.id), message: describe(p) };
  sdk.logger.info(`paymaxis payment ${p.id} created for ${ctx.id}: ${p.state}`);
  // Declined at creation (or, in principle, completed at once): final, no page for the payer.
  if (status !== "PENDING") return sdk.response.success({ ...result, status });
  const url = httpUrl(p.redirectUrl);
  if (!url) return sdk.response.failure(`Paymaxis payment ${p.id} has no usable redirectUrl`, 502);
  return sdk.response.success({ ...result, status, navigation: { type: "redirect", contentType: "url", value: url } });
}
