import { knownTransaction, type GatewayDriver, type KnownTransaction, type TransactionRequest } from '../../test/conformance/driver.js';
import type { Dice } from './dice.js';
import { ConnectionLost, isStillInFlight, type Answer, type EngineApi } from './engine-api.js';
import type { Ledger } from './ledger.js';
import { actionIds, type Action, type Tenant } from './tenants.js';

/** What every flow works with. */
export interface FlowContext {
  api: EngineApi;
  tenants: readonly Tenant[];
  ledger: Ledger;
  dice: Dice;
  /** A fresh merchant order id. */
  nextOrderId(): string;
  /** True once the load is over and its grace spent: retry loops stop. */
  givingUp(): boolean;
}

export const transactionsPath = '/connxt/v2/transactions';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How long a request keeps being retried while its key is held by an earlier attempt (409). Longer
 * than the engine may take to answer (a gateway that never answers costs its 10 s HTTP timeout); an
 * attempt cut by a kill holds its key for the engine's claim timeout (60 s), and the soak does not
 * wait that long: it gives the 409 back and moves on.
 */
const inFlightPatienceMs = 12_000;

/**
 * Sends a POST under an Idempotency-Key until it has a definitive answer, as a careful client
 * does: after a connection error (the engine down, a reset, an answer abandoned on purpose), after
 * a 5xx (which frees the key), and while the key is held by an earlier attempt (409, for a while),
 * it sends the same request again. Answers undefined if the load ended first.
 */
export async function untilAnswered(
  ctx: FlowContext,
  tenant: Tenant,
  path: string,
  body: unknown,
  key: string,
  options: { abandonFirstAfterMs?: number } = {},
): Promise<Answer | undefined> {
  let lostConnection = false;
  let heldSince: number | undefined;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const abandon = attempt === 0 ? options.abandonFirstAfterMs : undefined;
      ctx.ledger.lastStartedAt = Date.now();
      const answer = await ctx.api.call('POST', path, { token: tenant.token, body, idempotencyKey: key, ...(abandon === undefined ? {} : { abandonAfterMs: abandon }) });
      if (isStillInFlight(answer)) {
        heldSince ??= Date.now();
        if (Date.now() - heldSince > inFlightPatienceMs) {
          ctx.ledger.counts.keysLeftHeld += 1;
          return answer;
        }
      } else if (answer.status < 500) return answer;
    } catch (err) {
      if (!(err instanceof ConnectionLost)) throw err;
      if (!lostConnection && !(attempt === 0 && options.abandonFirstAfterMs !== undefined)) ctx.ledger.counts.retriedAfterConnectionError += 1;
      lostConnection = true;
    }
    if (ctx.givingUp()) return undefined;
    await sleep(Math.min(2_000, 50 * 2 ** Math.min(attempt, 6)) + ctx.dice.int(0, 100));
  }
}

/**
 * Creates a transaction with a fresh order id, the way the dice say: without a key, under a key,
 * twice at once under one key, or abandoning the first answer and retrying under its key. Every
 * 200 is written to the ledger as acknowledged.
 */
