import type { SimulatorOptions } from '../kit/simulator.js';
import type { WebhookSender } from '../kit/webhooks.js';
import { Accounts } from './accounts.js';
import { CallbackNotifier } from './callbacks.js';
import { Settlement } from './settlement.js';
import { TransactionBook } from './transactions.js';

/** One simulator instance's gateway: its merchants, their transactions, and what settles them. */
export interface SticpayState {
  accounts: Accounts;
  book: TransactionBook;
  settlement: Settlement;
  options: SimulatorOptions;
}

export function createState(options: SimulatorOptions, webhooks: WebhookSender): SticpayState {
  const accounts = new Accounts();
  const book = new TransactionBook();
  const settlement = new Settlement({ accounts, book, notifier: new CallbackNotifier(webhooks), options });
  return { accounts, book, settlement, options };
}
