// Paymaxis refund (SYS-PSP-REFUND-PAYMAXIS): paymentType REFUND of a completed deposit, named by
// parentPaymentId. Paymaxis allows partial refunds up to what is left of the deposit.
// Runs in the engine's isolate: no Node APIs, only ctx, sdk and web globals.
import { PAYMENTS, auth, describe, mapState, notAPayment, tooLong, wireAmount } from "./common.js";

// Redirect, webhook and status are the same for every Paymaxis payment (see common.js).
export { redirect, webhook, status } from "./common.js";

export async function initiate(ctx, sdk) {
  const { transaction } = ctx;
  const parentPaymentId = transaction.parent?.pspTxnId;
  if (!parentPaymentId) return sdk.response.failure("the deposit to refund has no Paymaxis payment id", 400);
  const amount = wireAmount(transaction.amount);
  if (amount === null) return tooLong(sdk);
  const body = {
    paymentType: "REFUND",
    parentPaymentId,
    amount,
    currency: transaction.currency,
    referenceId: ctx.id,
    description: ctx.data?.body?.reason,
    webhookUrl: ctx.urls.server.webhook,
  };
  // No try/catch: without an answer nobody knows whether the refund was made (see notAPayment).
  const res = await sdk.http.post(PAYMENTS, { headers: auth(ctx), body });
  const p = res.data?.result;
  if (!res.success || !p) return notAPayment(ctx, sdk, res, "refund");
  sdk.logger.info(`paymaxis refund ${p.id} of ${parentPaymentId} created for ${ctx.id}: ${p.state}`);
  return sdk.response.success({ orderId: ctx.id, status: mapState(p.state), pspTxnId: String(p.id), message: describe(p) });
}
