import { newApiKey, newSignaturePassword } from './ids.js';
import { cardRoutes, depositProviders, payoutProviders } from './providers.js';
import type { Transaction } from './transactions.js';

/** A merchant account: its API key, webhook signature password, settings and transactions. */
export interface Account {
  apiKey: string;
  signaturePassword: string;
  /** Modeled: Cube Pay keys can expire (code 1028); tests flip this through the control API. */
  keyExpired: boolean;
  /** Used when a request's `settings.webhook_url` is absent (the back office's account setting). */
  defaultWebhookUrl: string | null;
  /** When set, API calls from other addresses are refused with 1295. */
  ipAllowlist: string[] | null;
  readonly transactions: Map<string, Transaction>;
  /** tracking_id → transaction_id. */
  readonly byTrackingId: Map<string, string>;
}

/** The account the README demo uses; its values are documented there. */
export const demoCredentials = {
  apiKey: 'cpk_test_demo_cubepay_merchant_key',
  signaturePassword: 'spg_test_demo_cubepay_signature_password',
} as const;

/** What POST /_sim/accounts answers, in Cube Pay's own terms. */
export interface AccountCredentials {
  api_key: string;
  signature_password: string;
  provider_id: number;
  routing_id: number;
  payout_provider_id: number;
  webhook_url: string | null;
}

/** Bounds memory when a test or a demo loop creates accounts without end. */
const maxAccounts = 10_000;

export class Accounts {
  readonly #byKey = new Map<string, Account>();

  constructor() {
    this.create({ apiKey: demoCredentials.apiKey, signaturePassword: demoCredentials.signaturePassword });
  }

  create(options: { apiKey?: string; signaturePassword?: string; defaultWebhookUrl?: string | null; ipAllowlist?: string[] | null } = {}): Account {
    if (this.#byKey.size >= maxAccounts) {
      // The oldest account that is not the demo one goes.
      const oldest = [...this.#byKey.keys()].find((key) => key !== demoCredentials.apiKey);
      if (oldest !== undefined) this.#byKey.delete(oldest);
    }
    const account: Account = {
      apiKey: options.apiKey ?? newApiKey(),
      signaturePassword: options.signaturePassword ?? newSignaturePassword(),
      keyExpired: false,
      defaultWebhookUrl: options.defaultWebhookUrl ?? null,
      ipAllowlist: options.ipAllowlist ?? null,
      transactions: new Map(),
      byTrackingId: new Map(),
    };
    this.#byKey.set(account.apiKey, account);
    return account;
  }

  get(apiKey: string): Account | undefined {
    return this.#byKey.get(apiKey);
  }

  /** A transaction of any account by Cube Pay's transaction_id or the merchant's tracking_id (control API). */
  findTransaction(id: string): { account: Account; transaction: Transaction } | undefined {
    for (const account of this.#byKey.values()) {
      const transaction = findIn(account, id);
      if (transaction !== undefined) return { account, transaction };
    }
    return undefined;
  }

  all(): Account[] {
    return [...this.#byKey.values()];
  }
}

/** By tracking_id first (what 004's lookups take), then by Cube Pay's transaction_id. */
export function findIn(account: Account, id: string): Transaction | undefined {
  const byTracking = account.byTrackingId.get(id);
  return account.transactions.get(byTracking ?? id);
}

export function credentialsOf(account: Account): AccountCredentials {
  return {
    api_key: account.apiKey,
    signature_password: account.signaturePassword,
    provider_id: depositProviders[0]!.id,
    routing_id: cardRoutes[0]!.id,
    payout_provider_id: payoutProviders[0]!.id,
    webhook_url: account.defaultWebhookUrl,
  };
}
