import type { Account } from './accounts.js';
import { newPageToken } from './ids.js';
import type { Transaction } from './transactions.js';

/** The hosted pages a payer acts on: the cashier (deposit or payout), the checkout, the 3DS challenge. */
export type PageKind = 'cashier' | 'checkout' | 'three-ds';

export interface PageSession {
  token: string;
  kind: PageKind;
  account: Account;
  transaction: Transaction;
}

export const pagePaths: Record<PageKind, string> = { cashier: 'cashier', checkout: 'checkout', 'three-ds': '3ds' };

const maxSessions = 100_000;

/**
 * One-time page tokens (004: the cashier "token" is one-time). A token works until the payer
 * decides on its page; then the page is gone and a reload says so.
 */
export class PageSessions {
  readonly #byToken = new Map<string, PageSession>();

  open(kind: PageKind, account: Account, transaction: Transaction): string {
    if (this.#byToken.size >= maxSessions) this.#byToken.delete(this.#byToken.keys().next().value!);
    const token = newPageToken();
    this.#byToken.set(token, { token, kind, account, transaction });
    return token;
  }

  get(kind: PageKind, token: string): PageSession | undefined {
    const session = this.#byToken.get(token);
    return session?.kind === kind ? session : undefined;
  }

  close(token: string): void {
    this.#byToken.delete(token);
  }

  /** The page a payer could still act on for this transaction, for the control API. */
  openPageOf(transaction: Transaction): { kind: PageKind; token: string } | undefined {
    for (const session of this.#byToken.values()) {
      if (session.transaction === transaction) return { kind: session.kind, token: session.token };
    }
    return undefined;
  }
}

export function pageUrl(publicBaseUrl: string, kind: PageKind, token: string): string {
  return `${publicBaseUrl}/${pagePaths[kind]}/${token}`;
}
