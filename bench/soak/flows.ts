import { formatMinor, parseAmount } from '../../src/money/amount.js';
import { isTransactionStatus, terminalStatuses } from '../../src/transactions/status.js';
import type { GatewayDriver, KnownTransaction, TransactionRequest } from '../../test/conformance/driver.js';
import {
  createTransaction,
  decideWithdrawal,
  knownFrom,
  sleep,
  transactionsPath,
  withPspTxnId,
  type FlowContext,
} from './client-calls.js';
import { gateways, type Tenant } from './tenants.js';

const isFinal = (status: string) => isTransactionStatus(status) && terminalStatuses.has(status);

/** The share of each kind of flow in the load. */
const flowWeights = { deposit: 45, withdrawal: 20, refund: 15, read: 18, redeliver: 2 } as const;

/** One flow, chosen by the dice. */
export async function runOneFlow(ctx: FlowContext): Promise<void> {
  switch (ctx.dice.weighted(flowWeights)) {
    case 'deposit':
      return depositFlow(ctx);
    case 'withdrawal':
      return withdrawalFlow(ctx);
    case 'refund':
      if (await refundFlow(ctx)) return;
      return readFlow(ctx);
    case 'read':
      return readFlow(ctx);
    case 'redeliver':
      return redeliverFlow(ctx);
  }
}

/**
 * A deposit: the payer pays on the hosted page, the gateway's back office settles it, the payer
 * declines, or nobody does anything (reconciliation and the gateway's own expiry decide). A paid
 * deposit may be refunded later. On Cube Pay, an amount ending in .13 stays pending once paid and
 * is settled a moment later: two webhooks, which a delay fault can swap.
 */
async function depositFlow(ctx: FlowContext): Promise<void> {
  const { tenant, gateway } = pickTenantAndGateway(ctx, gateways);
  const pendingFirst = gateway.name === 'cubepay' && ctx.dice.chance(0.3);
  const request = pendingFirst ? { ...gateway.depositRequest(), txnAmount: '25.13' } : gateway.depositRequest();
  ctx.ledger.counts.deposits += 1;
  const answer = await createTransaction(ctx, tenant, gateway, 'DEPOSIT', request);
  if (answer?.status !== 200) return;
  const tx = knownFrom(answer, request);
  if (tx.status !== 'PG_ACCEPTED') return;
  const sim = tenant.sims.get(gateway.name)!;
  const outcome = ctx.dice.weighted({ pay: 5, backOffice: 1.5, decline: 1.5, unpaid: 2 });
  if (outcome === 'unpaid') return;
  await sleep(ctx.dice.int(0, 300));
  const paid = await onSimulator(ctx, async () => {
    if (outcome === 'decline') return gateway.payer(tx, 'decline', sim);
    if (outcome === 'pay') await gateway.payer(tx, 'pay', sim);
    if (outcome === 'backOffice' || pendingFirst) {
      if (pendingFirst) await sleep(ctx.dice.int(50, 1_500));
      await gateway.settleDeposit(await withPspTxnId(ctx, tenant, tx), sim);
    }
  });
  if (paid && outcome !== 'decline') {
    ctx.ledger.rememberPaid({ id: tx.id, tenant: tenant.index, gateway: gateway.name, amount: tx.amount, currency: tx.currency, paidAt: Date.now() });
  }
}

/**
 * A withdrawal, small or large: below its environment's limit it runs at once, otherwise an
 * operator approves or rejects it (sometimes two operators at once). Most approved ones are then
 * paid out by the gateway's back office; the rest are left to reconciliation.
 */
async function withdrawalFlow(ctx: FlowContext): Promise<void> {
  const { tenant, gateway } = pickTenantAndGateway(ctx, gateways);
  const small = gateway.withdrawalRequest();
  const request = ctx.dice.chance(0.5) ? small : { ...small, txnAmount: plusHundred(small.txnAmount) };
  ctx.ledger.counts.withdrawals += 1;
  const answer = await createTransaction(ctx, tenant, gateway, 'WITHDRAW', request);
  if (answer?.status !== 200) return;
  let tx = knownFrom(answer, request);
  if (tx.status === 'PENDING_FOR_APPROVAL') {
    await sleep(ctx.dice.int(0, 500));
    const approved = await decideWithdrawal(ctx, tenant, tx.id, ctx.dice.chance(0.7));
    if (approved === undefined) return;
    tx = knownFrom(approved, request);
  }
  if (isFinal(tx.status) || ctx.dice.chance(0.3)) return;
  await sleep(ctx.dice.int(0, 500));
  const sim = tenant.sims.get(gateway.name)!;
  await onSimulator(ctx, async () => gateway.settleWithdrawal(await withPspTxnId(ctx, tenant, tx), sim));
}

/**
 * A refund of a paid deposit: the whole amount, or half of it where the gateway refunds part of a
 * payment (the rest may be refunded later); now and then two refunds of it at the same moment, of
 * which at most one may take the money.
 */
