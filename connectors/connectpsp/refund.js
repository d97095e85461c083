// ConnectPSP refund (SYS-PSP-REFUND-CONNECTPSP): a full PIX devolution of a paid cash-in.
// ConnectPSP sends it to the network synchronously: the 202 answer carries the devolution's
// `D…` endToEndId and the cash-in is REFUNDED, so a 202 is a final SUCCESS.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals.

// The engine's host map is what points a test environment at a simulator, so scripts always
// name the real hosts; `credential.environment` picks ConnectPSP's staging (homologação).
const HOSTS = { production: "https://api.connectpsp.com", staging: "https://api.homologacao.connectpsp.com" };
const apiOf = (credential) => HOSTS[credential.environment] ?? HOSTS.production;

// The one place where the refunded cash-in's status becomes the refund's; unknown stays PENDING.
// A cash-in still PAID has not been given back (yet); one that never got paid never will be.
const STATUS = new Map([
  ["REFUNDED", "SUCCESS"],
  ["PAID", "PENDING"],
  ["AWAITING_PAYMENT", "FAILED"],
  ["EXPIRED", "FAILED"],
  ["CANCELLED", "FAILED"],
]);
const mapStatus = (s) => STATUS.get(String(s ?? "").toUpperCase()) ?? "PENDING";

const REASONS = new Set(["FRAUD", "DUPLICATED_PAYMENT", "CUSTOMER_REQUEST", "MERCHANT_ERROR"]);

// Errors are RFC 7807 problem+json {type, title, status, code, detail}; never echo our request.
function problemText(res) {
  const d = res.data;
  if (d && typeof d === "object" && typeof d.code === "string") return `${d.code}: ${d.detail ?? d.title ?? ""}`.trim();
  return `ConnectPSP HTTP ${res.status}`;
}

// Scripts keep nothing between runs, so every run asks for its own token (valid one hour).
// Refunds also carry DigitalSignature = hex HMAC-SHA256(CryptoToken, raw access token).
async function authHeaders(ctx, sdk, { signed = false } = {}) {
  const { clientId, clientSecret, applicationToken, cryptoToken } = ctx.credential;
  const res = await sdk.http.post(`${apiOf(ctx.credential)}/auth/token`, { body: { clientId, clientSecret } });
  if (!res.success || typeof res.data?.accessToken !== "string") return { ok: false, message: `token refused: ${problemText(res)}` };
  const token = res.data.accessToken;
  const headers = { Authorization: `Bearer ${token}`, ApplicationToken: applicationToken };
  if (signed) headers.DigitalSignature = sdk.crypto.hmac("sha256", cryptoToken, token, "hex");
  return { ok: true, headers };
}

// A UUID v4-shaped X-Idempotency-Key derived from our (refund) transaction id: a repeated request
// gets the original answer back instead of CASH_IN_ALREADY_REFUNDED.
function idempotencyKey(ctx, sdk, purpose) {
  const h = sdk.crypto.hash("sha256", `connxt:connectpsp:${purpose}:${ctx.id}`, "hex");
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// The refund is looked up through the cash-in: by the devolution's D endToEndId once we have
// it, else by the deposit's transactionId. Only a REFUNDED cash-in whose endToEndId is ours counts
// when we know it.
async function lookup(ctx, sdk) {
  const parent = ctx.transaction.parent;
  const id = ctx.transaction.pspTxnId ?? parent?.pspTxnId;
  if (!id) return { ok: false, message: "no ConnectPSP id to look the refund up by" };
  const auth = await authHeaders(ctx, sdk);
  if (!auth.ok) return auth;
  const res = await sdk.http.get(`${apiOf(ctx.credential)}/cash-in/${encodeURIComponent(id)}`, { headers: auth.headers });
  if (!res.success) return { ok: false, message: `cash-in lookup failed: ${problemText(res)}` };
  return { ok: true, ...describe(ctx, res.data ?? {}) };
}

function describe(ctx, cashIn) {
  const known = ctx.transaction.pspTxnId;
  const ours = !known || cashIn.endToEndId === known;
  const status = ours ? mapStatus(cashIn.status) : "PENDING";
  return {
    status,
    pspTxnId: status === "SUCCESS" ? cashIn.endToEndId : known ?? undefined,
    message: `ConnectPSP cash-in status ${cashIn.status}`,
  };
}

// "150.5", "150.50" and "0150.50" are the same money: compared as whole centavos in text, no floats.
function centsText(amount) {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount ?? ""));
  return match ? `${BigInt(match[1]) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"))}` : null;
}

