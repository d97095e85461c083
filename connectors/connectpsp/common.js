// ConnectPSP: what deposit.js, withdraw.js and refund.js share (manifest "modules"). Linked fresh
// for every run in the same V8 isolate as the script: no Node APIs, only sdk and web globals, and
// nothing here survives between runs.

// The engine's host map is what points a test environment at a simulator, so scripts always
// name the real hosts; `credential.environment` picks ConnectPSP's staging (homologação).
const HOSTS = { production: "https://api.connectpsp.com", staging: "https://api.homologacao.connectpsp.com" };
export const apiOf = (credential) => HOSTS[credential.environment] ?? HOSTS.production;

// Each action keeps its own status map (a cash-in, a cash-out and a refund read statuses
// differently); this is how any of them is read: case-insensitive, and anything unknown stays PENDING.
export const statusMapper = (map) => (s) => map.get(String(s ?? "").toUpperCase()) ?? "PENDING";

// Errors are RFC 7807 problem+json {type, title, status, code, detail}; never echo our request.
export function problemText(res) {
  const d = res.data;
  if (d && typeof d === "object" && typeof d.code === "string") return `${d.code}: ${d.detail ?? d.title ?? ""}`.trim();
  return `ConnectPSP HTTP ${res.status}`;
}

// Scripts keep nothing between runs, so every run asks for its own token (valid one hour).
// Financial calls (cash-out, refund) also carry DigitalSignature = hex HMAC-SHA256(CryptoToken, raw access token).
export async function authHeaders(ctx, sdk, { signed = false } = {}) {
  const { clientId, clientSecret, applicationToken, cryptoToken } = ctx.credential;
  const res = await sdk.http.post(`${apiOf(ctx.credential)}/auth/token`, { body: { clientId, clientSecret } });
  if (!res.success || typeof res.data?.accessToken !== "string") return { ok: false, message: `token refused: ${problemText(res)}` };
  const token = res.data.accessToken;
  const headers = { Authorization: `Bearer ${token}`, ApplicationToken: applicationToken };
  if (signed) headers.DigitalSignature = sdk.crypto.hmac("sha256", cryptoToken, token, "hex");
  return { ok: true, headers };
}

