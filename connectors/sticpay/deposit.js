// Sticpay deposit (SYS-PSP-DEPOSIT-STICPAY): a pay link to Sticpay's hosted pay page, a signed
// callback that triggers a lookup, and the detail call as the only authority on the outcome.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals.

// Sandbox and live share this host; `interface_version` tells them apart. The engine's host map
// is what points the script at a simulator, so the script always says "live".
const API = "https://api.sticpay.com";
const INTERFACE_VERSION = "live";

// The one place where Sticpay statuses become ours; anything unknown stays PENDING.
const STATUS = { approved: "SUCCESS", rejected: "FAILED", pending: "PENDING" };
const mapStatus = (s) => STATUS[String(s ?? "").toLowerCase()] ?? "PENDING";

// Sticpay's fixed (not sorted) field orders. The callback's is not public: modeled as the pay
// request's fields, then transaction_code and status.
const PAY_FIELDS = ["merchant_email", "order_no", "order_time", "order_amount", "order_currency"];
const CALLBACK_FIELDS = [...PAY_FIELDS, "transaction_code", "status"];

// sign = lower-case hex MD5 (or SHA-256 by merchant setting) of "k1=v1&...&key=<apiKey>".
function sign(sdk, pairs, credential) {
  const text = pairs.map(([k, v]) => `${k}=${v}`).join("&") + `&key=${credential.apiKey}`;
  return sdk.crypto.hash(credential.signType === "SHA256" ? "sha256" : "md5", text);
}

// Sticpay's timestamp format is not public: modeled as UTC "YYYY-MM-DD HH:mm:ss".
const now = () => new Date().toISOString().slice(0, 19).replace("T", " ");

// Errors come back as HTTP 200 {success: false, code, message}; never echo our request.
function gatewayError(res) {
  const d = res.data ?? {};
  if (typeof d === "object" && d.message) return d.code != null ? `${d.message} (code ${d.code})` : String(d.message);
  return `Sticpay HTTP ${res.status}`;
}

// POST /rest_transaction/detail, by our order number (ctx.id, sent as order_no).
async function lookup(ctx, sdk) {
  const pairs = [
    ["merchant", ctx.credential.merchantEmail],
    ["order_id", ctx.id],
    ["request_datetime", now()],
    ["interface_version", INTERFACE_VERSION],
  ];
  const body = { ...Object.fromEntries(pairs), sign: sign(sdk, pairs, ctx.credential) };
  const res = await sdk.http.post(`${API}/rest_transaction/detail`, { body });
  const d = res.data;
  if (res.status === 200 && d?.success === true) {
    const status = mapStatus(d.status);
    sdk.logger.info(`sticpay detail ${ctx.id}: ${d.status} -> ${status}`);
    const message = d.message ? `Sticpay: ${d.status} (${d.message})` : `Sticpay: ${d.status}`;
    return { ok: true, status, message, pspTxnId: d.transaction_code ?? ctx.transaction.pspTxnId ?? undefined };
  }
  // 1401: Sticpay does not know the order (yet); nothing says it failed, so it stays pending.
  if (res.status === 200 && d?.code === 1401) return { ok: true, status: "PENDING", message: "Sticpay: order not found" };
  return { ok: false, message: gatewayError(res) };
}

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
  const r = await lookup(ctx, sdk);
  return sdk.response.success({
    status: r.ok ? r.status : "PENDING",
    message: r.message,
    orderId: ctx.id,
    timestamp: new Date().toISOString(),
    ...(r.pspTxnId ? { pspTxnId: r.pspTxnId } : {}),
  });
}

// A form POST with one field `callback` = JSON {type, code, message, parameters}, `parameters`
// itself a JSON string with the order fields and `sign`. A present but wrong sign is refused
// (401) before anything else; a good or absent one only triggers the authoritative detail call.
export async function webhook(ctx, sdk) {
  const params = callbackParameters(ctx.data);
  if (!params) return sdk.response.failure("malformed callback", 400);
  if (params.sign != null) {
    const expected = sign(sdk, CALLBACK_FIELDS.map((k) => [k, params[k] ?? ""]), ctx.credential);
    if (!sdk.crypto.timingSafeEqual(expected, String(params.sign).toLowerCase())) {
      sdk.logger.warn(`sticpay callback for ${ctx.id} refused: bad sign`);
      return sdk.response.failure("invalid signature", 401);
    }
  } else {
    sdk.logger.warn(`sticpay callback for ${ctx.id} has no sign: used only as a trigger`);
  }
  if (params.order_no != null && String(params.order_no) !== ctx.id) return sdk.response.failure("callback is for another order", 400);
  const r = await lookup(ctx, sdk);
  // Throwing makes the engine answer 5xx, so Sticpay sends the callback again later.
  if (!r.ok) throw new Error(`Sticpay detail lookup failed: ${r.message}`);
  return sdk.response.success({ status: r.status, pspTxnId: r.pspTxnId, message: r.message });
}

export async function status(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  if (!r.ok) return sdk.response.failure(`status lookup failed: ${r.message}`, 502);
  return sdk.response.success({ status: r.status, pspTxnId: r.pspTxnId, message: r.message });
}

// `parameters` of the callback as an object, or null. Read from the exact received form when
// the engine could not parse it (e.g. a missing content type).
function callbackParameters(data) {
  try {
    let raw = typeof data?.body === "object" && data.body !== null ? data.body.callback : undefined;
    if (raw == null && typeof data?.rawBody === "string") raw = new URLSearchParams(data.rawBody).get("callback");
    const envelope = typeof raw === "string" ? JSON.parse(raw) : raw;
    if (!envelope || typeof envelope !== "object") return null;
    const params = typeof envelope.parameters === "string" ? JSON.parse(envelope.parameters) : envelope.parameters;
    return params && typeof params === "object" && !Array.isArray(params) ? params : null;
  } catch {
    return null;
  }
}
