// ConnectPSP withdrawal (SYS-PSP-WITHDRAW-CONNECTPSP): a PIX cash-out to a PIX key or a bank
// account, paid from the merchant's transactional balance; it settles later (CASHOUT_* events).
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals.

import {
  amountProblem, apiOf, ownLookup, ownWebhookStep, postMoney, reais, redirectStep, statusMapper, statusStep,
} from "./common.js";

// The one place where ConnectPSP cash-out statuses become ours; anything unknown stays PENDING.
// REFUNDED: the receiving bank sent a completed payment back, so the payee did not get it.
const mapStatus = statusMapper(new Map([
  ["PROCESSING", "PENDING"],
  ["COMPLETED", "SUCCESS"],
  ["FAILED", "FAILED"],
  ["CANCELLED", "FAILED"],
  ["REFUNDED", "FAILED"],
]));

// GET /cash-out/{id}: the authoritative status, shared by status and redirect.
const lookup = ownLookup("cash-out", "withdrawal", describe);

function describe(cashOut) {
  const status = mapStatus(cashOut.status);
  const failure = cashOut.failure?.code ? ` (${cashOut.failure.code}: ${cashOut.failure.message ?? ""})` : "";
  return { status, pspTxnId: cashOut.transactionId, message: `ConnectPSP status ${cashOut.status}${failure}` };
}

// Our destination object is ConnectPSP's, field for field (manifest inputSchema).
function destinationOf(d) {
  if (d.type === "PIX") return { type: "PIX", pixKeyType: d.pixKeyType, pixKey: d.pixKey };
  const a = d.bankAccount ?? {};
  return { type: "BANK_ACCOUNT", bankAccount: { ispb: a.ispb, branch: a.branch, account: a.account, accountType: a.accountType ?? "PAYMENT" } };
}

export async function initiate(ctx, sdk) {
  const { transaction } = ctx;
  const body = ctx.data?.body ?? {};
  const customer = body.customer ?? {};
  const invalid = amountProblem(transaction);
  if (invalid) return sdk.response.failure(invalid, 400);

  const request = {
    amount: reais(transaction.amount),
    externalReference: ctx.id,
    webhookUrl: ctx.urls.server.webhook,
    payee: { name: customer.name, document: customer.document, destination: destinationOf(body.destination ?? {}) },
    ...(body.description ? { description: body.description } : {}),
  };
  // Signed, with the one idempotency key of this withdrawal and one retry on a 5xx (postMoney).
  // A transport error is not caught: the engine then keeps the withdrawal pending, because money may have left.
  const sent = await postMoney(ctx, sdk, "cash-out", `${apiOf(ctx.credential)}/cash-out`, request);
  if (sent.done) return sent.done;
  const accepted = describe(sent.res.data ?? {});
  sdk.logger.info(`connectpsp cash-out ${accepted.pspTxnId} for ${ctx.id}: ${accepted.message}`);
  return sdk.response.success(accepted);
}

// Withdrawals have no payer page; should anyone arrive here, the answer still comes from ConnectPSP.
export const redirect = redirectStep(lookup);

// CASHOUT_* events are signed (verifiedEvent). A verified body mirrors GET /cash-out, so its status is used as is.
export const webhook = ownWebhookStep("cash-out", (data, event) => {
  const r = describe(data);
  return { ...r, message: `ConnectPSP ${event.eventType}: ${r.message}` };
});

export const status = statusStep(lookup);
