// Sticpay withdrawal (SYS-PSP-WITHDRAW-STICPAY): payout to the customer's Sticpay wallet,
// identified by its e-mail. Runs in the engine's V8 isolate: no Node APIs.
import { crypto } from "jsr:@std/crypto";

// Sandbox and live share this host; `interface_version` tells them apart. The engine's host
// map is what points the script at a simulator, so the script always says "live".
const API = "https://api.sticpay.com";
const INTERFACE_VERSION = "live";

// The one place where Sticpay statuses become ours; anything unknown stays PENDING.
const STATUS = new Map([["approved", "SUCCESS"], ["rejected", "FAILED"], ["pending", "PENDING"]]);
const mapStatus = (s) => STATUS.get(String(s ?? "").toLowerCase()) ?? "PENDING";

const toHex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

// sign = hex MD5 (or SHA-256 by merchant setting) of "k1=v1&...&key=<apiKey>", fields in the
// gateway's fixed order (not sorted), so callers pass ordered pairs.
async function sign(pairs, credential) {
  const text = pairs.map(([k, v]) => `${k}=${v}`).join("&") + `&key=${credential.apiKey}`;
  const algo = credential.signType === "SHA256" ? "SHA-256" : "MD5";
  return toHex(await crypto.subtle.digest(algo, new TextEncoder().encode(text)));
}

// Sticpay's timestamp format is not public: modeled as UTC "YYYY-MM-DD HH:mm:ss".
const now = () => new Date().toISOString().slice(0, 19).replace("T", " ");

// Errors come back as HTTP 200 {success: false, code, message, errors}; never echo our request.
function gatewayError(res) {
  const d = res.data ?? {};
  if (d.message) return d.code != null ? `${d.message} (code ${d.code})` : String(d.message);
  return `Sticpay HTTP ${res.status}`;
}

// POST /rest_transaction/detail is the only authoritative status; shared by status, redirect
// and webhook. Looked up by our order id (= ctx.id), which we sent as the payout's order_id.
async function lookup(ctx, sdk) {
  const pairs = [
    ["merchant", ctx.credential.merchantEmail],
    ["order_id", ctx.id],
    ["request_datetime", now()],
    ["interface_version", INTERFACE_VERSION],
  ];
  const body = { ...Object.fromEntries(pairs), sign: await sign(pairs, ctx.credential) };
  const res = await sdk.http.post(`${API}/rest_transaction/detail`, { body });
  if (!res.success || res.data?.success !== true) return { ok: false, message: gatewayError(res) };
  const status = mapStatus(res.data.status);
  sdk.logger.info(`sticpay detail ${ctx.id}: ${res.data.status} -> ${status}`);
  return { ok: true, status, message: `Sticpay status ${res.data.status}`, pspTxnId: res.data.transaction_code ?? ctx.transaction.pspTxnId ?? null };
}

export async function initiate(ctx, sdk) {
  const { transaction, credential } = ctx;
  const customer = ctx.data?.body?.customer ?? {};
  if (!customer.email) return sdk.response.failure("customer.email (the payee's Sticpay account) is required", 400);
  const pairs = [
    ["merchant", credential.merchantEmail],
    ["customer", customer.email], // the payee's Sticpay account
    ["amount", transaction.amount], // exact decimal string, signed as sent
    ["currency_code", transaction.currency],
    ["order_id", ctx.id],
    ["interface_version", INTERFACE_VERSION],
  ];
  const body = {
    ...Object.fromEntries(pairs),
    notify_url: ctx.urls.server.webhook, // modeled: payouts may settle later and call back
    sign: await sign(pairs, credential),
  };
  const res = await sdk.http.post(`${API}/rest_withdraw/withdraw`, { body });
  if (!res.success || res.data?.success !== true) {
    const message = gatewayError(res);
    sdk.logger.warn(`sticpay withdraw refused for ${ctx.id}: ${message}`);
    return sdk.response.failure(message, 400);
  }
  // The success body is not public: a `status` is mapped when present, else the payout
  // is PENDING until the callback or the detail call says otherwise.
  const status = mapStatus(res.data.status);
  sdk.logger.info(`sticpay withdraw accepted for ${ctx.id}: ${status}`);
  return sdk.response.success({
    orderId: ctx.id,
    userId: customer.id,
    status,
    pspTxnId: res.data.transaction_code ?? null,
  });
}

// Payouts have no payer redirect; kept so every step of the contract exists. It asks Sticpay.
export async function redirect(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  const status = r.ok ? r.status : "PENDING";
  const data = { orderId: ctx.id, timestamp: new Date().toISOString(), status, message: r.message };
  const url = status === "FAILED" ? ctx.urls.server.failureRedirectUrl : ctx.urls.server.successRedirectUrl;
  return url ? sdk.response.redirect(url, data) : sdk.response.success(data);
}

// The callback is a form POST with one field `callback` = JSON {type, code, message, parameters},
// `parameters` itself a JSON string. Its signed field order is not public, so the callback is
// only a trigger: the outcome always comes from the (signed, TLS) detail call.
export async function webhook(ctx, sdk) {
  let cb;
  try {
    const raw = ctx.data?.body?.callback;
    cb = typeof raw === "string" ? JSON.parse(raw) : raw;
  } catch { cb = null; }
  if (!cb || typeof cb !== "object") return sdk.response.failure("malformed callback", 400);
  sdk.logger.info(`sticpay callback for ${ctx.id}: type=${cb.type} code=${cb.code}`);
  return status(ctx, sdk);
}

export async function status(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  if (!r.ok) return sdk.response.failure(`status lookup failed: ${r.message}`, 502);
  return sdk.response.success({ status: r.status, pspTxnId: r.pspTxnId, message: r.message });
}
