// Cube Pay withdrawal (SYS-PSP-WITHDRAW-CUBEPAY), spec/004 v1.0.4: a payout through Cube Pay's
// withdrawal cashier. The payer opens the cashier page, picks a payout provider and gives the
// payee account; the payout then waits, pending, for the merchant's approval on Cube Pay's side
// (004's approve/reject endpoints or its back office). This script does not approve: approving
// is a business decision that belongs to the merchant's operations, not to a webhook. Pending
// maps to PENDING until Cube Pay reports the payout successful or rejected.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals.

// Cube Pay's base URL and paths are not public: modeled (see simulators/cubepay/README.md).
const API = "https://api.cubepay.io";

// The one place where Cube Pay statuses become ours (see deposit.js); unknown stays PENDING.
const STATUS = new Map([
  ["successful", "SUCCESS"],
  ["approved", "PENDING"], // an approved payout has not reached the payee yet
  ["rejected", "FAILED"],
  ["declined", "FAILED"],
  ["failed", "FAILED"],
  ["cancelled", "FAILED"],
  ["expired", "FAILED"],
  ["pending", "PENDING"],
  ["initiated", "PENDING"],
]);
const mapStatus = (s) => STATUS.get(String(s ?? "").toLowerCase()) ?? "PENDING";

const apiHeaders = (ctx) => ({ "X-Api-Key": ctx.credential.apiKey });
const modeOf = (ctx) => (ctx.credential.testMode === true ? "test" : "live");

// JSON number in major units, exact for up to 15 significant digits (see deposit.js).
function wireAmount(amount) {
  const digits = String(amount).replace(/\D/g, "").replace(/^0+/, "");
  return digits.length <= 15 ? Number(amount) : null;
}

// Modeled error body: HTTP 400 {code, message, errors?: [{field, message}]} with 004's codes.
function gatewayError(res) {
  const d = res.data && typeof res.data === "object" ? res.data : {};
  const fields = Array.isArray(d.errors) ? d.errors.map((e) => `${e.field}: ${e.message}`).join("; ") : "";
  const code = d.code != null ? ` (code ${d.code})` : "";
  return `Cube Pay HTTP ${res.status}: ${d.message ?? "no error message"}${code}${fields ? ` [${fields}]` : ""}`;
}

function customerOf(c) {
  const out = { first_name: c.first_name, last_name: c.last_name, email: c.email, country_code: c.country_code };
  for (const key of ["zip_code", "address", "city", "dob", "kyc_status", "phone"]) {
    if (c[key] !== undefined && c[key] !== null) out[key] = c[key];
  }
  return out;
}

// GET /v1/transactions/{id} by our id (= tracking_id): {transaction_status, rejected_reason}.
async function lookup(ctx, sdk) {
  let res;
  try {
    res = await sdk.http.get(`${API}/v1/transactions/${encodeURIComponent(ctx.id)}`, { headers: apiHeaders(ctx) });
  } catch (err) {
    return { ok: false, message: `Cube Pay did not answer: ${err.message}` };
  }
  if (!res.success || !res.data || typeof res.data.transaction_status !== "string") return { ok: false, message: gatewayError(res) };
  const { transaction_status: raw, rejected_reason: reason } = res.data;
  const status = mapStatus(raw);
  sdk.logger.info(`cubepay payout ${ctx.id}: ${raw} -> ${status}`);
  return { ok: true, status, message: `Cube Pay status ${raw}${reason ? ` (${reason})` : ""}` };
}

// POST /v1/withdrawals/cashier → {token}; the payer's page is the hosted cashier for that token.
export async function initiate(ctx, sdk) {
  const customer = ctx.data?.body?.customer ?? {};
  const amount = wireAmount(ctx.transaction.amount);
  if (amount === null) return sdk.response.failure("amount has more than 15 significant digits", 400);
  const request = {
    mode: modeOf(ctx),
    // Modeled: 004 shows `settings: {}`; our webhook and return URLs go there.
    settings: { webhook_url: ctx.urls.server.webhook, return_url: ctx.urls.server.redirect },
    user_id: String(customer.id),
    tracking_id: ctx.id,
    amount,
    currency: ctx.transaction.currency,
    customer: customerOf(customer),
  };
  if (customer.ip) request.ip = customer.ip;
  let res;
  try {
    res = await sdk.http.post(`${API}/v1/withdrawals/cashier`, { headers: apiHeaders(ctx), body: { request } });
  } catch (err) {
    // No answer: without the cashier page nobody can give payout details, so nothing can be paid out.
    sdk.logger.warn(`cubepay did not answer for payout ${ctx.id}: ${err.message}`);
    return sdk.response.failure(`Cube Pay did not answer: ${err.message}`, 502);
  }
  if (!res.success) {
    const message = gatewayError(res);
    sdk.logger.warn(`cubepay refused payout ${ctx.id}: ${message}`);
    return sdk.response.failure(message, res.status >= 500 ? 502 : 400);
  }
  const token = res.data?.token;
  if (typeof token !== "string" || token === "") return sdk.response.failure("Cube Pay returned no cashier token", 502);
  sdk.logger.info(`cubepay withdrawal cashier opened for ${ctx.id}`);
  // The cashier page's address is not public: modeled as /cashier/{token} on the API's origin.
  // Cube Pay's transaction id arrives with the first webhook, once the payer has submitted the page.
  return sdk.response.success({
    navigation: { type: "redirect", contentType: "url", value: `${API}/cashier/${encodeURIComponent(token)}` },
    status: "PENDING",
    orderId: ctx.id,
    userId: customer.id == null ? undefined : String(customer.id),
  });
}

