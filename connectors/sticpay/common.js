// Sticpay: what the deposit, withdraw and refund scripts share (host, signing, errors, the status
// map, the detail call, the callback check and the answers of the later steps). Linked fresh for
// every run, so nothing here keeps state between runs.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals.

// Sandbox and live share this host; `interface_version` tells them apart. The engine's host map
// is what points the scripts at a simulator, so they always say "live". Refunds carry no
// `interface_version`; their lookups say "live", like the deposits they refund.
export const API = "https://api.sticpay.com";
export const INTERFACE_VERSION = "live";

// The one place where Sticpay statuses become ours (pay, payout and refund use the same words);
// anything unknown stays PENDING.
const STATUS = { approved: "SUCCESS", rejected: "FAILED", pending: "PENDING" };
export const mapStatus = (s) => STATUS[String(s ?? "").toLowerCase()] ?? "PENDING";

// sign = lower-case hex MD5 (or SHA-256 by merchant setting) of "k1=v1&...&key=<apiKey>", the
// fields in Sticpay's fixed (not sorted) order: every request and callback is signed this way.
export function sign(sdk, pairs, credential) {
  const text = pairs.map(([k, v]) => `${k}=${v}`).join("&") + `&key=${credential.apiKey}`;
  return sdk.crypto.hash(credential.signType === "SHA256" ? "sha256" : "md5", text);
}

// Sticpay's timestamp format is not public: modeled as UTC "YYYY-MM-DD HH:mm:ss".
export const now = () => new Date().toISOString().slice(0, 19).replace("T", " ");

// Errors come back as HTTP 200 {success: false, code, message}; never echo our request.
export function gatewayError(res) {
  const d = res.data ?? {};
  if (typeof d === "object" && d.message) return d.code != null ? `${d.message} (code ${d.code})` : String(d.message);
  return `Sticpay HTTP ${res.status}`;
}

// The signed POST /rest_transaction/detail, naming the transaction by `reference`:
// ["order_id", <our id>] for pays and payouts, ["transaction_code", <code>] for refunds.
export function requestDetail(ctx, sdk, reference) {
  const pairs = [
    ["merchant", ctx.credential.merchantEmail],
    reference,
    ["request_datetime", now()],
    ["interface_version", INTERFACE_VERSION],
  ];
  const body = { ...Object.fromEntries(pairs), sign: sign(sdk, pairs, ctx.credential) };
  return sdk.http.post(`${API}/rest_transaction/detail`, { body });
}

// The detail call by our order id (ctx.id: the pay's order_no, the payout's order_id), the only
// authority on how a pay or a payout ended.
export async function lookupOrder(ctx, sdk) {
  const res = await requestDetail(ctx, sdk, ["order_id", ctx.id]);
  const d = res.data;
  if (res.status === 200 && d?.success === true) {
    const status = mapStatus(d.status);
    sdk.logger.info(`sticpay detail ${ctx.id}: ${d.status} -> ${status}`);
    const message = d.message ? `Sticpay: ${d.status} (${d.message})` : `Sticpay: ${d.status}`;
    return { ok: true, status, message, pspTxnId: d.transaction_code ?? ctx.transaction.pspTxnId ?? undefined };
  }
  // 1401: Sticpay does not know the order (yet); nothing says it failed, so it stays pending.
  // `notFound` lets a payout whose request went unanswered tell "never taken" from "taken".
  if (res.status === 200 && d?.code === 1401) return { ok: true, notFound: true, status: "PENDING", message: "Sticpay: order not found" };
  return { ok: false, message: gatewayError(res) };
}

// A form POST with one field `callback` = JSON {type, code, message, parameters}, `parameters`
// itself a JSON string with the order fields and `sign`; pays and payouts call back alike. The
// signed field order is not public: modeled as the creating request's `requestFields`, then
// transaction_code and status. A present but wrong sign is refused (401) before anything else;
// a good or absent one only triggers the authoritative detail call. `orderField` names our id
// in the callback (order_no for pays, order_id for payouts).
export async function answerCallback(ctx, sdk, requestFields, orderField) {
  const params = callbackParameters(ctx.data);
  if (!params) return sdk.response.failure("malformed callback", 400);
  if (params.sign != null) {
    const signed = [...requestFields, "transaction_code", "status"];
    const expected = sign(sdk, signed.map((k) => [k, params[k] ?? ""]), ctx.credential);
    if (!sdk.crypto.timingSafeEqual(expected, String(params.sign).toLowerCase())) {
      sdk.logger.warn(`sticpay callback for ${ctx.id} refused: bad sign`);
      return sdk.response.failure("invalid signature", 401);
    }
  } else {
    sdk.logger.warn(`sticpay callback for ${ctx.id} has no sign: used only as a trigger`);
  }
  if (params[orderField] != null && String(params[orderField]) !== ctx.id) return sdk.response.failure("callback is for another order", 400);
  return webhookAnswer(sdk, await lookupOrder(ctx, sdk));
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

// The webhook step's answer from a detail lookup `r`. Throwing makes the engine answer 5xx, so
// Sticpay sends the callback again later.
export function webhookAnswer(sdk, r) {
  if (!r.ok) throw new Error(`Sticpay detail lookup failed: ${r.message}`);
  return sdk.response.success({ status: r.status, pspTxnId: r.pspTxnId, message: r.message });
}

// The status step's answer from a detail lookup `r`.
export function statusAnswer(sdk, r) {
  if (!r.ok) return sdk.response.failure(`status lookup failed: ${r.message}`, 502);
  return sdk.response.success({ status: r.status, pspTxnId: r.pspTxnId, message: r.message });
}

// The redirect step's answer from a detail lookup `r`: a failed lookup proves nothing, so it
// stays PENDING. `extra` is what an action adds (the deposit, its pspTxnId).
export function redirectAnswer(ctx, sdk, r, extra = {}) {
  return sdk.response.success({
    status: r.ok ? r.status : "PENDING",
    message: r.message,
    orderId: ctx.id,
    timestamp: new Date().toISOString(),
    ...extra,
  });
}
