import { open, seal } from '../crypto/aead.js';
import type { DataKeyring } from '../crypto/data-keys.js';
import type { Db } from '../store/db.js';

/**
 * Encrypts PSP credentials under their environment's data key. The ciphertext is bound to the PSP
 * id, so it cannot be moved to another PSP row and still decrypt.
 */
export class CredentialCipher {
  constructor(
    private readonly db: Db,
    private readonly keyring: DataKeyring,
  ) {}

  async encrypt(environmentId: string, pspId: string, credential: object): Promise<Buffer> {
    return this.sealJson(environmentId, credentialContext(pspId), credential);
  }

  async decrypt(environmentId: string, pspId: string, sealed: Buffer): Promise<Record<string, unknown>> {
    return (await this.openJson(environmentId, credentialContext(pspId), sealed)) as Record<string, unknown>;
  }

  /**
   * Any other environment secret (a webhook signing secret, a withdrawal's payload waiting for
   * approval), sealed as JSON and bound to `context` (e.g. "connxt:webhook-secret:<endpointId>"),
   * so a ciphertext moved to another row or purpose does not open.
   */
  async sealJson(environmentId: string, context: string, value: unknown): Promise<Buffer> {
    const key = await this.#dataKey(environmentId);
    return seal(key, Buffer.from(JSON.stringify(value), 'utf8'), context);
  }

  async openJson(environmentId: string, context: string, sealed: Buffer): Promise<unknown> {
    const key = await this.#dataKey(environmentId);
    return JSON.parse(open(key, sealed, context).toString('utf8')) as unknown;
  }

  async #dataKey(environmentId: string): Promise<Buffer> {
    const cached = this.keyring.cached(environmentId);
    if (cached !== undefined) return cached;
    const { rows } = await this.db.query<{ data_key: Buffer }>('SELECT data_key FROM environments WHERE id = $1', [
      environmentId,
    ]);
    if (rows[0] === undefined) throw new Error(`environment ${environmentId} has no data key`);
    return this.keyring.unwrap(environmentId, rows[0].data_key);
  }
}

function credentialContext(pspId: string): string {
  return `connxt:psp-credential:${pspId}`;
}
