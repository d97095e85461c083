// Cube Pay deposit (SYS-PSP-DEPOSIT-CUBEPAY), spec/004 v1.0.4. Two ways in, chosen by the payload:
//  - by default a hosted checkout (004 "Direct Integration"): the payer goes to Cube Pay's page for
//    one provider (`provider_id` from the payload, else the credential's providerId);
//  - with `card` in the payload, a server-to-server card payment (`routing_id` from the payload,
//    else the credential's routingId); a non-empty `url` in the answer is the 3DS page.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals. The card number
// and CVC go to Cube Pay and nowhere else: never into a log line or a result.

// Cube Pay's base URL and paths are not public: modeled (see simulators/cubepay/README.md). Test
// and live share the URL; a DEV API key is what makes a payment a test one.
const API = "https://api.cubepay.io";

// The one place where Cube Pay statuses become ours. 004 shows pending, successful and rejected;
// the other words are unambiguous outcomes a gateway may use. Anything unknown stays PENDING.
const STATUS = new Map([
  ["successful", "SUCCESS"],
  ["approved", "SUCCESS"],
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

// 004's bodies carry `mode`; the key decides test or live, and "live" is the default so that a
// live key can never run as a test by omission. The test credential sets testMode.
const modeOf = (ctx) => (ctx.credential.testMode === true ? "test" : "live");

// 004 sends the amount as a JSON number in major units (10.05). ctx.transaction.amount is the exact
// decimal string; for up to 15 significant digits Number() gives the double whose shortest printed
// form, which JSON puts on the wire, is that same decimal. A change of notation, never arithmetic.
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

function httpUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

// 004's customer object; only the fields it documents are passed on.
function customerOf(c) {
  const out = { first_name: c.first_name, last_name: c.last_name, email: c.email, country_code: c.country_code };
  for (const key of ["zip_code", "address", "city", "dob", "kyc_status", "max_deposit_limit", "phone"]) {
    if (c[key] !== undefined && c[key] !== null) out[key] = c[key];
  }
  return out;
}

// The fields every 004 request shares. `settings` carries our webhook and return URLs (modeled:
// 004 shows `settings: {}` and names neither), so each transaction reports to its own callback.
function commonRequest(ctx, customer, amount) {
  const request = {
    mode: modeOf(ctx),
    settings: { webhook_url: ctx.urls.server.webhook, return_url: ctx.urls.server.redirect },
    user_id: String(customer.id),
    tracking_id: ctx.id,
    amount,
    currency: ctx.transaction.currency,
    customer: customerOf(customer),
  };
  if (customer.ip) request.ip = customer.ip;
  return request;
}

const positiveInteger = (v) => (Number.isInteger(v) && v > 0 ? v : null);

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
  sdk.logger.info(`cubepay transaction ${ctx.id}: ${raw} -> ${status}`);
  return { ok: true, status, message: `Cube Pay status ${raw}${reason ? ` (${reason})` : ""}` };
}

export async function initiate(ctx, sdk) {
  const body = ctx.data?.body ?? {};
  const customer = body.customer ?? {};
  const amount = wireAmount(ctx.transaction.amount);
  if (amount === null) return sdk.response.failure("amount has more than 15 significant digits", 400);
  return body.card ? cardPayment(ctx, sdk, body, customer, amount) : hostedCheckout(ctx, sdk, body, customer, amount);
}

// POST /v1/checkout → {url, transaction_id} (the answer is modeled: 004 shows none).
async function hostedCheckout(ctx, sdk, body, customer, amount) {
  const providerId = positiveInteger(body.provider_id) ?? positiveInteger(ctx.credential.providerId);
  if (providerId === null) return sdk.response.failure("provider_id is required: in the payload or as the credential's providerId", 400);
  const request = { ...commonRequest(ctx, customer, amount), provider_id: providerId };
  let res;
  try {
    res = await sdk.http.post(`${API}/v1/checkout`, { headers: apiHeaders(ctx), body: { request } });
  } catch (err) {
    // No answer. Even if Cube Pay made the checkout, its page never reached the payer, so no
    // money can move: refusing is safe, and the merchant may try again.
    sdk.logger.warn(`cubepay did not answer for checkout ${ctx.id}: ${err.message}`);
    return sdk.response.failure(`Cube Pay did not answer: ${err.message}`, 502);
  }
  if (!res.success) {
    const message = gatewayError(res);
    sdk.logger.warn(`cubepay refused checkout ${ctx.id}: ${message}`);
    return sdk.response.failure(message, res.status >= 500 ? 502 : 400);
  }
  const url = httpUrl(res.data?.url);
  if (!url) return sdk.response.failure("Cube Pay returned no usable checkout URL", 502);
  const pspTxnId = res.data.transaction_id ? String(res.data.transaction_id) : null;
  sdk.logger.info(`cubepay checkout ${pspTxnId ?? "(no id)"} created for ${ctx.id}`);
  return sdk.response.success({
    navigation: { type: "redirect", contentType: "url", value: url },
    status: "PENDING",
    pspTxnId,
    orderId: ctx.id,
    userId: String(customer.id),
  });
}

// POST /v1/payments/s2s → {url, transaction_status, error?}. 004: "if the url is not empty,
// redirect the user to complete the 3DS process"; "rejected" comes with `error`.
async function cardPayment(ctx, sdk, body, customer, amount) {
  const routingId = positiveInteger(body.routing_id) ?? positiveInteger(ctx.credential.routingId);
  if (routingId === null) return sdk.response.failure("routing_id is required for a card payment: in the payload or as the credential's routingId", 400);
  const card = body.card;
  const request = {
    ...commonRequest(ctx, customer, amount),
    routing_id: routingId,
    card_details: {
      holder_name: card.holder_name,
      card_number: card.number,
      cvc: card.cvc,
      exp_month: card.exp_month,
      exp_year: card.exp_year,
    },
  };
  // A timeout throws out of the step on purpose: the card may have been charged, so the engine
  // keeps the transaction open (outcome unknown) for the webhook or a status check.
  const res = await sdk.http.post(`${API}/v1/payments/s2s`, { headers: apiHeaders(ctx), body: { request } });
  if (res.status >= 500) throw new Error(`Cube Pay answered HTTP ${res.status} to a card payment; its outcome is unknown`);
  if (!res.success) {
    const message = gatewayError(res);
    sdk.logger.warn(`cubepay refused card payment ${ctx.id}: ${message}`);
    return sdk.response.failure(message, 400);
  }
  const d = res.data ?? {};
  const pspTxnId = d.transaction_id ? String(d.transaction_id) : null;
  const result = { orderId: ctx.id, userId: String(customer.id), pspTxnId };
  sdk.logger.info(`cubepay card payment for ${ctx.id}: ${d.transaction_status}${d.url ? " with 3DS" : ""}`);
  if (d.url) {
    const url = httpUrl(d.url);
    if (!url) return sdk.response.failure("Cube Pay returned an unusable 3DS URL", 502);
    return sdk.response.success({ ...result, status: "PENDING", navigation: { type: "redirect", contentType: "url", value: url } });
  }
  const status = mapStatus(d.transaction_status);
  if (status === "FAILED") return sdk.response.success({ ...result, status, message: `Cube Pay rejected the card: ${d.error ?? d.transaction_status}` });
  if (status === "SUCCESS") return sdk.response.success({ ...result, status, message: `Cube Pay status ${d.transaction_status}` });
  // Pending without 3DS: the payer has nothing to do at Cube Pay, so it goes straight to our
  // redirect callback, which looks the status up and sends it on to the merchant.
  return sdk.response.success({ ...result, status, navigation: { type: "redirect", contentType: "url", value: ctx.urls.server.redirect } });
}

// A payer coming back proves nothing: ask Cube Pay, then send the payer to the merchant.
export async function redirect(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  const status = r.ok ? r.status : "PENDING";
  const data = { orderId: ctx.id, timestamp: new Date().toISOString(), status, message: r.message };
  const url = status === "FAILED" ? ctx.urls.server.failureRedirectUrl : ctx.urls.server.successRedirectUrl;
  return url ? sdk.response.redirect(url, data) : sdk.response.success(data);
}

const sha1Upper = (text, sdk) => sdk.crypto.hash("sha1", text, "hex").toUpperCase();

// 004: x-signature = upper-case hex SHA-1 of JSON.stringify(payload) + signaturePassword, over "the
// payload exactly as we send it". Cube Pay sends JSON.stringify(payload), so the raw body is that
// text; a body re-spaced on the way is checked in its JSON.stringify form too, as 004's sample does.
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

// Cube Pay's webhook is signed, so its body is believed once the signature holds.
export async function webhook(ctx, sdk) {
  if (!signatureValid(ctx, sdk)) {
    sdk.logger.warn(`cubepay webhook for ${ctx.id} with a missing or wrong x-signature`);
    return sdk.response.failure("invalid signature", 401);
  }
  let payload;
  try { payload = JSON.parse(ctx.data.rawBody); } catch { payload = null; }
  if (!payload || typeof payload !== "object") return sdk.response.failure("malformed webhook body", 400);
  if (payload.tracking_id !== ctx.id || payload.transaction_type !== "deposit") {
    return sdk.response.failure("webhook is not about this deposit", 400);
  }
  let status = mapStatus(payload.status);
  let message = `Cube Pay status ${payload.status}${payload.rejected_reason ? ` (${payload.rejected_reason})` : ""}`;
  // A success for another amount or currency (a cashier payer may change the amount) is not ours
  // to accept silently: it stays pending for someone to look at.
  if (status === "SUCCESS" && (payload.currency !== ctx.transaction.currency || !sameAmount(payload.amount, ctx.transaction.amount))) {
    sdk.logger.warn(`cubepay webhook for ${ctx.id}: paid ${payload.amount} ${payload.currency}, expected ${ctx.transaction.amount} ${ctx.transaction.currency}`);
    status = "PENDING";
    message = `Cube Pay reports ${payload.amount} ${payload.currency} paid, not ${ctx.transaction.amount} ${ctx.transaction.currency}: needs review`;
  }
  sdk.logger.info(`cubepay webhook for ${ctx.id}: ${payload.status} -> ${status}`);
  return sdk.response.success({ status, pspTxnId: payload.transaction_id ? String(payload.transaction_id) : undefined, message });
}

export async function status(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  if (!r.ok) return sdk.response.failure(`status lookup failed: ${r.message}`, 502);
  return sdk.response.success({ status: r.status, message: r.message });
}
