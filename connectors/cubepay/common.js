// Cube Pay (spec/004 v1.0.4): what deposit.js and withdraw.js share. Each action script keeps its
// own requests, status map and steps; everything here is the same for both, or the same with a
// parameter. Runs in the engine's V8 isolate like the scripts (no Node APIs, only ctx, sdk and web
// globals), linked fresh for every run, so nothing here keeps state between runs.

// Cube Pay's base URL and paths are not public: modeled (see simulators/cubepay/README.md). Test
// and live share the URL; a DEV API key is what makes a payment a test one.
export const API = "https://api.cubepay.io";

// The Cube Pay statuses whose meaning is the same for a deposit and a payout. 004 shows pending,
// successful and rejected; the other words are unambiguous outcomes a gateway may use. "approved"
// is not here: it means paid on a deposit but not yet paid out on a payout, so each script says.
const SHARED_STATUSES = [
  ["successful", "SUCCESS"],
  ["rejected", "FAILED"],
  ["declined", "FAILED"],
  ["failed", "FAILED"],
  ["cancelled", "FAILED"],
  ["expired", "FAILED"],
  ["pending", "PENDING"],
  ["initiated", "PENDING"],
];

// Builds a script's one status map from the shared words plus its own ({approved: ...}), so the
// place where Cube Pay statuses become ours stays one table per script. Anything unknown stays PENDING.
export function statusMapper(own) {
  const table = new Map([...SHARED_STATUSES, ...Object.entries(own)]);
  return (s) => table.get(String(s ?? "").toLowerCase()) ?? "PENDING";
}

// Every API call authenticates with the key alone (Settings - Credentials).
export const apiHeaders = (ctx) => ({ "X-Api-Key": ctx.credential.apiKey });

// 004's bodies carry `mode`; the key decides test or live, and "live" is the default so that a
// live key can never run as a test by omission. The test credential sets testMode.
const modeOf = (ctx) => (ctx.credential.testMode === true ? "test" : "live");

// 004 sends the amount as a JSON number in major units (10.05). ctx.transaction.amount is the exact
// decimal string; for up to 15 significant digits Number() gives the double whose shortest printed
// form, which JSON puts on the wire, is that same decimal. A change of notation, never arithmetic.
// null: more digits than that, which the caller refuses.
export function wireAmount(amount) {
  const digits = String(amount).replace(/\D/g, "").replace(/^0+/, "");
  return digits.length <= 15 ? Number(amount) : null;
}

// Modeled error body: HTTP 400 {code, message, errors?: [{field, message}]} with 004's codes.
export function gatewayError(res) {
  const d = res.data && typeof res.data === "object" ? res.data : {};
  const fields = Array.isArray(d.errors) ? d.errors.map((e) => `${e.field}: ${e.message}`).join("; ") : "";
  const code = d.code != null ? ` (code ${d.code})` : "";
  return `Cube Pay HTTP ${res.status}: ${d.message ?? "no error message"}${code}${fields ? ` [${fields}]` : ""}`;
}

// The one wording of a Cube Pay status for a result's message, with its reason when it gives one.
export const statusMessage = (raw, reason) => `Cube Pay status ${raw}${reason ? ` (${reason})` : ""}`;

// The engine's navigation for sending the payer to a page.
export const redirectTo = (url) => ({ type: "redirect", contentType: "url", value: url });

// 004's customer object; only the fields it documents are passed on, in this order.
// max_deposit_limit is about deposits, so only a deposit passes it on (depositLimit).
const CUSTOMER_FIELDS = ["zip_code", "address", "city", "dob", "kyc_status", "max_deposit_limit", "phone"];
function customerOf(c, depositLimit) {
  const out = { first_name: c.first_name, last_name: c.last_name, email: c.email, country_code: c.country_code };
  for (const key of CUSTOMER_FIELDS) {
    if (key === "max_deposit_limit" && !depositLimit) continue;
    if (c[key] !== undefined && c[key] !== null) out[key] = c[key];
  }
  return out;
}

// The fields every 004 request shares. `settings` carries our webhook and return URLs (modeled:
// 004 shows `settings: {}` and names neither), so each transaction reports to its own callback.
export function commonRequest(ctx, customer, amount, { depositLimit = false } = {}) {
  const request = {
    mode: modeOf(ctx),
    settings: { webhook_url: ctx.urls.server.webhook, return_url: ctx.urls.server.redirect },
    user_id: String(customer.id),
    tracking_id: ctx.id,
    amount,
    currency: ctx.transaction.currency,
    customer: customerOf(customer, depositLimit),
  };
  if (customer.ip) request.ip = customer.ip;
  return request;
}

// POST of a create call whose answer the payer needs before any money can move (a checkout page,
// a cashier token): no answer and a refusal are then both a failure the merchant may retry.
// Not for the card payment, where a lost answer may hide a charge. `what` names the call in logs.
// Returns {res} on a 2xx, else {refused: the step's failure response}.
export async function createCall(ctx, sdk, path, request, what) {
  let res;
  try {
    res = await sdk.http.post(`${API}${path}`, { headers: apiHeaders(ctx), body: { request } });
  } catch (err) {
    sdk.logger.warn(`cubepay did not answer for ${what} ${ctx.id}: ${err.message}`);
    return { refused: sdk.response.failure(`Cube Pay did not answer: ${err.message}`, 502) };
  }
  if (!res.success) {
    const message = gatewayError(res);
    sdk.logger.warn(`cubepay refused ${what} ${ctx.id}: ${message}`);
    return { refused: sdk.response.failure(message, res.status >= 500 ? 502 : 400) };
  }
  return { res };
}

