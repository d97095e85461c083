import type { CatalogService } from '../catalog/catalog-service.js';
import type { Clock } from '../clock.js';
import type { FlowExecutor } from '../flows/flow-executor.js';
import type { Logger } from '../logger.js';
import type { CredentialCipher } from '../psps/credential-cipher.js';
import type { Db } from '../store/db.js';

export interface ReconciliationJanitorDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  catalog: CatalogService;
  cipher: CredentialCipher;
  executor: FlowExecutor;
}

/** Asks the PSP about transactions that have not settled, on a backoff schedule; abandons them after their time to live. */
export class ReconciliationJanitor {
  readonly #deps: ReconciliationJanitorDeps;

  constructor(deps: ReconciliationJanitorDeps) {
    this.#deps = deps;
  }

  /** One pass over the transactions that are due; answers how many it looked at. */
  async runOnce(): Promise<number> {
    void this.#deps;
    return 0;
  }

  /** Asks the PSP about one transaction now (a refund of a deposit that has not settled does this first). */
  async reconcile(transactionId: string): Promise<void> {
    void transactionId;
  }
}
