/**
 * The providers every simulated merchant account has configured (Cube Pay's "Settings -
 * Providers" and "Provider Rules"). 004 uses 210 as both a provider id and a routing id in its
 * examples; the simulator gives each kind its own range so that a wrong id is caught.
 */
export interface Provider {
  id: number;
  /** The name webhooks carry in `provider` (004's example: "simulator"). */
  name: string;
  label: string;
}

/** Hosted checkout (Direct Integration `provider_id`) and the deposit cashier's list. */
export const depositProviders: readonly Provider[] = [
  { id: 210, name: 'simulator', label: 'Card (simulator)' },
  { id: 211, name: 'simulator_bank', label: 'Bank transfer (simulator)' },
];

/** Server-to-server card payments (`routing_id`). */
export const cardRoutes: readonly Provider[] = [{ id: 310, name: 'simulator_card', label: 'Card acquirer (simulator)' }];

/** The withdrawal cashier's payout providers. */
export const payoutProviders: readonly Provider[] = [
  { id: 410, name: 'simulator_payout', label: 'Bank payout (simulator)' },
  { id: 411, name: 'simulator_wallet_payout', label: 'E-wallet payout (simulator)' },
];

export function findProvider(list: readonly Provider[], id: unknown): Provider | undefined {
  const wanted = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id;
  return list.find((p) => p.id === wanted);
}
