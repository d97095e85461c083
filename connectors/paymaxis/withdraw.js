// Paymaxis withdrawal (SYS-PSP-WITHDRAW-PAYMAXIS): a card payout (paymentType WITHDRAWAL).
// Runs in the engine's isolate: no Node APIs, only ctx, sdk and web globals.
import { PAYMENTS, auth, cardPayment, describe, mapState, notAPayment, tooLong, wireAmount } from "./common.js";

// Redirect, webhook and status are the same for every Paymaxis payment (see common.js).
export { redirect, webhook, status } from "./common.js";

export async function initiate(ctx, sdk) {
  const amount = wireAmount(ctx.transaction.amount);
  if (amount === null) return tooLong(sdk);
  // How Paymaxis picks the payee's card is not public: modeled as the card the customer
  // deposited with, found by customer.referenceId (the merchant's customer id).
  const body = cardPayment(ctx, "WITHDRAWAL", amount, undefined);
  // No try/catch: without an answer nobody knows whether the payout was made (see notAPayment).
  const res = await sdk.http.post(PAYMENTS, { headers: auth(ctx), body });
  const p = res.data?.result;
  if (!res.success || !p) return notAPayment(ctx, sdk, res, "withdrawal");
  sdk.logger.info(`paymaxis payout ${p.id} created for ${ctx.id}: ${p.state}`);
  return sdk.response.success({ orderId: ctx.id, userId: String(ctx.data?.body?.customer?.id), status: mapState(p.state), pspTxnId: String(p.id), message: describe(p) });
}