export async function createTransaction(
  ctx: FlowContext,
  tenant: Tenant,
  gateway: GatewayDriver,
  action: Action,
  request: TransactionRequest,
): Promise<Answer | undefined> {
  const orderId = ctx.nextOrderId();
  const { parentTxnId, ...rest } = request;
  const body = {
    pspId: tenant.psps.get(gateway.name),
    flowActionId: actionIds[action],
    flowTargetId: gateway.targetId,
    ...rest,
    executePayload: { body: { ...rest.executePayload.body, order: { id: orderId } } },
    ...(parentTxnId === undefined ? {} : { parentTxnId }),
  };
  ctx.ledger.ordersTried.add(`${tenant.index}/${orderId}`);
  ctx.ledger.lastStartedAt = Date.now();
  const mode = ctx.dice.weighted({ plain: 2, keyed: 5, duplicate: 1.5, lostAnswer: 1.5 });
  const key = mode === 'plain' ? undefined : `soak-${orderId}`;
  let answers: (Answer | undefined)[];
  if (key === undefined) {
    answers = [await ctx.api.call('POST', transactionsPath, { token: tenant.token, body }).catch(lostAnswer)];
  } else if (mode === 'duplicate') {
    ctx.ledger.counts.duplicateCreates += 1;
    answers = await Promise.all([untilAnswered(ctx, tenant, transactionsPath, body, key), untilAnswered(ctx, tenant, transactionsPath, body, key)]);
  } else if (mode === 'lostAnswer') {
    ctx.ledger.counts.lostAnswers += 1;
    answers = [await untilAnswered(ctx, tenant, transactionsPath, body, key, { abandonFirstAfterMs: ctx.dice.int(2, 60) })];
  } else {
    answers = [await untilAnswered(ctx, tenant, transactionsPath, body, key)];
  }
  for (const answer of answers) {
    const txnId = answer?.status === 200 ? (answer.body.data?.txnId as string | undefined) : undefined;
    if (txnId !== undefined) ctx.ledger.acknowledge({ id: txnId, tenant: tenant.index, orderId, action, gateway: gateway.name }, key);
  }
  const answer = answers.find((a) => a !== undefined);
  if (answer === undefined) ctx.ledger.counts.abandonedFlows += 1;
  return answer;
}

/** A create without a key whose connection broke: nothing to retry safely, the order is left as it is. */
function lostAnswer(err: unknown): undefined {
  if (err instanceof ConnectionLost) return undefined;
  throw err;
}

/**
 * An operator approves or rejects a withdrawal waiting for approval (under an Idempotency-Key);
 * now and then a second operator decides it at the same moment, and then exactly one of them may
 * succeed. Answers the approval's answer when the withdrawal was approved (and now runs). `who`
 * names the operator in the Idempotency-Keys.
 */
export async function decideWithdrawal(ctx: FlowContext, tenant: Tenant, txnId: string, approve: boolean, who = 'operator'): Promise<Answer | undefined> {
  const send = async (approveIt: boolean, key: string) => {
    const path = `${transactionsPath}/${txnId}/${approveIt ? 'approve' : 'reject'}`;
    const answer = await untilAnswered(ctx, tenant, path, approveIt ? undefined : { reason: 'soak: refused by the operator' }, key);
    return { approveIt, answer };
  };
  const racing = ctx.dice.chance(0.1);
  if (racing) ctx.ledger.counts.racingDecisions += 1;
  const decisions = await Promise.all([send(approve, `soak-${who}-${txnId}-1`), ...(racing ? [send(ctx.dice.chance(0.5), `soak-${who}-${txnId}-2`)] : [])]);
  const decided = decisions.filter((decision) => decision.answer?.status === 200);
  if (decided.length > 1) ctx.ledger.contradict(`withdrawal ${txnId}: two operators' decisions both succeeded`);
  const first = decided[0];
  if (first === undefined) return undefined;
  if (first.approveIt) ctx.ledger.counts.approvals += 1;
  else ctx.ledger.counts.rejections += 1;
  return first.approveIt ? first.answer : undefined;
}

/** What a gateway driver is told about a transaction, from the answer that created (or approved) it. */
export function knownFrom(answer: Answer, request: TransactionRequest): KnownTransaction & { status: string } {
  return knownTransaction(answer.body.data, request);
}

/** The transaction with its gateway id, read from the engine when the answer did not carry it. */
export async function withPspTxnId<T extends KnownTransaction>(ctx: FlowContext, tenant: Tenant, tx: T): Promise<T> {
  if (tx.pspTxnId !== null) return tx;
  const read = await ctx.api.call('GET', `${transactionsPath}/${tx.id}`, { token: tenant.token });
  return { ...tx, pspTxnId: (read.body.data?.pspTxnId as string | null | undefined) ?? null };
}