// GET /v1/transactions/{id} by our id (= tracking_id): {transaction_status, rejected_reason}.
// `mapStatus` is the calling script's map; `noun` names the transaction in the log line.
export async function lookup(ctx, sdk, mapStatus, noun) {
  let res;
  try {
    res = await sdk.http.get(`${API}/v1/transactions/${encodeURIComponent(ctx.id)}`, { headers: apiHeaders(ctx) });
  } catch (err) {
    return { ok: false, message: `Cube Pay did not answer: ${err.message}` };
  }
  if (!res.success || !res.data || typeof res.data.transaction_status !== "string") return { ok: false, message: gatewayError(res) };
  const { transaction_status: raw, rejected_reason: reason } = res.data;
  const status = mapStatus(raw);
  sdk.logger.info(`cubepay ${noun} ${ctx.id}: ${raw} -> ${status}`);
  return { ok: true, status, message: statusMessage(raw, reason) };
}

// The redirect step's answer once Cube Pay was asked (a payer coming back proves nothing): the
// merchant's failure or success URL by the status, PENDING when Cube Pay could not say.
export function redirectAnswer(ctx, sdk, r) {
  const status = r.ok ? r.status : "PENDING";
  const data = { orderId: ctx.id, timestamp: new Date().toISOString(), status, message: r.message };
  const url = status === "FAILED" ? ctx.urls.server.failureRedirectUrl : ctx.urls.server.successRedirectUrl;
  return url ? sdk.response.redirect(url, data) : sdk.response.success(data);
}

// The status step's answer for a lookup's result.
export function statusAnswer(sdk, r) {
  if (!r.ok) return sdk.response.failure(`status lookup failed: ${r.message}`, 502);
  return sdk.response.success({ status: r.status, message: r.message });
}

const sha1Upper = (text, sdk) => sdk.crypto.hash("sha1", text, "hex").toUpperCase();

// 004: x-signature = upper-case hex SHA-1 of JSON.stringify(payload) + signaturePassword, over "the
// payload exactly as we send it". Cube Pay sends JSON.stringify(payload), so the raw body is that
// text; a body re-spaced on the way is checked in its JSON.stringify form too, as 004's sample does.
// Both comparisons are constant-time.
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

// "200.00" and "200.0" are the same amount; compared as digit strings, never as floats.
function sameAmount(a, b) {
  const norm = (v) => {
    const m = /^(\d+)(?:\.(\d*))?$/.exec(String(v ?? "").trim());
    return m ? `${m[1].replace(/^0+(?=\d)/, "")}.${(m[2] ?? "").replace(/0+$/, "")}` : null;
  };
  const x = norm(a);
  return x !== null && x === norm(b);
}

// The webhook step. Cube Pay's webhook is signed, so its body is believed once the signature holds
// and it is about this transaction (`transactionType`: 004's "deposit" or "withdrawal").
// `mapStatus` is the script's map; `paid` the verb of its money ("paid", "paid out");
// `pendingMessage`, when given, replaces the message of a plain "pending".
export function webhookStep(ctx, sdk, { transactionType, mapStatus, paid, pendingMessage }) {
  if (!signatureValid(ctx, sdk)) {
    sdk.logger.warn(`cubepay webhook for ${ctx.id} with a missing or wrong x-signature`);
    return sdk.response.failure("invalid signature", 401);
  }
  let payload;
  try { payload = JSON.parse(ctx.data.rawBody); } catch { payload = null; }
  if (!payload || typeof payload !== "object") return sdk.response.failure("malformed webhook body", 400);
  if (payload.tracking_id !== ctx.id || payload.transaction_type !== transactionType) {
    return sdk.response.failure(`webhook is not about this ${transactionType}`, 400);
  }
  let status = mapStatus(payload.status);
  let message = statusMessage(payload.status, payload.rejected_reason);
  // A success for another amount or currency (a cashier payer may change the amount) is not ours
  // to accept silently: it stays pending for someone to look at.
  if (status === "SUCCESS" && (payload.currency !== ctx.transaction.currency || !sameAmount(payload.amount, ctx.transaction.amount))) {
    sdk.logger.warn(`cubepay webhook for ${ctx.id}: ${paid} ${payload.amount} ${payload.currency}, expected ${ctx.transaction.amount} ${ctx.transaction.currency}`);
    status = "PENDING";
    message = `Cube Pay reports ${payload.amount} ${payload.currency} ${paid}, not ${ctx.transaction.amount} ${ctx.transaction.currency}: needs review`;
  } else if (pendingMessage && status === "PENDING" && payload.status === "pending") {
    message = pendingMessage;
  }
  sdk.logger.info(`cubepay webhook for ${ctx.id}: ${payload.status} -> ${status}`);
  return sdk.response.success({ status, pspTxnId: payload.transaction_id ? String(payload.transaction_id) : undefined, message });
}
