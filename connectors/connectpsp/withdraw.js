// ConnectPSP withdrawal (SYS-PSP-WITHDRAW-CONNECTPSP): a PIX cash-out to a PIX key or a bank
// account, paid from the merchant's transactional balance; it settles later (CASHOUT_* events).
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals.

// The engine's host map is what points a test environment at a simulator, so scripts always
// name the real hosts; `credential.environment` picks ConnectPSP's staging (homologação).
const HOSTS = { production: "https://api.connectpsp.com", staging: "https://api.homologacao.connectpsp.com" };
const apiOf = (credential) => HOSTS[credential.environment] ?? HOSTS.production;

// The one place where ConnectPSP cash-out statuses become ours; anything unknown stays PENDING.
// REFUNDED: the receiving bank sent a completed payment back, so the payee did not get it.
const STATUS = new Map([
  ["PROCESSING", "PENDING"],
  ["COMPLETED", "SUCCESS"],
  ["FAILED", "FAILED"],
  ["CANCELLED", "FAILED"],
  ["REFUNDED", "FAILED"],
]);
const mapStatus = (s) => STATUS.get(String(s ?? "").toUpperCase()) ?? "PENDING";

// Errors are RFC 7807 problem+json {type, title, status, code, detail}; never echo our request.
function problemText(res) {
  const d = res.data;
  if (d && typeof d === "object" && typeof d.code === "string") return `${d.code}: ${d.detail ?? d.title ?? ""}`.trim();
  return `ConnectPSP HTTP ${res.status}`;
}

// Scripts keep nothing between runs, so every run asks for its own token (valid one hour).
// Financial calls also carry DigitalSignature = hex HMAC-SHA256(CryptoToken, raw access token).
async function authHeaders(ctx, sdk, { signed = false } = {}) {
  const { clientId, clientSecret, applicationToken, cryptoToken } = ctx.credential;
  const res = await sdk.http.post(`${apiOf(ctx.credential)}/auth/token`, { body: { clientId, clientSecret } });
  if (!res.success || typeof res.data?.accessToken !== "string") return { ok: false, message: `token refused: ${problemText(res)}` };
  const token = res.data.accessToken;
  const headers = { Authorization: `Bearer ${token}`, ApplicationToken: applicationToken };
  if (signed) headers.DigitalSignature = sdk.crypto.hmac("sha256", cryptoToken, token, "hex");
  return { ok: true, headers };
}

