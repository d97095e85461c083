// Cube Pay deposit (SYS-PSP-DEPOSIT-CUBEPAY), spec/004 v1.0.4. Two ways in, chosen by the payload:
//  - by default a hosted checkout (004 "Direct Integration"): the payer goes to Cube Pay's page for
//    one provider (`provider_id` from the payload, else the credential's providerId);
//  - with `card` in the payload, a server-to-server card payment (`routing_id` from the payload,
//    else the credential's routingId); a non-empty `url` in the answer is the 3DS page.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals. The card number
// and CVC go to Cube Pay and nowhere else: never into a log line or a result.
// What withdraw.js does the same way (auth, request fields, lookup, webhook) is in common.js.
import {
  API, apiHeaders, commonRequest, createCall, gatewayError, lookup, redirectAnswer, redirectTo,
  statusAnswer, statusMapper, statusMessage, webhookStep, wireAmount,
} from "./common.js";

// The one place where Cube Pay statuses become ours for a deposit (the shared words are in
// common.js): an approved deposit is paid. Anything unknown stays PENDING.
const mapStatus = statusMapper({ approved: "SUCCESS" });

function httpUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

const positiveInteger = (v) => (Number.isInteger(v) && v > 0 ? v : null);

export async function initiate(ctx, sdk) {
  const body = ctx.data?.body ?? {};
  const customer = body.customer ?? {};
  const amount = wireAmount(ctx.transaction.amount);
  if (amount === null) return sdk.response.failure("amount has more than 15 significant digits", 400);
  return body.card ? cardPayment(ctx, sdk, body, customer, amount) : hostedCheckout(ctx, sdk, body, customer, amount);
}

// POST /v1/checkout → {url, transaction_id} (the answer is modeled: 004 shows none).
async function hostedCheckout(ctx, sdk, body, customer, amount) {
  const providerId = positiveInteger(body.provider_id) ?? positiveInteger(ctx.credential.providerId);
  if (providerId === null) return sdk.response.failure("provider_id is required: in the payload or as the credential's providerId", 400);
  const request = { ...commonRequest(ctx, customer, amount, { depositLimit: true }), provider_id: providerId };
  // No answer or a refusal fails the deposit. Even if Cube Pay made the checkout, its page never
  // reached the payer, so no money can move: refusing is safe, and the merchant may try again.
  const { res, refused } = await createCall(ctx, sdk, "/v1/checkout", request, "checkout");
  if (refused) return refused;
  const url = httpUrl(res.data?.url);
  if (!url) return sdk.response.failure("Cube Pay returned no usable checkout URL", 502);
  const pspTxnId = res.data.transaction_id ? String(res.data.transaction_id) : null;
  sdk.logger.info(`cubepay checkout ${pspTxnId ?? "(no id)"} created for ${ctx.id}`);
  return sdk.response.success({
    navigation: redirectTo(url),
    status: "PENDING",
    pspTxnId,
    orderId: ctx.id,
    userId: String(customer.id),
  });
}

// POST /v1/payments/s2s → {url, transaction_status, error?}. 004: "if the url is not empty,
// redirect the user to complete the 3DS process"; "rejected" comes with `error`.
async function cardPayment(ctx, sdk, body, customer, amount) {
  const routingId = positiveInteger(body.routing_id) ?? positiveInteger(ctx.credential.routingId);
  if (routingId === null) return sdk.response.failure("routing_id is required for a card payment: in the payload or as the credential's routingId", 400);
  const card = body.card;
  const request = {
    ...commonRequest(ctx, customer, amount, { depositLimit: true }),
    routing_id: routingId,
    card_details: {
      holder_name: card.holder_name,
      card_number: card.number,
      cvc: card.cvc,
      exp_month: card.exp_month,
      exp_year: card.exp_year,
    },
  };
  // A timeout throws out of the step on purpose: the card may have been charged, so the engine
  // keeps the transaction open (outcome unknown) for the webhook or a status check.
  const res = await sdk.http.post(`${API}/v1/payments/s2s`, { headers: apiHeaders(ctx), body: { request } });
  if (res.status >= 500) throw new Error(`Cube Pay answered HTTP ${res.status} to a card payment; its outcome is unknown`);
  if (!res.success) {
    const message = gatewayError(res);
    sdk.logger.warn(`cubepay refused card payment ${ctx.id}: ${message}`);
    return sdk.response.failure(message, 400);
  }
  const d = res.data ?? {};
  const pspTxnId = d.transaction_id ? String(d.transaction_id) : null;
  const result = { orderId: ctx.id, userId: String(customer.id), pspTxnId };
  sdk.logger.info(`cubepay card payment for ${ctx.id}: ${d.transaction_status}${d.url ? " with 3DS" : ""}`);
  if (d.url) {
    const url = httpUrl(d.url);
    if (!url) return sdk.response.failure("Cube Pay returned an unusable 3DS URL", 502);
    return sdk.response.success({ ...result, status: "PENDING", navigation: redirectTo(url) });
  }
  const status = mapStatus(d.transaction_status);
  if (status === "FAILED") return sdk.response.success({ ...result, status, message: `Cube Pay rejected the card: ${d.error ?? d.transaction_status}` });
  if (status === "SUCCESS") return sdk.response.success({ ...result, status, message: statusMessage(d.transaction_status) });
  // Pending without 3DS: the payer has nothing to do at Cube Pay, so it goes straight to our
  // redirect callback, which looks the status up and sends it on to the merchant.
  return sdk.response.success({ ...result, status, navigation: redirectTo(ctx.urls.server.redirect) });
}

// A payer coming back proves nothing: ask Cube Pay, then send the payer to the merchant.
export async function redirect(ctx, sdk) {
  return redirectAnswer(ctx, sdk, await lookup(ctx, sdk, mapStatus, "transaction"));
}

// Cube Pay's webhook is signed, so its body is believed once the signature holds (common.js).
export async function webhook(ctx, sdk) {
  return webhookStep(ctx, sdk, { transactionType: "deposit", mapStatus, paid: "paid" });
}

export async function status(ctx, sdk) {
  return statusAnswer(sdk, await lookup(ctx, sdk, mapStatus, "transaction"));
}
