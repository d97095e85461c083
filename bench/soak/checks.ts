import type { Db } from '../../src/store/db.js';
import { defaultTransitionsFor, isTransactionStatus, terminalStatuses, type TransactionStatus, type TransitionMap } from '../../src/transactions/status.js';
import type { Ledger } from './ledger.js';
import type { MerchantReceiver } from './receiver.js';
import type { Tenant } from './tenants.js';

/** One check: what it looked at, how many things broke it, and a few of them. */
export interface CheckResult {
  name: string;
  /** How many things were checked (transactions, transitions, deliveries, ...), named by `unit`. */
  count: number;
  unit: string;
  violations: number;
  examples: string[];
}

interface TransactionRow {
  id: string;
  environment_id: string;
  order_id: string | null;
  action: string;
  status: string;
  version: number;
  flow_definition_id: string;
  next_check_at: Date | null;
  amount_minor: string;
  refunded_minor: string;
  refund_pending_minor: string;
  parent_transaction_id: string | null;
}

interface HistoryRow {
  transaction_id: string;
  seq: number;
  from_status: string | null;
  to_status: string;
}

export interface CheckInputs {
  db: Db;
  ledger: Ledger;
  receiver: MerchantReceiver;
  tenants: readonly Tenant[];
}

/** The five checks of the soak, on the store once the engine has stopped. */
export async function runChecks(inputs: CheckInputs): Promise<CheckResult[]> {
  const { db } = inputs;
  const transactions = (
    await db.query<TransactionRow>(
      `SELECT id, environment_id, order_id, action, status, version, flow_definition_id, next_check_at,
              amount_minor, refunded_minor, refund_pending_minor, parent_transaction_id
         FROM transactions`,
    )
  ).rows;
  return [
    acknowledgedOnce(inputs, transactions),
    await legalHistories(db, transactions),
    settledOrScheduled(transactions),
    await eventsDelivered(inputs),
    refundsWithinDeposits(transactions),
  ];
}

class Findings {
  violations = 0;
  readonly examples: string[] = [];

  add(message: string): void {
    this.violations += 1;
    if (this.examples.length < 5) this.examples.push(message);
  }

  result(name: string, count: number, unit: string): CheckResult {
    return { name, count, unit, violations: this.violations, examples: this.examples };
  }
}

/**
 * 1. Every acknowledged transaction (HTTP 200 with an id) exists exactly once, by id and by its
 * order; no order the soak sent exists twice (a create retried under its key after a lost answer
 * made one); and no answer contradicted another (one key, two transactions).
 */
function acknowledgedOnce(inputs: CheckInputs, transactions: readonly TransactionRow[]): CheckResult {
  const findings = new Findings();
  const environmentOf = new Map(inputs.tenants.map((tenant) => [tenant.index, tenant.environmentId]));
  const byId = new Map(transactions.map((row) => [row.id, row]));
  const perOrder = new Map<string, number>();
  for (const row of transactions) {
    if (row.order_id === null) continue;
    const key = `${row.environment_id}/${row.order_id}`;
    perOrder.set(key, (perOrder.get(key) ?? 0) + 1);
  }
  for (const [key, n] of perOrder) if (n > 1) findings.add(`order ${key} exists ${n} times`);
  for (const acknowledged of inputs.ledger.acknowledged.values()) {
    const row = byId.get(acknowledged.id);
    const environmentId = environmentOf.get(acknowledged.tenant);
    if (row === undefined) findings.add(`acknowledged ${acknowledged.action} ${acknowledged.id} (order ${acknowledged.orderId}) is not in the store`);
    else if (row.environment_id !== environmentId || row.order_id !== acknowledged.orderId) {
      findings.add(`acknowledged ${acknowledged.id} is stored for order ${row.order_id} in ${row.environment_id}, not ${acknowledged.orderId} in ${environmentId}`);
    }
  }
  for (const contradiction of inputs.ledger.contradictions) findings.add(contradiction);
  return findings.result('acknowledged transactions exist exactly once', inputs.ledger.acknowledged.size, 'acknowledged transactions');
}

/**
 * 2. Every history is a gapless chain (seq 1..version, each from the previous to), every hop is
 * allowed by its definition's transition map, a final status is never left, and it ends where the
 * transaction is.
 */
async function legalHistories(db: Db, transactions: readonly TransactionRow[]): Promise<CheckResult> {
  const findings = new Findings();
  const maps = new Map<string, TransitionMap | null>(
    (await db.query<{ id: string; transitions: TransitionMap | null }>('SELECT id, transitions FROM flow_definitions')).rows.map((row) => [row.id, row.transitions]),
  );
  const history = new Map<string, HistoryRow[]>();
  const rows = (await db.query<HistoryRow>('SELECT transaction_id, seq, from_status, to_status FROM transaction_status_history ORDER BY transaction_id, seq')).rows;
  for (const row of rows) {
    const list = history.get(row.transaction_id) ?? [];
    list.push(row);
    history.set(row.transaction_id, list);
  }
  for (const transaction of transactions) {
    const map = maps.get(transaction.flow_definition_id) ?? defaultTransitionsFor(transaction.action);
    const hops = history.get(transaction.id) ?? [];
    const where = `${transaction.action} ${transaction.id}`;
    if (hops.length !== transaction.version) findings.add(`${where}: ${hops.length} history rows for version ${transaction.version}`);
    for (const [index, hop] of hops.entries()) {
      if (hop.seq !== index + 1) {
        findings.add(`${where}: history seq ${hop.seq} where ${index + 1} was due (a gap)`);
        break;
      }
      const previous = index === 0 ? null : hops[index - 1]!.to_status;
      if (hop.from_status !== previous) findings.add(`${where}: seq ${hop.seq} comes from ${hop.from_status}, but the previous status was ${previous}`);
      else if (previous !== null && !allowed(map, previous, hop.to_status)) findings.add(`${where}: illegal ${previous} → ${hop.to_status} at seq ${hop.seq}`);
    }
    const last = hops.at(-1)?.to_status;
    if (last !== transaction.status) findings.add(`${where}: is ${transaction.status} but its history ends at ${last}`);
  }
  return findings.result('no illegal transition, gapless histories', rows.length, 'status changes');
}

