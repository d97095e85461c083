// Paymaxis refund (SYS-PSP-REFUND-PAYMAXIS): paymentType REFUND of a completed deposit, named by
// parentPaymentId. Paymaxis allows partial refunds up to what is left of the deposit.
// Runs in the engine's isolate: no Node APIs, only ctx, sdk and web globals.

// Production host; the environment's host map is what points it at the sandbox or a simulator.
const PAYMENTS = "https://app.paymaxis.com/api/v1/payments";

// The one place where Paymaxis payment states become ours; anything unknown stays PENDING.
const STATUS = new Map([
  ["COMPLETED", "SUCCESS"],
  ["DECLINED", "FAILED"],
  ["CANCELLED", "FAILED"],
  ["CHECKOUT", "PENDING"],
  ["PENDING", "PENDING"],
]);
const mapState = (state) => STATUS.get(state) ?? "PENDING";

const auth = (ctx) => ({ Authorization: `Bearer ${ctx.credential.apiKey}` });
const describe = (p) => `Paymaxis state ${p.state}${p.errorCode ? ` (${p.errorCode}${p.errorMessage ? `: ${p.errorMessage}` : ""})` : ""}`;

// Paymaxis takes `amount` as a JSON number in major units. ctx.transaction.amount is the exact
// decimal string ("150.50"); for up to 15 significant digits, Number() gives the double whose
// shortest printed form, which is what JSON puts on the wire, is that same decimal (150.5). A change
// of notation, never arithmetic: nothing is ever computed with it. Longer amounts are refused.
function wireAmount(amount) {
  const digits = String(amount).replace(/\D/g, "").replace(/^0+/, "");
  return digits.length <= 15 ? Number(amount) : null;
}

// The error body is not public; as modeled: {status, error, message, errors: [{field, message}]}.
function gatewayError(res) {
  const d = res.data && typeof res.data === "object" ? res.data : {};
  const fields = Array.isArray(d.errors) ? d.errors.map((e) => `${e.field}: ${e.message}`).join("; ") : "";
  return `Paymaxis HTTP ${res.status}: ${d.message ?? d.error ?? "no error message"}${fields ? ` (${fields})` : ""}`;
}

// GET /api/v1/payments/{id}: the authoritative state, for status and redirect. The payment must
// carry our referenceId, so a stored id can never make us adopt another order's payment.
async function lookup(ctx, sdk) {
  const id = ctx.transaction.pspTxnId;
  if (!id) return { ok: false, message: "no Paymaxis payment id yet" };
  let res;
  try {
    res = await sdk.http.get(`${PAYMENTS}/${encodeURIComponent(id)}`, { headers: auth(ctx) });
  } catch (err) {
    return { ok: false, message: `Paymaxis did not answer: ${err.message}` };
  }
  const p = res.data?.result;
  if (!res.success || !p) return { ok: false, message: gatewayError(res) };
  if (p.referenceId !== ctx.id) return { ok: false, message: `Paymaxis payment ${id} is not order ${ctx.id}` };
  sdk.logger.info(`paymaxis payment ${p.id} for ${ctx.id}: ${p.state}`);
  return { ok: true, status: mapState(p.state), pspTxnId: String(p.id ?? id), message: describe(p) };
}

// What an answer that is not a payment means. 4xx: Paymaxis refused, nothing was made. 409: a
// payment with our referenceId exists (an earlier attempt of this transaction): wait for its
// webhook, which carries that referenceId. 5xx: unknown whether money will move, so the step
// fails loudly and the engine keeps the transaction open for the webhook or an operator.
function notAPayment(ctx, sdk, res, what) {
  const message = gatewayError(res);
  if (res.status === 409) {
    sdk.logger.warn(`paymaxis already has a ${what} for ${ctx.id}: ${message}`);
    return sdk.response.success({ orderId: ctx.id, status: "PENDING", message });
  }
  if (res.status >= 500) throw new Error(`outcome unknown: ${message}`);
  sdk.logger.warn(`paymaxis refused ${what} ${ctx.id}: ${message}`);
  return sdk.response.failure(message, 400);
}

export async function initiate(ctx, sdk) {
  const { transaction } = ctx;
  const parentPaymentId = transaction.parent?.pspTxnId;
  if (!parentPaymentId) return sdk.response.failure("the deposit to refund has no Paymaxis payment id", 400);
  const amount = wireAmount(transaction.amount);
  if (amount === null) return sdk.response.failure("amount has more than 15 significant digits", 400);
  const body = {
    paymentType: "REFUND",
    parentPaymentId,
    amount,
    currency: transaction.currency,
    referenceId: ctx.id,
    description: ctx.data?.body?.reason,
    webhookUrl: ctx.urls.server.webhook,
  };
  // No try/catch: without an answer nobody knows whether the refund was made (see notAPayment).
  const res = await sdk.http.post(PAYMENTS, { headers: auth(ctx), body });
  const p = res.data?.result;
  if (!res.success || !p) return notAPayment(ctx, sdk, res, "refund");
  sdk.logger.info(`paymaxis refund ${p.id} of ${parentPaymentId} created for ${ctx.id}: ${p.state}`);
  return sdk.response.success({ orderId: ctx.id, status: mapState(p.state), pspTxnId: String(p.id), message: describe(p) });
}

// Refunds send nobody to a page; should anyone come back through this URL, Paymaxis is asked.
export async function redirect(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  return sdk.response.success({ orderId: ctx.id, timestamp: new Date().toISOString(), status: r.ok ? r.status : "PENDING", message: r.message });
}

// Body: the payment (the same object as `result`). Header `Signature`: lower-case hex
// HMAC-SHA256 of the raw body under the webhook secret if configured, else the shop API key
// (encoding and key as modeled; not public).
export async function webhook(ctx, sdk) {
  const { rawBody, headers } = ctx.data ?? {};
  const given = typeof headers?.signature === "string" ? headers.signature.trim().toLowerCase() : "";
  const genuine = typeof rawBody === "string" && given !== "" &&
    sdk.crypto.timingSafeEqual(given, sdk.crypto.hmac("sha256", ctx.credential.webhookSecret ?? ctx.credential.apiKey, rawBody));
  if (!genuine) {
    sdk.logger.warn(`paymaxis webhook for ${ctx.id}: invalid signature`);
    return sdk.response.failure("invalid signature", 401);
  }
  let p;
  try { p = JSON.parse(rawBody); } catch { p = null; }
  // Signed by our shop, but possibly about another of its payments, replayed to this URL.
  const known = ctx.transaction.pspTxnId;
  if (!p || p.referenceId !== ctx.id || (known && String(p.id) !== known)) {
    return sdk.response.failure("webhook is about another payment", 400);
  }
  sdk.logger.info(`paymaxis webhook ${p.id} for ${ctx.id}: ${p.state}`);
  return sdk.response.success({ status: mapState(p.state), pspTxnId: String(p.id), message: describe(p) });
}

export async function status(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  if (!r.ok) return sdk.response.failure(`status lookup failed: ${r.message}`, 502);
  return sdk.response.success({ status: r.status, pspTxnId: r.pspTxnId, message: r.message });
}
