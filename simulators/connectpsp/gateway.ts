import type { Accounts } from './accounts.js';
import type { SimClock } from './clock.js';
import type { Ledger } from './ledger.js';
import type { Notifier } from './webhooks.js';

/** What the resource operations share: the simulator's state and its outward effects. */
export interface Gateway {
  clock: SimClock;
  accounts: Accounts;
  ledger: Ledger;
  notifier: Notifier;
  /** Absolute URL of the simulator's mount; hosted-page links and the BR Code location hang off it. */
  publicBaseUrl: string;
  /** Multiplies gateway-side delays (automatic cash-out settlement). */
  timeScale: number;
  /** Runs `fn` after `delayMs` unless the simulator closes first. */
  later(delayMs: number, fn: () => void): void;
}

/** The wallet's banking partner (the simulator models one of the three the spec names). */
export const walletBank = { ispb: '13935893', bank: 'Celcoin', branch: '0001' } as const;
