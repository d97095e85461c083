// ConnectPSP refund (SYS-PSP-REFUND-CONNECTPSP): a full PIX devolution of a paid cash-in.
// ConnectPSP sends it to the network synchronously: the 202 answer carries the devolution's
// `D…` endToEndId and the cash-in is REFUNDED, so a 202 is a final SUCCESS.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals.

import { apiOf, fetchRecord, postMoney, redirectStep, statusMapper, statusStep, verifiedEvent } from "./common.js";

// The one place where the refunded cash-in's status becomes the refund's; unknown stays PENDING.
// A cash-in still PAID has not been given back (yet); one that never got paid never will be.
const mapStatus = statusMapper(new Map([
  ["REFUNDED", "SUCCESS"],
  ["PAID", "PENDING"],
  ["AWAITING_PAYMENT", "FAILED"],
  ["EXPIRED", "FAILED"],
  ["CANCELLED", "FAILED"],
]));

const REASONS = new Set(["FRAUD", "DUPLICATED_PAYMENT", "CUSTOMER_REQUEST", "MERCHANT_ERROR"]);

// The refund is looked up through the cash-in: by the devolution's D endToEndId once we have
// it, else by the deposit's transactionId. Only a REFUNDED cash-in whose endToEndId is ours counts
// when we know it.
async function lookup(ctx, sdk) {
  const parent = ctx.transaction.parent;
  const id = ctx.transaction.pspTxnId ?? parent?.pspTxnId;
  if (!id) return { ok: false, message: "no ConnectPSP id to look the refund up by" };
  const r = await fetchRecord(ctx, sdk, "cash-in", id);
  return r.ok ? { ok: true, ...describe(ctx, r.data ?? {}) } : r;
}

function describe(ctx, cashIn) {
  const known = ctx.transaction.pspTxnId;
  const ours = !known || cashIn.endToEndId === known;
  const status = ours ? mapStatus(cashIn.status) : "PENDING";
  return {
    status,
    pspTxnId: status === "SUCCESS" ? cashIn.endToEndId : known ?? undefined,
    message: `ConnectPSP cash-in status ${cashIn.status}`,
  };
}

// "150.5", "150.50" and "0150.50" are the same money: compared as whole centavos in text, no floats.
function centsText(amount) {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount ?? ""));
  return match ? `${BigInt(match[1]) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"))}` : null;
}

export async function initiate(ctx, sdk) {
  const { transaction } = ctx;
  const parent = transaction.parent;
  const body = ctx.data?.body ?? {};
  if (!parent?.pspTxnId) return sdk.response.failure("the deposit has no ConnectPSP transactionId to refund", 400);
  if (centsText(transaction.amount) !== centsText(parent.amount)) {
    return sdk.response.failure(`ConnectPSP refunds the full amount only (${parent.amount} ${parent.currency})`, 400);
  }
  const reason = REASONS.has(body.reason) ? body.reason : "CUSTOMER_REQUEST";

  // Signed, with the one idempotency key of this refund and one retry on a 5xx (postMoney). A
  // transport error is not caught: the engine keeps the refund pending and the status lookup settles it.
  const sent = await postMoney(ctx, sdk, "refund", `${apiOf(ctx.credential)}/cash-in/${encodeURIComponent(parent.pspTxnId)}/refund`, {
    reason,
    ...(body.description ? { description: body.description } : {}),
  });
  if (sent.done) return sent.done;
  const endToEndId = sent.res.data?.endToEndId;
  if (typeof endToEndId !== "string" || !endToEndId.startsWith("D")) {
    return sdk.response.success({ status: "PENDING", message: "ConnectPSP accepted the refund without a devolution id" });
  }
  sdk.logger.info(`connectpsp refund of ${parent.pspTxnId} for ${ctx.id}: ${endToEndId}`);
  return sdk.response.success({ status: "SUCCESS", pspTxnId: endToEndId, message: `PIX devolution ${endToEndId}` });
}

// Refunds have no payer page; should anyone arrive here, the answer still comes from ConnectPSP.
export const redirect = redirectStep(lookup);

// ConnectPSP sends CASHIN_REFUNDED to the deposit's webhookUrl (a refund request names none), so
// this URL should never hear from it. Should an event arrive anyway it must be signed
// (verifiedEvent), about our deposit, and is then read like the lookup.
export async function webhook(ctx, sdk) {
  const { done, data } = verifiedEvent(ctx, sdk);
  if (done) return done;
  if (data.transactionId !== ctx.transaction.parent?.pspTxnId) {
    return sdk.response.success({ status: "PENDING", message: "event for another cash-in ignored" });
  }
  return sdk.response.success(describe(ctx, data));
}

export const status = statusStep(lookup);