// A UUID v4-shaped X-Idempotency-Key derived from our transaction id: the same transaction always
// sends the same key, so a repeated request is answered with the original cash-out, never a second payment.
function idempotencyKey(ctx, sdk, purpose) {
  const h = sdk.crypto.hash("sha256", `connxt:connectpsp:${purpose}:${ctx.id}`, "hex");
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// GET /cash-out/{id}: the authoritative status, shared by status and redirect.
async function lookup(ctx, sdk) {
  const id = ctx.transaction.pspTxnId;
  if (!id) return { ok: false, message: "no ConnectPSP transactionId recorded for this withdrawal" };
  const auth = await authHeaders(ctx, sdk);
  if (!auth.ok) return auth;
  const res = await sdk.http.get(`${apiOf(ctx.credential)}/cash-out/${encodeURIComponent(id)}`, { headers: auth.headers });
  if (!res.success) return { ok: false, message: `cash-out lookup failed: ${problemText(res)}` };
  if (res.data?.externalReference !== ctx.id) return { ok: false, message: "ConnectPSP answered with another cash-out" };
  return { ok: true, ...describe(res.data) };
}

function describe(cashOut) {
  const status = mapStatus(cashOut.status);
  const failure = cashOut.failure?.code ? ` (${cashOut.failure.code}: ${cashOut.failure.message ?? ""})` : "";
  return { status, pspTxnId: cashOut.transactionId, message: `ConnectPSP status ${cashOut.status}${failure}` };
}

// Our destination object is ConnectPSP's, field for field (manifest inputSchema).
function destinationOf(d) {
  if (d.type === "PIX") return { type: "PIX", pixKeyType: d.pixKeyType, pixKey: d.pixKey };
  const a = d.bankAccount ?? {};
  return { type: "BANK_ACCOUNT", bankAccount: { ispb: a.ispb, branch: a.branch, account: a.account, accountType: a.accountType ?? "PAYMENT" } };
}

export async function initiate(ctx, sdk) {
  const { transaction } = ctx;
  const body = ctx.data?.body ?? {};
  const customer = body.customer ?? {};
  if (transaction.currency !== "BRL") return sdk.response.failure("ConnectPSP takes BRL only", 400);
  if (!/^\d+(\.\d{1,2})?$/.test(transaction.amount)) return sdk.response.failure("amount must be reais with at most two decimals", 400);

  const request = {
    // ConnectPSP takes reais as a JSON number. JSON has one number type, so the exact decimal
    // string becomes a number only here, with no arithmetic: Number("150.50") serializes as
    // 150.5, the same amount, and a two-decimal value always reads back exactly.
    amount: Number(transaction.amount),
    externalReference: ctx.id,
    webhookUrl: ctx.urls.server.webhook,
    payee: { name: customer.name, document: customer.document, destination: destinationOf(body.destination ?? {}) },
    ...(body.description ? { description: body.description } : {}),
  };
  const key = idempotencyKey(ctx, sdk, "cash-out");
  const send = async () => {
    const auth = await authHeaders(ctx, sdk, { signed: true });
    if (!auth.ok) return { auth };
    const res = await sdk.http.post(`${apiOf(ctx.credential)}/cash-out`, { headers: { ...auth.headers, "X-Idempotency-Key": key }, body: request });
    return { res };
  };

  // A 5xx leaves the outcome open; the same key makes one more try safe (it answers the original
  // cash-out if there is one). A transport error is not caught: the engine then keeps the
  // withdrawal pending, because money may have left.
  const first = await send();
  if (first.auth) return sdk.response.failure(first.auth.message, 502); // nothing was sent
  let res = first.res;
  if (res.status >= 500) {
    sdk.logger.warn(`connectpsp cash-out for ${ctx.id}: HTTP ${res.status}, retrying with the same idempotency key`);
    res = (await send()).res ?? res; // a token refused on the retry leaves the first answer standing
  }
  if (res.status >= 500) {
    return sdk.response.success({ status: "PENDING", message: `ConnectPSP answered ${problemText(res)}; outcome unknown` });
  }
  if (!res.success) {
    const message = problemText(res);
    sdk.logger.warn(`connectpsp cash-out refused for ${ctx.id}: ${message}`);
    return sdk.response.failure(message, 400);
  }
  const accepted = describe(res.data ?? {});
  sdk.logger.info(`connectpsp cash-out ${accepted.pspTxnId} for ${ctx.id}: ${accepted.message}`);
  return sdk.response.success(accepted);
}

// Withdrawals have no payer page; should anyone arrive here, the answer still comes from ConnectPSP.
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

// CASHOUT_* events are signed: X-Connect-Signature = hex HMAC-SHA256(CryptoToken, raw body).
// A verified body mirrors GET /cash-out, so its status is used as is.
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
  if (data.externalReference !== ctx.id) {
    sdk.logger.warn(`connectpsp ${event.eventType} for another cash-out (${data.transactionId}) ignored`);
    return sdk.response.success({ status: "PENDING", message: "event for another cash-out ignored" });
  }
  const r = describe(data);
  sdk.logger.info(`connectpsp ${event.eventType} for ${ctx.id}: ${data.status} -> ${r.status}`);
  return sdk.response.success({ ...r, message: `ConnectPSP ${event.eventType}: ${r.message}` });
}

export async function status(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  if (!r.ok) return sdk.response.failure(`status lookup failed: ${r.message}`, 502);
  return sdk.response.success({ status: r.status, pspTxnId: r.pspTxnId, message: r.message });
}
