// Paymaxis: what the deposit, withdrawal and refund scripts share. All three are one POST
// /api/v1/payments with a different paymentType, so everything but the request they send (and what
// an unanswered request means for it) lives here: host, auth, states, error text, the payment
// lookup and the redirect, webhook and status steps, which the scripts re-export unchanged.
// Runs in the engine's isolate: no Node APIs, only ctx, sdk and web globals; linked fresh per run.

// Production host; the environment's host map is what points it at the sandbox or a simulator.
export const PAYMENTS = "https://app.paymaxis.com/api/v1/payments";

// The one place where Paymaxis payment states become ours; anything unknown stays PENDING.
// Deposits, payouts and refunds are all payments with the same states, so one map serves them all.
const STATUS = new Map([
  ["COMPLETED", "SUCCESS"],
  ["DECLINED", "FAILED"],
  ["CANCELLED", "FAILED"],
  ["CHECKOUT", "PENDING"],
  ["PENDING", "PENDING"],
]);
export const mapState = (state) => STATUS.get(state) ?? "PENDING";

// Every call carries the shop API key as a Bearer token.
export const auth = (ctx) => ({ Authorization: `Bearer ${ctx.credential.apiKey}` });
// The message kept with every outcome: the state, and Paymaxis's own error code and text if any.
export const describe = (p) => `Paymaxis state ${p.state}${p.errorCode ? ` (${p.errorCode}${p.errorMessage ? `: ${p.errorMessage}` : ""})` : ""}`;

// Paymaxis takes `amount` as a JSON number in major units. ctx.transaction.amount is the exact
// decimal string ("150.50"); for up to 15 significant digits, Number() gives the double whose
// shortest printed form, which is what JSON puts on the wire, is that same decimal (150.5). A change
// of notation, never arithmetic: nothing is ever computed with it. Longer amounts are refused
// (`tooLong`, the same 400 for every action).
export function wireAmount(amount) {
  const digits = String(amount).replace(/\D/g, "").replace(/^0+/, "");
  return digits.length <= 15 ? Number(amount) : null;
}
export const tooLong = (sdk) => sdk.response.failure("amount has more than 15 significant digits", 400);

// The error body is not public; as modeled: {status, error, message, errors: [{field, message}]}.
export function gatewayError(res) {
  const d = res.data && typeof res.data === "object" ? res.data : {};
  const fields = Array.isArray(d.errors) ? d.errors.map((e) => `${e.field}: ${e.message}`).join("; ") : "";
  return `Paymaxis HTTP ${res.status}: ${d.message ?? d.error ?? "no error message"}${fields ? ` (${fields})` : ""}`;
}

// Drops empty fields so Paymaxis never sees undefined or "" placeholders; nothing left → undefined.
function compact(fields) {
  const kept = Object.entries(fields).filter(([, v]) => v !== undefined && v !== null && v !== "");
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

// Paymaxis wants the phone as "<country code> <number>", digits only, no "+".
function customerOf(c) {
  const phone = c.phone?.phoneNumber ? [c.phone.countryCode, c.phone.phoneNumber].filter(Boolean).join(" ") : undefined;
  return compact({ referenceId: c.id, firstName: c.firstName, lastName: c.lastName, email: c.email, phone });
}

function billingAddressOf(a = {}) {
  return compact({ addressLine1: a.line1, addressLine2: a.line2, city: a.city, state: a.state, postalCode: a.zipCode, countryCode: a.country });
}

// The request of a card deposit or payout: the same fields, from the same `customer` and
// `description` inputs, but for paymentType and the deposit's returnUrl (a payout sends nobody
// to a page: its returnUrl is undefined, which JSON leaves out, as it does any undefined field).
export function cardPayment(ctx, paymentType, amount, returnUrl) {
  const customer = ctx.data?.body?.customer ?? {};
  return {
    paymentType,
    paymentMethod: "BASIC_CARD",
    amount,
    currency: ctx.transaction.currency,
    referenceId: ctx.id,
    description: ctx.data?.body?.description,
    returnUrl,
    webhookUrl: ctx.urls.server.webhook,
    customer: customerOf(customer),
    billingAddress: billingAddressOf(customer.address),
  };
}

// What an answer that is not a payment means for a payout or refund (a deposit's unanswered
// checkout moves no money, so deposit.js refuses instead). 4xx: Paymaxis refused, nothing was
// made. 409: a payment with our referenceId exists (an earlier attempt of this transaction): wait
// for its webhook, which carries that referenceId. 5xx: unknown whether money will move, so the
// step fails loudly and the engine keeps the transaction open for the webhook or an operator.
export function notAPayment(ctx, sdk, res, what) {
  const message = gatewayError(res);
  if (res.status === 409) {
    sdk.logger.warn(`paymaxis already has a ${what} for ${ctx.id}: ${message}`);
    return sdk.response.success({ orderId: ctx.id, status: "PENDING", message });
  }
  if (res.status >= 500) throw new Error(`outcome unknown: ${message}`);
  sdk.logger.warn(`paymaxis refused ${what} ${ctx.id}: ${message}`);
  return sdk.response.failure(message, 400);
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

// The payer coming back proves nothing: ask Paymaxis. The engine then sends the payer on. Payouts
// and refunds send nobody to a page; should anyone come back through this URL, Paymaxis is asked too.
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
