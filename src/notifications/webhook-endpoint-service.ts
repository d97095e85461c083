import type { Clock } from '../clock.js';
import type { CredentialCipher } from '../psps/credential-cipher.js';
import type { Db } from '../store/db.js';

export interface WebhookEndpointServiceDeps {
  db: Db;
  clock: Clock;
  cipher: CredentialCipher;
}

/** Merchant webhook endpoints of an environment: create, list, update, delete, rotate secrets. */
export class WebhookEndpointService {
  readonly #deps: WebhookEndpointServiceDeps;

  constructor(deps: WebhookEndpointServiceDeps) {
    this.#deps = deps;
  }

  get deps(): WebhookEndpointServiceDeps {
    return this.#deps;
  }
}