function allowed(map: TransitionMap, from: string, to: string): boolean {
  if (!isTransactionStatus(from) || terminalStatuses.has(from)) return false;
  return (map[from] ?? []).includes(to as TransactionStatus);
}

/** 3. Every transaction is final, or scheduled for a status check; none is left waiting for an operator. */
function settledOrScheduled(transactions: readonly TransactionRow[]): CheckResult {
  const findings = new Findings();
  for (const transaction of transactions) {
    if (isTransactionStatus(transaction.status) && terminalStatuses.has(transaction.status)) continue;
    if (transaction.status === 'PENDING_FOR_APPROVAL') findings.add(`${transaction.action} ${transaction.id} still waits for an operator`);
    else if (transaction.next_check_at === null) findings.add(`${transaction.action} ${transaction.id} is ${transaction.status} with no status check scheduled`);
  }
  return findings.result('every transaction final or scheduled for reconciliation', transactions.length, 'transactions');
}

/**
 * 4. Every merchant event reached each endpoint that takes it at least once, every delivery was
 * signed and named its event, and every duplicate carried the same event id and body.
 */
async function eventsDelivered(inputs: CheckInputs): Promise<CheckResult> {
  const findings = new Findings();
  const events = (await inputs.db.query<{ id: string; environment_id: string; type: string }>('SELECT id, environment_id, type FROM merchant_events')).rows;
  const tenants = new Map(inputs.tenants.map((tenant) => [tenant.environmentId, tenant]));
  const accepted = new Map(inputs.tenants.flatMap((tenant) => tenant.endpoints.map((endpoint) => [endpoint.id, inputs.receiver.acceptedBy(endpoint.id)] as const)));
  let expected = 0;
  for (const event of events) {
    for (const endpoint of tenants.get(event.environment_id)?.endpoints ?? []) {
      if (endpoint.events !== null && !endpoint.events.includes(event.type)) continue;
      expected += 1;
      if (!accepted.get(endpoint.id)?.has(event.id)) findings.add(`${event.type} ${event.id} never reached endpoint ${endpoint.id}`);
    }
  }
  for (const problem of inputs.receiver.problems) findings.add(problem);
  findings.violations += inputs.receiver.problemCount - inputs.receiver.problems.length;
  return findings.result('every event reached each subscribed endpoint; duplicates recognisable', expected, 'event deliveries due');
}

/**
 * 5. Money: on every deposit, refunded + pending refunds never exceed the amount and match its
 * refunds (succeeded ones refunded, unsettled ones pending); no refund succeeded on a deposit that
 * is not SUCCESS.
 */
function refundsWithinDeposits(transactions: readonly TransactionRow[]): CheckResult {
  const findings = new Findings();
  const deposits = new Map(transactions.filter((row) => row.action === 'DEPOSIT').map((row) => [row.id, row]));
  const sums = new Map<string, { refunded: bigint; pending: bigint }>();
  for (const refund of transactions) {
    if (refund.action !== 'REFUND' || refund.parent_transaction_id === null) continue;
    const deposit = deposits.get(refund.parent_transaction_id);
    const sum = sums.get(refund.parent_transaction_id) ?? { refunded: 0n, pending: 0n };
    const final = isTransactionStatus(refund.status) && terminalStatuses.has(refund.status);
    if (refund.status === 'SUCCESS' || refund.status === 'COMPLETED') {
      sum.refunded += BigInt(refund.amount_minor);
      if (deposit?.status !== 'SUCCESS') findings.add(`refund ${refund.id} succeeded on deposit ${refund.parent_transaction_id}, which is ${deposit?.status}`);
    } else if (!final) sum.pending += BigInt(refund.amount_minor);
    sums.set(refund.parent_transaction_id, sum);
  }
  for (const deposit of deposits.values()) {
    const amount = BigInt(deposit.amount_minor);
    const refunded = BigInt(deposit.refunded_minor);
    const pending = BigInt(deposit.refund_pending_minor);
    const sum = sums.get(deposit.id) ?? { refunded: 0n, pending: 0n };
    if (refunded + pending > amount) findings.add(`deposit ${deposit.id}: refunded ${refunded} + pending ${pending} > ${amount} (minor units)`);
    if (refunded !== sum.refunded || pending !== sum.pending) {
      findings.add(`deposit ${deposit.id}: records refunded ${refunded}, pending ${pending}; its refunds add up to ${sum.refunded}, ${sum.pending}`);
    }
  }
  return findings.result('refunds within their deposits', deposits.size, 'deposits');
}
