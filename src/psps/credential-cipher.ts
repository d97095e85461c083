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
    const key = await this.#dataKey(environmentId);
    return seal(key, Buffer.from(JSON.stringify(credential), 'utf8'), credentialContext(pspId));
  }

  async decrypt(environmentId: string, pspId: string, sealed: Buffer): Promise<Record<string, unknown>> {
    const key = await this.#dataKey(environmentId);
    return JSON.parse(open(key, sealed, credentialContext(pspId)).toString('utf8')) as Record<string, unknown>;
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
