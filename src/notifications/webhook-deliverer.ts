import type { Clock } from '../clock.js';
import type { DeliveryJob } from '../jobs/job-queue.js';
import type { Logger } from '../logger.js';
import type { CredentialCipher } from '../psps/credential-cipher.js';
import type { Db } from '../store/db.js';

export interface WebhookDelivererDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  cipher: CredentialCipher;
}

/** Delivers one merchant event to one endpoint, signed, and logs the attempt. */
export class WebhookDeliverer {
  readonly #deps: WebhookDelivererDeps;

  constructor(deps: WebhookDelivererDeps) {
    this.#deps = deps;
  }

  /** Resolves when delivered (or nothing is left to deliver); throws so that the queue retries. */
  async deliver(job: DeliveryJob): Promise<void> {
    this.#deps.logger.debug({ eventId: job.eventId, endpointId: job.endpointId }, 'delivery not implemented yet');
  }
}
