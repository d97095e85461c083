// Paymaxis deposit (SYS-PSP-DEPOSIT-PAYMAXIS): card payment on the Paymaxis hosted checkout.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals (crypto.subtle).

// Production host; the engine's host map is what points the script at a sandbox or simulator.
const API = "https://app.paymaxis.com/api/v1/payments";

// The one place where Paymaxis states become ours; anything unknown stays PENDING.
const STATUS = new Map([
  ["COMPLETED", "SUCCESS"],
  ["DECLINED", "FAILED"],
  ["CANCELLED", "FAILED"],
  ["CHECKOUT", "PENDING"],
  ["PENDING", "PENDING"],
]);
const mapStatus = (s) => STATUS.get(String(s ?? "").toUpperCase()) ?? "PENDING";

const auth = (ctx) => ({ Authorization: `Bearer ${ctx.credential.apiKey}` });
const toHex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

// Drops empty fields so the gateway never sees `undefined`/"" placeholders; empty → undefined.
function compact(obj) {
  const out = Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== null && v !== ""));
  return Object.keys(out).length ? out : undefined;
}

// The error body of a non-2xx answer is not public: modeled as {message} or {error}.
const gatewayError = (res) => String(res.data?.message ?? res.data?.error ?? `Paymaxis HTTP ${res.status}`);

// Constant time: always walks the full length, never exits early.
function safeEqual(a, b) {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

async function hmacHex(key, text) {
  const enc = new TextEncoder();
  const k = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(await crypto.subtle.sign("HMAC", k, enc.encode(text)));
}

// GET /api/v1/payments/{id}: the authoritative state, shared by status, redirect and webhook.
// A payment found by an id other than our stored pspTxnId (e.g. from an unverified webhook
// body) must carry our referenceId, so a forged id cannot make us adopt another payment.
async function lookup(ctx, sdk, id = ctx.transaction.pspTxnId) {
  if (!id) return { ok: false, message: "no Paymaxis payment id yet" };
  const res = await sdk.http.get(`${API}/${encodeURIComponent(id)}`, { headers: auth(ctx) });
  const p = res.data?.result;
  if (!res.success || !p) return { ok: false, message: gatewayError(res) };
  const mustMatch = p.referenceId != null || id !== ctx.transaction.pspTxnId;
  if (mustMatch && p.referenceId !== ctx.id) return { ok: false, message: "payment belongs to another order" };
  const status = mapStatus(p.state);
  sdk.logger.info(`paymaxis payment ${p.id} for ${ctx.id}: ${p.state} -> ${status}`);
  return { ok: true, status, message: `Paymaxis state ${p.state}`, pspTxnId: p.id ?? id };
}

export async function initiate(ctx, sdk) {
  const { transaction } = ctx;
  const c = ctx.data?.body?.customer ?? {};
  const a = c.address ?? {};
  const phone = c.phone?.phoneNumber ? `+${c.phone.countryCode ?? ""}${c.phone.phoneNumber}` : undefined;
  const body = {
    paymentType: "DEPOSIT",
    paymentMethod: "BASIC_CARD",
    // A JSON number: any decimal string of at most 15 significant digits converts to the
    // double that prints back as the same decimal, so no precision is lost (no arithmetic).
    amount: Number(transaction.amount),
    currency: transaction.currency,
    referenceId: ctx.id,
    returnUrl: ctx.urls.server.redirect,
    webhookUrl: ctx.urls.server.webhook,
    // Field names inside customer/billingAddress are modeled on the usual shape of this API.
    customer: compact({ referenceId: c.id, firstName: c.firstName, lastName: c.lastName, email: c.email, phone }),
    billingAddress: compact({ addressLine1: a.line1, city: a.city, state: a.state, postalCode: a.zipCode, countryCode: a.country }),
  };
  const res = await sdk.http.post(API, { headers: auth(ctx), body });
  const p = res.data?.result;
  if (!res.success || !p) {
    const message = gatewayError(res);
    sdk.logger.warn(`paymaxis refused deposit ${ctx.id}: ${message}`);
    return sdk.response.failure(message, 400);
  }
  if (mapStatus(p.state) === "FAILED") {
    sdk.logger.warn(`paymaxis payment ${p.id} for ${ctx.id} is ${p.state}`);
    return sdk.response.failure(String(p.errorMessage ?? `payment ${String(p.state).toLowerCase()}`), 400);
  }
  let url;
  try { url = new URL(p.redirectUrl); } catch { url = null; }
  if (!url || !/^https?:$/.test(url.protocol)) return sdk.response.failure("Paymaxis returned no usable redirectUrl", 502);
  sdk.logger.info(`paymaxis payment ${p.id} created for ${ctx.id}: ${p.state}`);
  return sdk.response.success({
    navigation: { type: "redirect", contentType: "url", value: url.href },
    orderId: ctx.id,
    userId: c.id,
    status: "PENDING",
    pspTxnId: p.id,
  });
}

// A payer coming back proves nothing: ask Paymaxis, then send the payer to the merchant.
export async function redirect(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  const status = r.ok ? r.status : "PENDING";
  const data = { orderId: ctx.id, timestamp: new Date().toISOString(), status, message: r.message };
  const url = status === "FAILED" ? ctx.urls.server.failureRedirectUrl : ctx.urls.server.successRedirectUrl;
  return url ? sdk.response.redirect(url, data) : sdk.response.success(data);
}

// Body = the payment (`result`); header `signature` = hex HMAC-SHA256 of the raw body.
export async function webhook(ctx, sdk) {
  const { rawBody, headers = {} } = ctx.data ?? {};
  const key = ctx.credential.signingKey;
  if (!key || typeof rawBody !== "string") {
    // Cannot verify: treat the body as a hint only and ask the gateway.
    sdk.logger.warn(`paymaxis webhook for ${ctx.id} unverifiable; asking the gateway`);
    const r = await lookup(ctx, sdk, ctx.transaction.pspTxnId ?? ctx.data?.body?.id);
    if (!r.ok) return sdk.response.failure(`status lookup failed: ${r.message}`, 502);
    return sdk.response.success({ status: r.status, pspTxnId: r.pspTxnId, message: r.message });
  }
  const expected = await hmacHex(key, rawBody);
  const given = String(headers.signature ?? "").trim().toLowerCase();
  if (!safeEqual(given, expected)) {
    sdk.logger.warn(`paymaxis webhook for ${ctx.id}: invalid signature`);
    return sdk.response.failure("invalid signature", 401);
  }
  let p;
  try { p = JSON.parse(rawBody); } catch { p = null; }
  // A genuine webhook of another payment replayed to this transaction's URL must not count.
  const ours = p && (p.referenceId === ctx.id || (p.id != null && p.id === ctx.transaction.pspTxnId));
  if (!ours) return sdk.response.failure("webhook does not match this transaction", 400);
  const status = mapStatus(p.state);
  sdk.logger.info(`paymaxis webhook ${p.id} for ${ctx.id}: ${p.state} -> ${status}`);
  return sdk.response.success({ status, pspTxnId: p.id ?? ctx.transaction.pspTxnId, message: p.errorMessage ?? `Paymaxis state ${p.state}` });
}

export async function status(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  if (!r.ok) return sdk.response.failure(`status lookup failed: ${r.message}`, 502);
  return sdk.response.success({ status: r.status, pspTxnId: r.pspTxnId, message: r.message });
}
