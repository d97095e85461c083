/**
 * `crypto` (a WebCrypto subset) and what `import { crypto } from "jsr:@std/crypto"` gives, for
 * the sandbox (composed into sandbox-globals.ts): the source of a function
 * `(host, codecs, DOMException) => ({ crypto, stdCrypto, CryptoKey })`.
 *
 * The hashing itself is Node's (host calls); this side normalises algorithms, checks arguments and
 * raises the DOMException names WebCrypto uses, so scripts written for a browser or Deno behave
 * the same. Only what PSP signing needs is here: digests and HMAC keys; the rest says so.
 */
export const cryptoSource = String.raw`(host, { viewOf, ownBuffer }, DOMException) => {
  const shaNames = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];
  const stdDigestNames = ['MD5', ...shaNames];

  /** WebCrypto matches algorithm names case-insensitively, given as a string or as { name }. */
  const normalize = (algorithm, names, operation) => {
    const name = typeof algorithm === 'string' ? algorithm : algorithm !== null && typeof algorithm === 'object' ? algorithm.name : undefined;
    if (typeof name !== 'string') {
      throw new TypeError(operation + ': the algorithm must be a string or an object with a "name"');
    }
    const upper = name.toUpperCase();
    if (!names.includes(upper)) {
      throw new DOMException(
        'Unrecognized algorithm name "' + name + '" for ' + operation + ' (supported: ' + names.join(', ') + ')',
        'NotSupportedError',
      );
    }
    return upper;
  };
  const dataOf = (value, operation) => ownBuffer(viewOf(value, operation + ': the data'));
  const token = Symbol('internal');

  /** Key material lives here, out of reach of the script: a CryptoKey only carries its description. */
  const keys = new WeakMap();
  class CryptoKey {
    constructor(secret) {
      if (secret !== token) throw new TypeError('Illegal constructor');
    }
    get type() { return keyRecord(this, 'type').type; }
    get extractable() { return keyRecord(this, 'extractable').extractable; }
    get algorithm() { return keyRecord(this, 'algorithm').algorithm; }
    get usages() { return keyRecord(this, 'usages').usages; }
    get [Symbol.toStringTag]() { return 'CryptoKey'; }
  }
  const keyRecord = (key, operation) => {
    const record = typeof key === 'object' && key !== null ? keys.get(key) : undefined;
    if (record === undefined) throw new TypeError(operation + ': the key must be a CryptoKey from crypto.subtle.importKey');
    return record;
  };
  const usableKey = (key, usage, operation) => {
    const record = keyRecord(key, operation);
    if (!record.usages.includes(usage)) throw new DOMException('Unable to use this key to ' + usage, 'InvalidAccessError');
    return record;
  };

  const supported = 'digest, importKey/exportKey ("raw" HMAC keys), sign and verify (HMAC)';
  const unsupported = (method) => {
    throw new DOMException('crypto.subtle.' + method + ' is not available in the sandbox (supported: ' + supported + ')', 'NotSupportedError');
  };

  // Classes rather than object literals: in a fresh context, methods of a class cost far less to set up.
  class SubtleCrypto {
    constructor(secret) {
      if (secret !== token) throw new TypeError('Illegal constructor');
    }
    async digest(algorithm, data) {
      return host('crypto.hash', [normalize(algorithm, shaNames, 'digest'), dataOf(data, 'digest')]);
    }
    async importKey(format, keyData, algorithm, extractable, usages) {
      normalize(algorithm, ['HMAC'], 'importKey');
      if (format !== 'raw') {
        throw new DOMException('Unsupported key format "' + format + '" (only "raw" HMAC keys are supported)', 'NotSupportedError');
      }
      if (algorithm.hash === undefined) {
        throw new TypeError('importKey: HMAC needs a hash, e.g. { name: "HMAC", hash: "SHA-256" }');
      }
      const hash = normalize(algorithm.hash, shaNames, 'HMAC');
      if (usages === null || typeof usages !== 'object' || typeof usages[Symbol.iterator] !== 'function') {
        throw new TypeError('importKey: the key usages must be an array');
      }
      const wanted = [...usages].map(String);
      if (wanted.some((usage) => usage !== 'sign' && usage !== 'verify')) {
        throw new DOMException('Unsupported key usage for an HMAC key', 'SyntaxError');
      }
      if (wanted.length === 0) throw new DOMException('Usages cannot be empty when importing a secret key.', 'SyntaxError');
      const bytes = viewOf(keyData, 'importKey: the key data').slice();
      if (bytes.length === 0) throw new DOMException('Zero-length key is not supported', 'DataError');
      if (bytes.length > 4096) throw new DOMException('HMAC keys longer than 4096 bytes are not supported', 'DataError');
      const length = bytes.length * 8;
      if (algorithm.length !== undefined && algorithm.length !== length) throw new DOMException('Invalid key length', 'DataError');
      const key = new CryptoKey(token);
      keys.set(key, {
        type: 'secret',
        extractable: Boolean(extractable),
        algorithm: Object.freeze({ name: 'HMAC', hash: Object.freeze({ name: hash }), length }),
        usages: Object.freeze(['sign', 'verify'].filter((usage) => wanted.includes(usage))),
        hash,
        bytes,
      });
      return key;
    }
    async exportKey(format, key) {
      const record = keyRecord(key, 'exportKey');
      if (format !== 'raw') {
        throw new DOMException('Unsupported key format "' + format + '" (only "raw" is supported)', 'NotSupportedError');
      }
      if (!record.extractable) throw new DOMException('key is not extractable', 'InvalidAccessError');
      return record.bytes.slice().buffer;
    }
    async sign(algorithm, key, data) {
      normalize(algorithm, ['HMAC'], 'sign');
      const record = usableKey(key, 'sign', 'sign');
      return host('crypto.hmac', [record.hash, record.bytes.buffer, dataOf(data, 'sign')]);
    }
    async verify(algorithm, key, signature, data) {
      normalize(algorithm, ['HMAC'], 'verify');
      const record = usableKey(key, 'verify', 'verify');
      const given = viewOf(signature, 'verify: the signature');
      // No HMAC is this long, so there is nothing to compare (and no reason to copy it).
      if (given.byteLength > 1024) return false;
      return host('crypto.hmacVerify', [record.hash, record.bytes.buffer, dataOf(data, 'verify'), ownBuffer(given)]);
    }
    async encrypt() { unsupported('encrypt'); }
    async decrypt() { unsupported('decrypt'); }
    async generateKey() { unsupported('generateKey'); }
    async deriveKey() { unsupported('deriveKey'); }
    async deriveBits() { unsupported('deriveBits'); }
    async wrapKey() { unsupported('wrapKey'); }
    async unwrapKey() { unsupported('unwrapKey'); }
  }

  /**
   * Deno's std crypto: WebCrypto plus MD5 (which PSP signatures still use), a synchronous
   * digestSync, data given as chunks (an iterable, or for digest an async iterable) and, as older
   * std versions did, subtle.timingSafeEqual and strings (hashed as UTF-8).
   */
  const concat = (chunks) => {
    const views = chunks.map((chunk) => viewOf(chunk, 'digest: each chunk'));
    const out = new Uint8Array(views.reduce((total, view) => total + view.byteLength, 0));
    let offset = 0;
    for (const view of views) { out.set(view, offset); offset += view.byteLength; }
    return out;
  };
  const stdDigest = (algorithm, data) => {
    const name = normalize(algorithm, stdDigestNames, 'digest');
    const chunked = data !== null && typeof data === 'object' && !(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data) &&
      typeof data[Symbol.iterator] === 'function';
    return host('crypto.hash', [name, typeof data === 'string' ? data : dataOf(chunked ? concat([...data]) : data, 'digest')]);
  };
  class StdSubtleCrypto extends SubtleCrypto {
    async digest(algorithm, data) {
      if (data !== null && typeof data === 'object' && typeof data[Symbol.asyncIterator] === 'function') {
        const chunks = [];
        for await (const chunk of data) chunks.push(chunk);
        return stdDigest(algorithm, concat(chunks));
      }
      return stdDigest(algorithm, data);
    }
    digestSync(algorithm, data) { return stdDigest(algorithm, data); }
    timingSafeEqual(a, b) {
      return host('crypto.timingSafeEqual', [dataOf(a, 'timingSafeEqual'), dataOf(b, 'timingSafeEqual')]);
    }
  }

  const integerArrays = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];
  // getRandomValues and randomUUID do not use "this", so they also work detached (const { randomUUID } = crypto).
  class Crypto {
    #subtle;
    constructor(secret, subtle) {
      if (secret !== token) throw new TypeError('Illegal constructor');
      this.#subtle = subtle;
    }
    get subtle() { return this.#subtle; }
    getRandomValues(array) {
      if (!integerArrays.some((Type) => array instanceof Type)) {
        throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
      }
      if (array.byteLength > 65536) throw new DOMException('The requested length exceeds 65,536 bytes', 'QuotaExceededError');
      const random = host('crypto.randomBytes', [array.byteLength]);
      new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(new Uint8Array(random));
      return array;
    }
    randomUUID() { return host('crypto.randomUUID', []); }
    get [Symbol.toStringTag]() { return 'Crypto'; }
  }
  const crypto = new Crypto(token, new SubtleCrypto(token));
  const stdCrypto = Object.freeze(new Crypto(token, new StdSubtleCrypto(token)));

  return { crypto, stdCrypto, CryptoKey };
}`;
