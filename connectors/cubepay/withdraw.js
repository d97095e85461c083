// Cube Pay withdrawal (SYS-PSP-WITHDRAW-CUBEPAY), spec/004 v1.0.4: a payout through Cube Pay's
// withdrawal cashier. The payer opens the cashier page, picks a payout provider and gives the
// payee account; the payout then waits, pending, for the merchant's approval on Cube Pay's side
// (004's approve/reject endpoints or its back office). This script does not approve: approving
// is a business decision that belongs to the merchant's operations, not to a webhook. Pending
// maps to PENDING until Cube Pay reports the payout successful or rejected.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals.
// What deposit.js does the same way (auth, request fields, lookup, webhook) is in common.js.
import {
  API, commonRequest, createCall, lookup, redirectAnswer, redirectTo, statusAnswer, statusMapper, webhookStep,
  wireAmount,
} from "./common.js";

// The one place where Cube Pay statuses become ours for a payout (the shared words are in
// common.js): an approved payout has not reached the payee yet. Anything unknown stays PENDING.
const mapStatus = statusMapper({ approved: "PENDING" });

// POST /v1/withdrawals/cashier → {token}; the payer's page is the hosted cashier for that token.
export async function initiate(ctx, sdk) {
  const customer = ctx.data?.body?.customer ?? {};
  const amount = wireAmount(ctx.transaction.amount);
  if (amount === null) return sdk.response.failure("amount has more than 15 significant digits", 400);
  const request = commonRequest(ctx, customer, amount);
  // No answer or a refusal fails the payout: without the cashier page nobody can give payout
  // details, so nothing can be paid out.
  const { res, refused } = await createCall(ctx, sdk, "/v1/withdrawals/cashier", request, "payout");
  if (refused) return refused;
  const token = res.data?.token;
  if (typeof token !== "string" || token === "") return sdk.response.failure("Cube Pay returned no cashier token", 502);
  sdk.logger.info(`cubepay withdrawal cashier opened for ${ctx.id}`);
  // The cashier page's address is not public: modeled as /cashier/{token} on the API's origin.
  // Cube Pay's transaction id arrives with the first webhook, once the payer has submitted the page.
  return sdk.response.success({
    navigation: redirectTo(`${API}/cashier/${encodeURIComponent(token)}`),
    status: "PENDING",
    orderId: ctx.id,
    userId: customer.id == null ? undefined : String(customer.id),
  });
}

// The payer coming back from the cashier proves nothing: ask Cube Pay.
export async function redirect(ctx, sdk) {
  return redirectAnswer(ctx, sdk, await lookup(ctx, sdk, mapStatus, "payout"));
}

// Signed like a deposit's (common.js). A plain "pending" payout is waiting for the merchant, so
// its message says where to act.
export async function webhook(ctx, sdk) {
  return webhookStep(ctx, sdk, {
    transactionType: "withdrawal",
    mapStatus,
    paid: "paid out",
    pendingMessage: "Cube Pay payout pending: approve or reject it at Cube Pay",
  });
}

export async function status(ctx, sdk) {
  return statusAnswer(sdk, await lookup(ctx, sdk, mapStatus, "payout"));
}
