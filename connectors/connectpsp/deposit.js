// ConnectPSP deposit (SYS-PSP-DEPOSIT-CONNECTPSP): a PIX cash-in, paid with the BR Code
// ("Pix Copia e Cola" and its QR image, shown by us) or through ConnectPSP's OpenFinance link.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals.

// The engine's host map is what points a test environment at a simulator, so scripts always
// name the real hosts; `credential.environment` picks ConnectPSP's staging (homologação).
const HOSTS = { production: "https://api.connectpsp.com", staging: "https://api.homologacao.connectpsp.com" };
const apiOf = (credential) => HOSTS[credential.environment] ?? HOSTS.production;

// The one place where ConnectPSP cash-in statuses become ours; anything unknown stays PENDING.
// REFUNDED means the charge was paid and later given back by a refund, which is a transaction of
// its own: the deposit itself succeeded, so a CASHIN_REFUNDED event never moves it.
const STATUS = new Map([
  ["AWAITING_PAYMENT", "PENDING"],
  ["PAID", "SUCCESS"],
  ["REFUNDED", "SUCCESS"],
  ["EXPIRED", "FAILED"],
  ["CANCELLED", "FAILED"],
]);
const mapStatus = (s) => STATUS.get(String(s ?? "").toUpperCase()) ?? "PENDING";

// Errors are RFC 7807 problem+json {type, title, status, code, detail}; never echo our request.
function problemText(res) {
  const d = res.data;
  if (d && typeof d === "object" && typeof d.code === "string") return `${d.code}: ${d.detail ?? d.title ?? ""}`.trim();
  return `ConnectPSP HTTP ${res.status}`;
}

// Scripts keep nothing between runs, so every run asks for its own token (valid one hour).
async function authHeaders(ctx, sdk) {
  const { clientId, clientSecret, applicationToken } = ctx.credential;
  const res = await sdk.http.post(`${apiOf(ctx.credential)}/auth/token`, { body: { clientId, clientSecret } });
  if (!res.success || typeof res.data?.accessToken !== "string") return { ok: false, message: `token refused: ${problemText(res)}` };
  return { ok: true, headers: { Authorization: `Bearer ${res.data.accessToken}`, ApplicationToken: applicationToken } };
}

