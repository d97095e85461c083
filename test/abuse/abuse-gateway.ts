/**
 * The gateway the abuse suite pays through: a custom flow target that calls no network (so that
 * ten thousand requests cost CPU only) but behaves like a careful connector otherwise. It logs
 * what it is given, cards included, so that masking is tested on hostile input; it checks a
 * webhook's HMAC signature; and it passes the gateway's own text (messages, ids) on to the
 * engine, the way real connectors do, so that odd unicode from outside reaches the store.
 */
export const abuseGatewayScript = `
const finals = ["SUCCESS", "FAILED", "PENDING"];
const statusOf = (value) => (typeof value === "string" && finals.includes(value.toUpperCase()) ? value.toUpperCase() : "PENDING");
const textOf = (value) => (typeof value === "string" && value !== "" ? value.slice(0, 500) : undefined);
const idOf = (value) => (typeof value === "string" && value !== "" && value.length <= 128 ? value : undefined);
const objectOf = (value) => (typeof value === "object" && value !== null && !Array.isArray(value) ? value : {});

export async function initiate(ctx, sdk) {
  const body = ctx.data.body;
  sdk.logger.info("initiate", body, "with key", ctx.credential.apiKey);
  const customer = objectOf(body.customer);
  const base = { orderId: ctx.id, userId: String(customer.id ?? "anonymous"), pspTxnId: "abuse-" + ctx.id, message: textOf(body.note) };
  if (ctx.transaction.action === "DEPOSIT") {
    return sdk.response.success({ ...base, status: "PENDING", navigation: { type: "redirect", contentType: "url", value: "https://pay.abuse.example/" + ctx.id } });
  }
  return sdk.response.success({ ...base, status: statusOf(body.outcome) });
}

// Signed as most gateways sign: hex HMAC-SHA256 of the exact body under the API key.
export async function webhook(ctx, sdk) {
  sdk.logger.info("webhook", ctx.data.headers, ctx.data.query, ctx.data.body);
  const expected = sdk.crypto.hmac("sha256", ctx.credential.apiKey, ctx.data.rawBody);
  if (!sdk.crypto.timingSafeEqual(expected, String(ctx.data.headers["x-abuse-signature"] ?? ""))) {
    return sdk.response.failure("invalid signature", 401);
  }
  const body = objectOf(ctx.data.body);
  return sdk.response.success({ status: statusOf(body.state), pspTxnId: idOf(body.id), message: textOf(body.message) ?? textOf(ctx.data.query.note) });
}

export async function redirect(ctx, sdk) {
  sdk.logger.info("redirect", ctx.data.query, ctx.data.body);
  const query = ctx.data.query;
  if (query.to === "script") return sdk.response.redirect("https://shop.abuse.example/back?o=" + ctx.id, {});
  return sdk.response.success({ status: statusOf(query.status), message: textOf(query.note) });
}

export async function status(ctx, sdk) {
  return sdk.response.success({ status: "PENDING" });
}
`;

export const abuseCredentialSchema = {
  type: 'object',
  required: ['apiKey'],
  properties: { apiKey: { type: 'string', minLength: 8 }, secretWord: { type: 'string' } },
  additionalProperties: false,
};
