// Sticpay withdrawal (SYS-PSP-WITHDRAW-STICPAY): a payout from the merchant's Sticpay balance to
// the customer's Sticpay wallet, named by its e-mail. It settles later: a signed callback triggers
// the detail call, which alone says how it ended.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals.
import {
  API, INTERFACE_VERSION, mapStatus, sign, gatewayError, lookupOrder, answerCallback, statusAnswer, redirectAnswer,
} from "./common.js";

// The withdraw request's signed fields (the order `initiate` sends them in); its callback signs
// these, then transaction_code and status (modeled, see answerCallback in common.js).
const WITHDRAW_FIELDS = ["merchant", "customer", "amount", "currency_code", "order_id", "interface_version"];

export async function initiate(ctx, sdk) {
  const { transaction, credential } = ctx;
  const customer = ctx.data?.body?.customer ?? {};
  if (!customer.email) return sdk.response.failure("customer.email (the payee's Sticpay account) is required", 400);
  const pairs = [
    ["merchant", credential.merchantEmail],
    ["customer", customer.email],
    ["amount", transaction.amount], // exact decimal string, signed as sent
    ["currency_code", transaction.currency],
    ["order_id", ctx.id],
    ["interface_version", INTERFACE_VERSION],
  ];
  const body = {
    ...Object.fromEntries(pairs),
    notify_url: ctx.urls.server.webhook, // modeled: the payout calls back when it settles
    sign: sign(sdk, pairs, credential),
  };
  // A timeout throws: the engine records "outcome unknown" and the status step settles it.
  const res = await sdk.http.post(`${API}/rest_withdraw/withdraw`, { body });
  if (res.status === 200 && res.data?.success === true) {
    const status = mapStatus(res.data.status);
    sdk.logger.info(`sticpay withdraw accepted for ${ctx.id}: ${res.data.status} -> ${status}`);
    return sdk.response.success({ status, pspTxnId: res.data.transaction_code ?? undefined, orderId: ctx.id, userId: customer.id });
  }
  if (res.status === 200 && res.data?.success === false) {
    // Sticpay refused it (insufficient balance 700/701, validation, duplicate): no money moved.
    const message = gatewayError(res);
    sdk.logger.warn(`sticpay withdraw refused for ${ctx.id}: ${message}`);
    return sdk.response.failure(message, 400);
  }
  // A 5xx or an unreadable answer: the payout may exist. Ask before calling it anything.
  const r = await lookupOrder(ctx, sdk);
  if (r.ok && r.notFound) return sdk.response.failure(`Sticpay did not take the payout: ${gatewayError(res)}`, 502);
  if (!r.ok) throw new Error(`Sticpay withdraw outcome unknown (${gatewayError(res)}; detail: ${r.message})`);
  return sdk.response.success({ status: r.status, pspTxnId: r.pspTxnId, message: r.message, orderId: ctx.id, userId: customer.id });
}

// Payouts have no payer coming back; kept because every step of the contract exists. It asks Sticpay.
export async function redirect(ctx, sdk) {
  return redirectAnswer(ctx, sdk, await lookupOrder(ctx, sdk));
}

// Same callback shape as deposits; it names our order as order_id.
export async function webhook(ctx, sdk) {
  return answerCallback(ctx, sdk, WITHDRAW_FIELDS, "order_id");
}

export async function status(ctx, sdk) {
  return statusAnswer(sdk, await lookupOrder(ctx, sdk));
}
