import type { CatalogSnapshot } from '../catalog/catalog-service.js';

const day = 24 * 60 * 60;

/**
 * How long a transaction may stay unsettled when its definition does not say. A deposit's payer
 * is gone within a day; money going out (withdrawals, refunds) can sit in a PSP's queue or wait
 * for its back office for days, and giving up on it too early would hide a payout that happened.
 */
const defaultTimeToLiveSeconds: Readonly<Record<string, number>> = {
  DEPOSIT: 1 * day,
  WITHDRAW: 7 * day,
  REFUND: 7 * day,
};

/** The transaction's time to live in seconds: its definition's (manifest `timeToLiveSeconds`), else the action's default. */
export function timeToLiveSeconds(
  snapshot: CatalogSnapshot,
  transaction: { flowTargetId: string; flowDefinitionId: string; action: string },
): number {
  const target = snapshot.targets.get(transaction.flowTargetId);
  const definition = target === undefined ? undefined : [...target.definitions.values()].find((d) => d.id === transaction.flowDefinitionId);
  return definition?.timeToLiveSeconds ?? defaultTimeToLiveSeconds[transaction.action] ?? 1 * day;
}

/** "1 day", "7 days", "2 hours": for history details a person reads. */
export function describeSeconds(seconds: number): string {
  const units: [number, string][] = [[day, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${name}${seconds / size === 1 ? '' : 's'}`;
  }
  return `${seconds} seconds`;
}