export async function initiate(ctx, sdk) {
  const { transaction } = ctx;
  const parent = transaction.parent;
  const body = ctx.data?.body ?? {};
  if (!parent?.pspTxnId) return sdk.response.failure("the deposit has no ConnectPSP transactionId to refund", 400);
  if (centsText(transaction.amount) !== centsText(parent.amount)) {
    return sdk.response.failure(`ConnectPSP refunds the full amount only (${parent.amount} ${parent.currency})`, 400);
  }
  const reason = REASONS.has(body.reason) ? body.reason : "CUSTOMER_REQUEST";

  const key = idempotencyKey(ctx, sdk, "refund");
  const send = async () => {
    const auth = await authHeaders(ctx, sdk, { signed: true });
    if (!auth.ok) return { auth };
    const res = await sdk.http.post(`${apiOf(ctx.credential)}/cash-in/${encodeURIComponent(parent.pspTxnId)}/refund`, {
      headers: { ...auth.headers, "X-Idempotency-Key": key },
      body: { reason, ...(body.description ? { description: body.description } : {}) },
    });
    return { res };
  };

  // A 5xx leaves the outcome open; the same key makes one more try safe. A transport error is
  // not caught: the engine keeps the refund pending and the status lookup settles it.
  const first = await send();
  if (first.auth) return sdk.response.failure(first.auth.message, 502); // nothing was sent
  let res = first.res;
  if (res.status >= 500) {
    sdk.logger.warn(`connectpsp refund for ${ctx.id}: HTTP ${res.status}, retrying with the same idempotency key`);
    res = (await send()).res ?? res;
  }
  if (res.status >= 500) {
    return sdk.response.success({ status: "PENDING", message: `ConnectPSP answered ${problemText(res)}; outcome unknown` });
  }
  if (!res.success) {
    const message = problemText(res);
    sdk.logger.warn(`connectpsp refund refused for ${ctx.id}: ${message}`);
    return sdk.response.failure(message, 400);
  }
  const endToEndId = res.data?.endToEndId;
  if (typeof endToEndId !== "string" || !endToEndId.startsWith("D")) {
    return sdk.response.success({ status: "PENDING", message: "ConnectPSP accepted the refund without a devolution id" });
  }
  sdk.logger.info(`connectpsp refund of ${parent.pspTxnId} for ${ctx.id}: ${endToEndId}`);
  return sdk.response.success({ status: "SUCCESS", pspTxnId: endToEndId, message: `PIX devolution ${endToEndId}` });
}

// Refunds have no payer page; should anyone arrive here, the answer still comes from ConnectPSP.
export async function redirect(ctx, sdk) {
  let r;
  try { r = await lookup(ctx, sdk); } catch (err) { r = { ok: false, message: err.message }; }
  return sdk.response.success({
    orderId: ctx.id,
    timestamp: new Date().toISOString(),
    status: r.ok ? r.status : "PENDING",
    message: r.message,
  });
}

// ConnectPSP sends CASHIN_REFUNDED to the deposit's webhookUrl (a refund request names none), so
// this URL should never hear from it. Should an event arrive anyway it must be signed, about our
// deposit, and is then read like the lookup.
export async function webhook(ctx, sdk) {
  const raw = typeof ctx.data?.rawBody === "string" ? ctx.data.rawBody : "";
  const given = ctx.data?.headers?.["x-connect-signature"];
  const expected = sdk.crypto.hmac("sha256", ctx.credential.cryptoToken, raw, "hex");
  if (typeof given !== "string" || !sdk.crypto.timingSafeEqual(given, expected)) {
    sdk.logger.warn(`connectpsp webhook for ${ctx.id} with a bad or missing signature`);
    return sdk.response.failure("invalid signature", 401);
  }
  let event;
  try { event = JSON.parse(raw); } catch { event = null; }
  const data = event?.data;
  if (!data || typeof data !== "object") return sdk.response.failure("malformed event", 400);
  if (data.transactionId !== ctx.transaction.parent?.pspTxnId) {
    return sdk.response.success({ status: "PENDING", message: "event for another cash-in ignored" });
  }
  return sdk.response.success(describe(ctx, data));
}

export async function status(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  if (!r.ok) return sdk.response.failure(`status lookup failed: ${r.message}`, 502);
  return sdk.response.success({ status: r.status, pspTxnId: r.pspTxnId, message: r.message });
}