// The payer coming back from the cashier proves nothing: ask Cube Pay.
export async function redirect(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  const status = r.ok ? r.status : "PENDING";
  const data = { orderId: ctx.id, timestamp: new Date().toISOString(), status, message: r.message };
  const url = status === "FAILED" ? ctx.urls.server.failureRedirectUrl : ctx.urls.server.successRedirectUrl;
  return url ? sdk.response.redirect(url, data) : sdk.response.success(data);
}

const sha1Upper = (text, sdk) => sdk.crypto.hash("sha1", text, "hex").toUpperCase();

// 004: x-signature = upper-case hex SHA-1 of JSON.stringify(payload) + signaturePassword (see deposit.js).
function signatureValid(ctx, sdk) {
  const given = ctx.data?.headers?.["x-signature"];
  const raw = ctx.data?.rawBody;
  const password = ctx.credential.signaturePassword;
  if (typeof given !== "string" || given === "" || typeof raw !== "string" || !password) return false;
  const expected = given.trim().toUpperCase();
  if (sdk.crypto.timingSafeEqual(sha1Upper(raw + password, sdk), expected)) return true;
  let canonical;
  try { canonical = JSON.stringify(JSON.parse(raw)); } catch { return false; }
  return canonical !== raw && sdk.crypto.timingSafeEqual(sha1Upper(canonical + password, sdk), expected);
}

function sameAmount(a, b) {
  const norm = (v) => {
    const m = /^(\d+)(?:\.(\d*))?$/.exec(String(v ?? "").trim());
    return m ? `${m[1].replace(/^0+(?=\d)/, "")}.${(m[2] ?? "").replace(/0+$/, "")}` : null;
  };
  const x = norm(a);
  return x !== null && x === norm(b);
}

export async function webhook(ctx, sdk) {
  if (!signatureValid(ctx, sdk)) {
    sdk.logger.warn(`cubepay webhook for ${ctx.id} with a missing or wrong x-signature`);
    return sdk.response.failure("invalid signature", 401);
  }
  let payload;
  try { payload = JSON.parse(ctx.data.rawBody); } catch { payload = null; }
  if (!payload || typeof payload !== "object") return sdk.response.failure("malformed webhook body", 400);
  if (payload.tracking_id !== ctx.id || payload.transaction_type !== "withdrawal") {
    return sdk.response.failure("webhook is not about this withdrawal", 400);
  }
  let status = mapStatus(payload.status);
  let message = `Cube Pay status ${payload.status}${payload.rejected_reason ? ` (${payload.rejected_reason})` : ""}`;
  if (status === "SUCCESS" && (payload.currency !== ctx.transaction.currency || !sameAmount(payload.amount, ctx.transaction.amount))) {
    sdk.logger.warn(`cubepay webhook for ${ctx.id}: paid out ${payload.amount} ${payload.currency}, expected ${ctx.transaction.amount} ${ctx.transaction.currency}`);
    status = "PENDING";
    message = `Cube Pay reports ${payload.amount} ${payload.currency} paid out, not ${ctx.transaction.amount} ${ctx.transaction.currency}: needs review`;
  } else if (status === "PENDING" && payload.status === "pending") {
    message = "Cube Pay payout pending: approve or reject it at Cube Pay";
  }
  sdk.logger.info(`cubepay webhook for ${ctx.id}: ${payload.status} -> ${status}`);
  return sdk.response.success({ status, pspTxnId: payload.transaction_id ? String(payload.transaction_id) : undefined, message });
}

export async function status(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  if (!r.ok) return sdk.response.failure(`status lookup failed: ${r.message}`, 502);
  return sdk.response.success({ status: r.status, message: r.message });
}