// A UUID v4-shaped X-Idempotency-Key derived from our transaction id: the same transaction always
// sends the same key, so a repeated request is answered with the original charge, never a second one.
function idempotencyKey(ctx, sdk, purpose) {
  const h = sdk.crypto.hash("sha256", `connxt:connectpsp:${purpose}:${ctx.id}`, "hex");
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// GET /cash-in/{id}: the authoritative status, shared by status and redirect.
async function lookup(ctx, sdk) {
  const id = ctx.transaction.pspTxnId;
  if (!id) return { ok: false, message: "no ConnectPSP transactionId recorded for this deposit" };
  const auth = await authHeaders(ctx, sdk);
  if (!auth.ok) return auth;
  const res = await sdk.http.get(`${apiOf(ctx.credential)}/cash-in/${encodeURIComponent(id)}`, { headers: auth.headers });
  if (!res.success) return { ok: false, message: `cash-in lookup failed: ${problemText(res)}` };
  if (res.data?.externalReference !== ctx.id) return { ok: false, message: "ConnectPSP answered with another cash-in" };
  const status = mapStatus(res.data.status);
  sdk.logger.info(`connectpsp cash-in ${id}: ${res.data.status} -> ${status}`);
  return { ok: true, status, message: `ConnectPSP status ${res.data.status}`, pspTxnId: res.data.transactionId };
}

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

// "150.50" -> "150,50", as Brazilian payers read it (text only, no arithmetic).
const displayAmount = (amount) => amount.replace(".", ",");

// There is no ConnectPSP page for a BR Code: the payer gets this small page with the QR image
// and the copy-and-paste text (id "pix-copy-and-paste"). Everything from the gateway is escaped,
// and the image is used only if it is plain base64.
function pixPage(amount, pixData) {
  const image = typeof pixData.qrCodeImageBase64 === "string" && /^[A-Za-z0-9+/]+={0,2}$/.test(pixData.qrCodeImageBase64)
    ? `<img alt="QR Code Pix" width="240" height="240" src="data:image/png;base64,${pixData.qrCodeImageBase64}">`
    : "";
  return `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>Pix</title></head>` +
    `<body style="font-family:sans-serif;text-align:center;max-width:26rem;margin:1rem auto">` +
    `<p>Pague R$ ${escapeHtml(displayAmount(amount))} com Pix</p>${image}` +
    `<p><label for="pix-copy-and-paste">Pix Copia e Cola</label></p>` +
    `<textarea id="pix-copy-and-paste" readonly rows="5" style="width:100%">${escapeHtml(pixData.copyAndPaste)}</textarea>` +
    `</body></html>`;
}

export async function initiate(ctx, sdk) {
  const { transaction } = ctx;
  const body = ctx.data?.body ?? {};
  const customer = body.customer ?? {};
  if (transaction.currency !== "BRL") return sdk.response.failure("ConnectPSP takes BRL only", 400);
  if (!/^\d+(\.\d{1,2})?$/.test(transaction.amount)) return sdk.response.failure("amount must be reais with at most two decimals", 400);

  const auth = await authHeaders(ctx, sdk);
  if (!auth.ok) return sdk.response.failure(auth.message, 502);

  const request = {
    // ConnectPSP takes reais as a JSON number. JSON has one number type, so the exact decimal
    // string becomes a number only here, with no arithmetic: Number("150.50") serializes as
    // 150.5, the same amount, and a two-decimal value always reads back exactly.
    amount: Number(transaction.amount),
    externalReference: ctx.id,
    webhookUrl: ctx.urls.server.webhook,
    payer: { name: customer.name, document: customer.document },
    ...(body.expirationInMinutes ? { expirationInMinutes: body.expirationInMinutes } : {}),
    // OpenFinance sends the payer to their bank and back to our redirect callback.
    ...(body.openFinance ? { openFinance: { redirectUrl: ctx.urls.server.redirect } } : {}),
  };
  let res;
  try {
    res = await sdk.http.post(`${apiOf(ctx.credential)}/cash-in`, {
      headers: { ...auth.headers, "X-Idempotency-Key": idempotencyKey(ctx, sdk, "cash-in") },
      body: request,
    });
  } catch (err) {
    // No answer: even if ConnectPSP made the charge, nobody has its code or link, so it can only
    // expire unpaid. The deposit is refused rather than left pending forever.
    sdk.logger.warn(`connectpsp cash-in for ${ctx.id} got no answer: ${err.message}`);
    return sdk.response.failure(`ConnectPSP did not answer: ${err.message}`, 504);
  }
  if (!res.success) {
    const message = problemText(res);
    sdk.logger.warn(`connectpsp cash-in refused for ${ctx.id}: ${message}`);
    return sdk.response.failure(message, res.status >= 500 ? 502 : 400);
  }

  const charge = res.data ?? {};
  const common = { orderId: ctx.id, userId: customer.id, status: "PENDING", pspTxnId: charge.transactionId };
  if (body.openFinance) {
    let link;
    try { link = new URL(charge.paymentUrl); } catch { link = null; }
    if (!link || !/^https?:$/.test(link.protocol)) return sdk.response.failure("ConnectPSP returned no usable paymentUrl", 502);
    sdk.logger.info(`connectpsp OpenFinance cash-in ${charge.transactionId} for ${ctx.id}`);
    return sdk.response.success({ ...common, navigation: { type: "redirect", contentType: "url", value: link.href }, message: "OpenFinance payment link" });
  }
  const pixData = charge.pixData ?? {};
  if (typeof pixData.copyAndPaste !== "string" || pixData.copyAndPaste === "") return sdk.response.failure("ConnectPSP returned no PIX code", 502);
  sdk.logger.info(`connectpsp PIX cash-in ${charge.transactionId} for ${ctx.id}`);
  return sdk.response.success({
    ...common,
    navigation: { type: "iframe", contentType: "html", value: pixPage(transaction.amount, pixData) },
    pixCopyAndPaste: pixData.copyAndPaste,
    message: "PIX charge awaiting payment",
  });
}

// The payer came back from OpenFinance: that proves nothing, so ask ConnectPSP.
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

// CASHIN_* events are signed: X-Connect-Signature = hex HMAC-SHA256(CryptoToken, raw body).
// A verified body mirrors GET /cash-in, so its status is used as is.
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
    sdk.logger.warn(`connectpsp ${event.eventType} for another charge (${data.transactionId}) ignored`);
    return sdk.response.success({ status: "PENDING", message: "event for another charge ignored" });
  }
  const status = mapStatus(data.status);
  sdk.logger.info(`connectpsp ${event.eventType} for ${ctx.id}: ${data.status} -> ${status}`);
  return sdk.response.success({ status, pspTxnId: data.transactionId, message: `ConnectPSP ${event.eventType} (${data.status})` });
}

export async function status(ctx, sdk) {
  const r = await lookup(ctx, sdk);
  if (!r.ok) return sdk.response.failure(`status lookup failed: ${r.message}`, 502);
  return sdk.response.success({ status: r.status, pspTxnId: r.pspTxnId, message: r.message });
}
