// ConnectPSP deposit (SYS-PSP-DEPOSIT-CONNECTPSP): a PIX cash-in, paid with the BR Code
// ("Pix Copia e Cola" and its QR image, shown by us) or through ConnectPSP's OpenFinance link.
// Runs in the engine's V8 isolate: no Node APIs, only ctx, sdk and web globals.

import {
  amountProblem, apiOf, authHeaders, idempotencyKey, ownLookup, ownWebhookStep, problemText, reais, redirectStep,
  statusMapper, statusStep,
} from "./common.js";

// The one place where ConnectPSP cash-in statuses become ours; anything unknown stays PENDING.
// REFUNDED means the charge was paid and later given back by a refund, which is a transaction of
// its own: the deposit itself succeeded, so a CASHIN_REFUNDED event never moves it.
const mapStatus = statusMapper(new Map([
  ["AWAITING_PAYMENT", "PENDING"],
  ["PAID", "SUCCESS"],
  ["REFUNDED", "SUCCESS"],
  ["EXPIRED", "FAILED"],
  ["CANCELLED", "FAILED"],
]));

// GET /cash-in/{id}: the authoritative status, shared by status and redirect.
const lookup = ownLookup("cash-in", "deposit", (cashIn, ctx, sdk) => {
  const status = mapStatus(cashIn.status);
  sdk.logger.info(`connectpsp cash-in ${ctx.transaction.pspTxnId}: ${cashIn.status} -> ${status}`);
  return { status, message: `ConnectPSP status ${cashIn.status}`, pspTxnId: cashIn.transactionId };
});

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
  const invalid = amountProblem(transaction);
  if (invalid) return sdk.response.failure(invalid, 400);

  const auth = await authHeaders(ctx, sdk);
  if (!auth.ok) return sdk.response.failure(auth.message, 502);

  const request = {
    amount: reais(transaction.amount),
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
export const redirect = redirectStep(lookup);

// CASHIN_* events are signed (verifiedEvent). A verified body mirrors GET /cash-in, so its status is used as is.
export const webhook = ownWebhookStep("charge", (data, event) => ({
  status: mapStatus(data.status),
  pspTxnId: data.transactionId,
  message: `ConnectPSP ${event.eventType} (${data.status})`,
}));

export const status = statusStep(lookup);