// A UUID v4-shaped X-Idempotency-Key derived from our transaction id and the call's purpose: the
// same transaction always sends the same key, so a repeated request gets the original answer back
// (the original charge or cash-out, never a second one; a refund instead of CASH_IN_ALREADY_REFUNDED).
export function idempotencyKey(ctx, sdk, purpose) {
  const h = sdk.crypto.hash("sha256", `connxt:connectpsp:${purpose}:${ctx.id}`, "hex");
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// Cash-in and cash-out move BRL only, in reais with at most two decimals: the reason to refuse, or null.
export function amountProblem(transaction) {
  if (transaction.currency !== "BRL") return "ConnectPSP takes BRL only";
  if (!/^\d+(\.\d{1,2})?$/.test(transaction.amount)) return "amount must be reais with at most two decimals";
  return null;
}

// ConnectPSP takes reais as a JSON number. JSON has one number type, so the exact decimal
// string becomes a number only here, with no arithmetic: Number("150.50") serializes as
// 150.5, the same amount, and a two-decimal value always reads back exactly.
export const reais = (amount) => Number(amount);

// GET /cash-in/{id} or /cash-out/{id} with a fresh token: {ok: true, data} or {ok: false, message}.
export async function fetchRecord(ctx, sdk, kind, id) {
  const auth = await authHeaders(ctx, sdk);
  if (!auth.ok) return auth;
  const res = await sdk.http.get(`${apiOf(ctx.credential)}/${kind}/${encodeURIComponent(id)}`, { headers: auth.headers });
  if (!res.success) return { ok: false, message: `${kind} lookup failed: ${problemText(res)}` };
  return { ok: true, data: res.data };
}

// The lookup of a deposit or a withdrawal: its own cash-in/cash-out, by the transactionId we
// recorded, is the authoritative status. Only an answer naming our id as externalReference counts;
// `read(data, ctx, sdk)` turns it into {status, pspTxnId, message}.
export const ownLookup = (kind, noun, read) => async (ctx, sdk) => {
  const id = ctx.transaction.pspTxnId;
  if (!id) return { ok: false, message: `no ConnectPSP transactionId recorded for this ${noun}` };
  const r = await fetchRecord(ctx, sdk, kind, id);
  if (!r.ok) return r;
  if (r.data?.externalReference !== ctx.id) return { ok: false, message: `ConnectPSP answered with another ${kind}` };
  return { ok: true, ...read(r.data, ctx, sdk) };
};

// A money-moving POST (cash-out, refund): signed, with the idempotency key for `purpose`.
// A 5xx leaves the outcome open; the same key makes one more try safe (it answers the original
// if there is one). A transport error is not caught: the engine then keeps the transaction
// pending, because money may have moved, and the status lookup settles it.
// Answers {done: response} to return as is, or {res} for an accepted request.
export async function postMoney(ctx, sdk, purpose, url, body) {
  const key = idempotencyKey(ctx, sdk, purpose);
  const send = async () => {
    const auth = await authHeaders(ctx, sdk, { signed: true });
    if (!auth.ok) return { auth };
    const res = await sdk.http.post(url, { headers: { ...auth.headers, "X-Idempotency-Key": key }, body });
    return { res };
  };

  const first = await send();
  if (first.auth) return { done: sdk.response.failure(first.auth.message, 502) }; // nothing was sent
  let res = first.res;
  if (res.status >= 500) {
    sdk.logger.warn(`connectpsp ${purpose} for ${ctx.id}: HTTP ${res.status}, retrying with the same idempotency key`);
    res = (await send()).res ?? res; // a token refused on the retry leaves the first answer standing
  }
  if (res.status >= 500) {
    return { done: sdk.response.success({ status: "PENDING", message: `ConnectPSP answered ${problemText(res)}; outcome unknown` }) };
  }
  if (!res.success) {
    const message = problemText(res);
    sdk.logger.warn(`connectpsp ${purpose} refused for ${ctx.id}: ${message}`);
    return { done: sdk.response.failure(message, 400) };
  }
  return { res };
}

// Events are trusted only when signed: X-Connect-Signature = hex HMAC-SHA256(CryptoToken, raw body),
// compared in constant time. Answers {done: response} to return as is, or the verified {event, data}.
export function verifiedEvent(ctx, sdk) {
  const raw = typeof ctx.data?.rawBody === "string" ? ctx.data.rawBody : "";
  const given = ctx.data?.headers?.["x-connect-signature"];
  const expected = sdk.crypto.hmac("sha256", ctx.credential.cryptoToken, raw, "hex");
  if (typeof given !== "string" || !sdk.crypto.timingSafeEqual(given, expected)) {
    sdk.logger.warn(`connectpsp webhook for ${ctx.id} with a bad or missing signature`);
    return { done: sdk.response.failure("invalid signature", 401) };
  }
  let event;
  try { event = JSON.parse(raw); } catch { event = null; }
  const data = event?.data;
  if (!data || typeof data !== "object") return { done: sdk.response.failure("malformed event", 400) };
  return { event, data };
}

// The webhook step of a deposit or a withdrawal: a signed event naming our transaction id as
// externalReference, read by `read(data, event)` into the answer. One about another record moves
// nothing and is answered PENDING.
export const ownWebhookStep = (noun, read) => async (ctx, sdk) => {
  const { done, event, data } = verifiedEvent(ctx, sdk);
  if (done) return done;
  if (data.externalReference !== ctx.id) {
    sdk.logger.warn(`connectpsp ${event.eventType} for another ${noun} (${data.transactionId}) ignored`);
    return sdk.response.success({ status: "PENDING", message: `event for another ${noun} ignored` });
  }
  const answer = read(data, event);
  sdk.logger.info(`connectpsp ${event.eventType} for ${ctx.id}: ${data.status} -> ${answer.status}`);
  return sdk.response.success(answer);
};

// The redirect step of every action: a return to our page proves nothing, so the answer is the
// lookup's, and PENDING whenever the lookup cannot tell.
export const redirectStep = (lookup) => async (ctx, sdk) => {
  let r;
  try { r = await lookup(ctx, sdk); } catch (err) { r = { ok: false, message: err.message }; }
  return sdk.response.success({
    orderId: ctx.id,
    timestamp: new Date().toISOString(),
    status: r.ok ? r.status : "PENDING",
    message: r.message,
  });
};

// The status step of every action: the lookup's answer, or a failure saying why there is none.
export const statusStep = (lookup) => async (ctx, sdk) => {
  const r = await lookup(ctx, sdk);
  if (!r.ok) return sdk.response.failure(`status lookup failed: ${r.message}`, 502);
  return sdk.response.success({ status: r.status, pspTxnId: r.pspTxnId, message: r.message });
};
