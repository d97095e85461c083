/** Every status the original engine knows (PSP-FACTS.md); V2 clients see the first ten. */
export const transactionStatuses = [
  'NEW',
  'CREATED',
  'INITIATED',
  'PG_ACCEPTED',
  'PG_REJECTED',
  'PG_SUCCESS',
  'PG_FAILED',
  'SUCCESS',
  'FAILED',
  'REJECTED',
  'ABANDONED',
  'PENDING_FOR_APPROVAL',
  'APPROVED',
  'COMPLETED',
  'CANCELLED',
] as const;
export type TransactionStatus = (typeof transactionStatuses)[number];

export function isTransactionStatus(value: unknown): value is TransactionStatus {
  return typeof value === 'string' && (transactionStatuses as readonly string[]).includes(value);
}

/** Final everywhere, whatever a definition's map says: money that has settled never moves again. */
export const terminalStatuses: ReadonlySet<TransactionStatus> = new Set([
  'SUCCESS',
  'FAILED',
  'REJECTED',
  'ABANDONED',
  'COMPLETED',
  'CANCELLED',
]);

export type TransitionMap = Readonly<Partial<Record<TransactionStatus, readonly TransactionStatus[]>>>;

const gatewayOutcome: TransitionMap = {
  INITIATED: ['PG_ACCEPTED', 'PG_REJECTED', 'ABANDONED'],
  PG_ACCEPTED: ['PG_SUCCESS', 'PG_FAILED', 'ABANDONED'],
  PG_REJECTED: ['REJECTED'],
  PG_FAILED: ['FAILED'],
};

/**
 * The default map of each action (PSP-FACTS.md). A definition stores its own copy, so a map can
 * change for new definitions without moving the transactions of old ones.
 */
export const defaultTransitions: Readonly<Record<'DEPOSIT' | 'WITHDRAW' | 'REFUND', TransitionMap>> = {
  DEPOSIT: {
    NEW: ['CREATED'],
    CREATED: ['INITIATED'],
    ...gatewayOutcome,
    PG_SUCCESS: ['SUCCESS', 'PENDING_FOR_APPROVAL'],
    PENDING_FOR_APPROVAL: ['APPROVED', 'REJECTED'],
    APPROVED: ['SUCCESS'],
  },
  // Withdrawals may wait for an operator's approval before the script runs.
  WITHDRAW: {
    NEW: ['CREATED'],
    CREATED: ['INITIATED', 'PENDING_FOR_APPROVAL'],
    PENDING_FOR_APPROVAL: ['APPROVED', 'REJECTED'],
    APPROVED: ['INITIATED'],
    ...gatewayOutcome,
    PG_SUCCESS: ['SUCCESS'],
  },
  REFUND: {
    NEW: ['CREATED'],
    CREATED: ['INITIATED'],
    ...gatewayOutcome,
    PG_SUCCESS: ['SUCCESS'],
  },
};

export function defaultTransitionsFor(actionName: string): TransitionMap {
  return defaultTransitions[actionName as keyof typeof defaultTransitions] ?? defaultTransitions.DEPOSIT;
}

/**
 * The statuses to pass through, in order, to get from `from` to `to` (shortest path in the map,
 * `to` included); undefined when the map allows no way there or `from` is final. A move to the
 * status a transaction already has is an empty path: nothing to do.
 */
export function pathBetween(map: TransitionMap, from: TransactionStatus, to: TransactionStatus): TransactionStatus[] | undefined {
  if (from === to) return [];
  if (terminalStatuses.has(from)) return undefined;
  const cameFrom = new Map<TransactionStatus, TransactionStatus>();
  const queue: TransactionStatus[] = [from];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const next of map[current] ?? []) {
      if (next === from || cameFrom.has(next)) continue;
      cameFrom.set(next, current);
      if (next === to) {
        const path: TransactionStatus[] = [to];
        for (let step = current; step !== from; step = cameFrom.get(step)!) path.unshift(step);
        return path;
      }
      // Final statuses are dead ends: a path never passes through one.
      if (!terminalStatuses.has(next)) queue.push(next);
    }
  }
  return undefined;
}

