import { Counter, type Registry } from 'prom-client';

/** Which transactions a series counts: the action's name and the flow target's catalog id. */
export interface TransactionLabels {
  /** DEPOSIT, WITHDRAW or REFUND. */
  action: string;
  /** The flow target (catalog) id, e.g. ftg_01jt2ctt8veh48mkpcx2bdeatz: bounded, and no tenant's. */
  target: string;
}

/**
 * Transactions created and the statuses they enter. Recorded after the statement that wrote the
 * status has committed and only when it applied: a conditional move that lost a race wrote nothing,
 * so it counts nothing.
 */
export class TransactionMetrics {
  readonly #created: Counter<'action' | 'target'>;
  readonly #statusChanges: Counter<'action' | 'target' | 'status'>;

  constructor(registry: Registry) {
    this.#created = new Counter({
      name: 'connxt_transactions_created_total',
      help: 'Transactions created, by action and flow target.',
      labelNames: ['action', 'target'],
      registers: [registry],
    });
    this.#statusChanges = new Counter({
      name: 'connxt_transaction_status_changes_total',
      help: 'Status changes written (one per history row, creation included), by action, flow target and the status entered.',
      labelNames: ['action', 'target', 'status'],
      registers: [registry],
    });
  }

  /** A transaction was stored, through `statuses` (NEW, CREATED, …): each is a history row too. */
  created(labels: TransactionLabels, statuses: readonly string[]): void {
    this.#created.inc({ action: labels.action, target: labels.target });
    this.entered(labels, statuses);
  }

  /** A move applied: the transaction entered each of `statuses`, in order. */
  entered(labels: TransactionLabels, statuses: readonly string[]): void {
    for (const status of statuses) this.#statusChanges.inc({ action: labels.action, target: labels.target, status });
  }
}
