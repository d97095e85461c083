import { randomBytes } from 'node:crypto';
import { open, seal } from './aead.js';

/**
 * Envelope encryption: each environment has its own random data key, stored wrapped by the master
 * key. Unwrapped keys are cached in memory; they never leave the process.
 */
export class DataKeyring {
  readonly #masterKey: Buffer;
  readonly #unwrapped = new Map<string, Buffer>();

  constructor(masterKey: Buffer) {
    this.#masterKey = masterKey;
  }

  /** A new wrapped data key for the environment with this id. */
  newWrappedKey(environmentId: string): Buffer {
    return seal(this.#masterKey, randomBytes(32), dataKeyContext(environmentId));
  }

  cached(environmentId: string): Buffer | undefined {
    return this.#unwrapped.get(environmentId);
  }

  unwrap(environmentId: string, wrapped: Buffer): Buffer {
    let key = this.#unwrapped.get(environmentId);
    if (key === undefined) {
      key = open(this.#masterKey, wrapped, dataKeyContext(environmentId));
      this.#unwrapped.set(environmentId, key);
    }
    return key;
  }
}

function dataKeyContext(environmentId: string): string {
  return `connxt:data-key:${environmentId}`;
}
