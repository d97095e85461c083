import type { Faults } from '../kit/faults.js';
import type { SimulatorOptions } from '../kit/simulator.js';
import type { WebhookSender } from '../kit/webhooks.js';
import type { Accounts } from './accounts.js';
import type { Lifecycle } from './lifecycle.js';
import type { PageSessions } from './page-sessions.js';

/** The state of one simulator instance, shared by its route files. */
export interface CubePayContext {
  options: SimulatorOptions;
  faults: Faults;
  sender: WebhookSender;
  accounts: Accounts;
  lifecycle: Lifecycle;
  sessions: PageSessions;
}