async function refundFlow(ctx: FlowContext): Promise<boolean> {
  const refundable = gateways.filter((gateway) => gateway.actions.includes('REFUND')).map((gateway) => gateway.name);
  const deposit = ctx.ledger.takePaidDeposit(refundable, 1_000, (n) => ctx.dice.int(0, n - 1));
  if (deposit === undefined) return false;
  const gateway = gateways.find((g) => g.name === deposit.gateway)!;
  const tenant = ctx.tenants[deposit.tenant]!;
  ctx.ledger.counts.refunds += 1;
  const parent: KnownTransaction = {
    id: deposit.id,
    pspTxnId: null,
    amount: deposit.amount,
    currency: deposit.currency,
    navigationUrl: undefined,
    createResponse: {},
  };
  const partial = gateway.partialRefunds && ctx.dice.chance(0.5) ? halves(deposit.amount, deposit.currency) : undefined;
  const request: TransactionRequest = { ...gateway.refundRequest(parent), ...(partial ? { txnAmount: partial.half } : {}) };
  const racing = ctx.dice.chance(0.2);
  if (racing) ctx.ledger.counts.racingRefunds += 1;
  const answers = await Promise.all(Array.from({ length: racing ? 2 : 1 }, () => createTransaction(ctx, tenant, gateway, 'REFUND', request)));
  for (const answer of answers) {
    if (answer === undefined) continue;
    if (answer.status === 400) ctx.ledger.counts.refusedRefunds += 1;
    if (answer.status !== 200) continue;
    const refund = knownFrom(answer, request);
    if (!isFinal(refund.status)) {
      await onSimulator(ctx, async () => gateway.settleRefund(await withPspTxnId(ctx, tenant, refund), tenant.sims.get(gateway.name)!));
    }
  }
  if (partial !== undefined && !racing) ctx.ledger.rememberPaid({ ...deposit, amount: partial.rest });
  return true;
}

/** Reads: one acknowledged transaction, a page (and the next) of a filtered list, or the PSPs. */
async function readFlow(ctx: FlowContext): Promise<void> {
  const tenant = ctx.dice.pick(ctx.tenants);
  ctx.ledger.counts.reads += 1;
  const read = async (path: string) => ctx.api.call('GET', path, { token: tenant.token }).catch(() => undefined);
  const ids = ctx.ledger.idsByTenant.get(tenant.index) ?? [];
  switch (ctx.dice.weighted({ one: 3, list: 2, psps: 1 })) {
    case 'one': {
      if (ids.length === 0) return;
      const id = ctx.dice.pick(ids);
      const answer = await read(`${transactionsPath}/${id}`);
      if (answer?.status === 404) ctx.ledger.contradict(`acknowledged transaction ${id} answered 404`);
      return;
    }
    case 'list': {
      const status = ctx.dice.pick(['', 'SUCCESS', 'PG_ACCEPTED', 'REJECTED', 'PENDING_FOR_APPROVAL']);
      const first = await read(`${transactionsPath}?limit=20${status === '' ? '' : `&status=${status}`}`);
      const cursor = first?.body.data?.nextCursor as string | null | undefined;
      if (cursor) await read(`${transactionsPath}?limit=20${status === '' ? '' : `&status=${status}`}&cursor=${encodeURIComponent(cursor)}`);
      return;
    }
    case 'psps':
      await read('/connxt/v2/psps?limit=10');
  }
}

/** An operator sends a recent event again (admin API): its endpoints get a copy under the same event id. */
async function redeliverFlow(ctx: FlowContext): Promise<void> {
  const tenant = ctx.dice.pick(ctx.tenants);
  const events = `/admin/v1/environments/${tenant.environmentId}/events`;
  const page = await ctx.api.call('GET', `${events}?limit=20`, { admin: true }).catch(() => undefined);
  const items = page?.status === 200 ? (page.body.data.items as { id: string }[]) : [];
  if (items.length === 0) return;
  ctx.ledger.counts.redeliveries += 1;
  await ctx.api.call('POST', `${events}/${ctx.dice.pick(items).id}/redeliver`, { admin: true, body: {} }).catch(() => undefined);
}

/**
 * The soak decides every withdrawal: what still waits for an operator when the load is over is
 * approved or rejected now (a minute at most).
 */
export async function decideWaitingWithdrawals(ctx: FlowContext): Promise<void> {
  const tried = new Set<string>();
  for (const tenant of ctx.tenants) {
    while (!ctx.givingUp()) {
      const page = await ctx.api.call('GET', `${transactionsPath}?status=PENDING_FOR_APPROVAL&limit=200`, { token: tenant.token });
      const waiting = page.status === 200 ? (page.body.data.items as { txnId: string }[]).filter((item) => !tried.has(item.txnId)) : [];
      if (waiting.length === 0) break;
      for (const { txnId } of waiting) {
        tried.add(txnId);
        await decideWithdrawal(ctx, tenant, txnId, ctx.dice.chance(0.7), 'sweep');
      }
    }
  }
}

function pickTenantAndGateway(ctx: FlowContext, choices: readonly GatewayDriver[]): { tenant: Tenant; gateway: GatewayDriver } {
  return { tenant: ctx.dice.pick(ctx.tenants), gateway: ctx.dice.pick(choices) };
}

/** A payer's or back office's step on a simulator; it can fail (the engine down for the payer's redirect). */
async function onSimulator(ctx: FlowContext, step: () => Promise<void>): Promise<boolean> {
  try {
    await step();
    return true;
  } catch {
    ctx.ledger.counts.payerErrors += 1;
    return false;
  }
}

/** The test-data amounts keep their cents (which decide the simulator's behaviour); 100 more above them. */
function plusHundred(amount: string): string {
  const [units, cents = '00'] = amount.split('.');
  return `${Number(units) + 100}.${cents}`;
}

function halves(amount: string, currency: string): { half: string; rest: string } | undefined {
  const parsed = parseAmount(amount, currency);
  if (!parsed.ok) return undefined;
  const minor = BigInt(parsed.money.minor);
  if (minor < 2n) return undefined;
  return { half: formatMinor(minor / 2n, currency), rest: formatMinor(minor - minor / 2n, currency) };
}
