// Sticpay refund (SYS-PSP-REFUND-STICPAY): the full refund (Sticpay's only kind) of a deposit,
// named by its Sticpay transaction code, or by its order number when the code is not known.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals.
import { API, mapStatus, sign, now, gatewayError, requestDetail, webhookAnswer, statusAnswer, redirectAnswer } from "./common.js";

// Exact decimal strings compared as numbers without floats: "10.5" equals "10.50".
function sameAmount(a, b) {
  const canonical = (s) => {
    const [whole, fraction = ""] = String(s).split(".");
    return `${whole.replace(/^0+(?=\d)/, "")}.${fraction.replace(/0+$/, "")}`;
  };
  return canonical(a) === canonical(b);
}

// The detail call by the refund's own transaction code (a refund has no order number of ours: it
// shares its deposit's).
async function lookup(ctx, sdk) {
  const code = ctx.transaction.pspTxnId;
  if (!code) return { ok: false, message: "no Sticpay refund transaction code to look up (the refund answer never arrived)" };
  const res = await requestDetail(ctx, sdk, ["transaction_code", code]);
  const d = res.data;
  if (res.status !== 200 || d?.success !== true) return { ok: false, message: gatewayError(res) };
  const status = mapStatus(d.status);
  sdk.logger.info(`sticpay detail refund ${code}: ${d.status} -> ${status}`);
  return { ok: true, status, message: `Sticpay: ${d.status}`, pspTxnId: code };
}

export async function initiate(ctx, sdk) {
  const { transaction, credential } = ctx;
  const parent = transaction.parent;
  if (!parent) return sdk.response.failure("a refund needs the deposit it refunds", 400);
  if (!sameAmount(transaction.amount, parent.amount) || transaction.currency !== parent.currency) {
    return sdk.response.failure(`Sticpay refunds only the full amount (${parent.amount} ${parent.currency})`, 400);
  }
  // The deposit's order number at Sticpay is its transaction id (its script sent ctx.id).
  const reference = parent.pspTxnId ? ["transaction_code", parent.pspTxnId] : ["order_id", parent.id];
  // Refunds carry no `interface_version`.
  const pairs = [["merchant", credential.merchantEmail], reference, ["request_datetime", now()]];
  const body = { ...Object.fromEntries(pairs), sign: sign(sdk, pairs, credential) };
  // A timeout throws: the engine records "outcome unknown" and the refund waits for review.
  const res = await sdk.http.post(`${API}/rest_withdraw/refund`, { body });
  if (res.status === 200 && res.data?.success === true) {
    const status = mapStatus(res.data.status);
    sdk.logger.info(`sticpay refund of ${parent.id}: ${res.data.status} -> ${status}`);
    return sdk.response.success({ status, pspTxnId: res.data.transaction_code ?? undefined, message: `Sticpay: ${res.data.status}` });
  }
  if (res.status === 200 && res.data?.success === false) {
    // Refused (1402 not refundable, 701 balance, 1401 unknown order): nothing was given back.
    const message = gatewayError(res);
    sdk.logger.warn(`sticpay refund of ${parent.id} refused: ${message}`);
    return sdk.response.failure(message, 400);
  }
  // A 5xx or an unreadable answer: the refund may have happened, and without its code it cannot be
  // looked up. Throwing leaves the outcome "unknown" for the engine instead of calling it failed.
  throw new Error(`Sticpay refund outcome unknown: ${gatewayError(res)}`);
}

// Refunds have no payer coming back; kept because every step of the contract exists. It asks Sticpay.
export async function redirect(ctx, sdk) {
  return redirectAnswer(ctx, sdk, await lookup(ctx, sdk));
}

// Sticpay is not known to call back about refunds (the refund request takes no notify_url), and
// no signed field order is known for one: anything arriving here is only a trigger for the
// authoritative detail call, so a forged body cannot change anything.
export async function webhook(ctx, sdk) {
  return webhookAnswer(sdk, await lookup(ctx, sdk));
}

export async function status(ctx, sdk) {
  return statusAnswer(sdk, await lookup(ctx, sdk));
}
