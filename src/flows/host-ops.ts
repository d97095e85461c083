import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { isAnyArrayBuffer } from 'node:util/types';

/**
 * Synchronous operations the sandbox globals call into Node for (see sandbox-globals*.ts): what a
 * bare V8 isolate cannot do itself (hashing, randomness, WHATWG URL parsing). Every argument comes
 * from an untrusted script, so each one is checked for type and size before Node sees it; a thrown
 * TypeError or RangeError surfaces in the script with its type and message.
 */

const maxDataBytes = 8 * 1024 * 1024;
const maxKeyBytes = 4 * 1024;
const maxRandomBytes = 65_536;
const maxUrlChars = 1024 * 1024;

const hashNames: Record<string, string> = {
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
};
const outputEncodings = new Set(['hex', 'base64', 'base64url']);

function hashAlgorithm(value: unknown): string {
  const name = typeof value === 'string' ? hashNames[value.toLowerCase().replace('-', '')] : undefined;
  if (name === undefined) {
    throw new TypeError(`unsupported hash algorithm ${preview(value)} (use md5, sha1, sha256, sha384 or sha512)`);
  }
  return name;
}

/** Strings are hashed as UTF-8; bytes arrive as an ArrayBuffer (the isolate side slices views). */
function bytes(value: unknown, what: string, limit: number): Buffer {
  let buffer: Buffer;
  if (typeof value === 'string') buffer = Buffer.from(value, 'utf8');
  else if (isAnyArrayBuffer(value)) buffer = Buffer.from(value);
  else if (ArrayBuffer.isView(value)) buffer = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  else throw new TypeError(`${what} must be a string, an ArrayBuffer or a typed array, got ${preview(value)}`);
  if (buffer.byteLength > limit) throw new RangeError(`${what} is larger than ${limit} bytes`);
  return buffer;
}

/** `undefined` answers the bytes themselves (WebCrypto); a name answers text (sdk.crypto). */
function output(digest: Buffer, encoding: unknown): ArrayBuffer | string {
  if (encoding === undefined || encoding === null) {
    return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength) as ArrayBuffer;
  }
  if (typeof encoding !== 'string' || !outputEncodings.has(encoding)) {
    throw new TypeError(`unsupported output encoding ${preview(encoding)} (use hex, base64 or base64url)`);
  }
  return digest.toString(encoding as BufferEncoding);
}

function text(value: unknown, what: string, limit = maxUrlChars): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, got ${preview(value)}`);
  if (value.length > limit) throw new RangeError(`${what} is longer than ${limit} characters`);
  return value;
}

function preview(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

function hmac(algorithm: unknown, key: unknown, data: unknown): Buffer {
  return createHmac(hashAlgorithm(algorithm), bytes(key, 'the key', maxKeyBytes))
    .update(bytes(data, 'the data', maxDataBytes))
    .digest();
}

/**
 * A per-process key: comparing MACs of both sides makes the comparison constant-time in the
 * inputs' contents and lengths, which timingSafeEqual alone only is for equal lengths.
 */
const compareKey = randomBytes(32);
const mac = (value: Buffer): Buffer => createHmac('sha256', compareKey).update(value).digest();

const urlFields = new Set(['href', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash']);

/** Every component at once, so that the isolate's getters need no further host call. */
function urlParts(url: URL): Record<string, string> {
  return {
    href: url.href,
    origin: url.origin,
    protocol: url.protocol,
    username: url.username,
    password: url.password,
    host: url.host,
    hostname: url.hostname,
    port: url.port,
    pathname: url.pathname,
    search: url.search,
    hash: url.hash,
  };
}

function parseUrl([input, base]: unknown[]): URL {
  const href = text(input, 'the URL');
  // Node's own constructor throws TypeError "Invalid URL", which is what scripts expect to catch.
  return base === undefined || base === null ? new URL(href) : new URL(href, text(base, 'the base URL'));
}

type HostOp = (args: unknown[]) => unknown;

const ops: Record<string, HostOp> = {
  'crypto.hash': ([algorithm, data, encoding]) =>
    output(createHash(hashAlgorithm(algorithm)).update(bytes(data, 'the data', maxDataBytes)).digest(), encoding),

  'crypto.hmac': ([algorithm, key, data, encoding]) => output(hmac(algorithm, key, data), encoding),

  'crypto.hmacVerify': ([algorithm, key, data, signature]) => {
    const expected = hmac(algorithm, key, data);
    const given = bytes(signature, 'the signature', maxKeyBytes);
    return timingSafeEqual(mac(expected), mac(given));
  },

  'crypto.timingSafeEqual': ([a, b]) =>
    timingSafeEqual(mac(bytes(a, 'the first value', maxDataBytes)), mac(bytes(b, 'the second value', maxDataBytes))),

  'crypto.randomBytes': ([length]) => {
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length > maxRandomBytes) {
      throw new RangeError(`random byte count must be an integer from 0 to ${maxRandomBytes}`);
    }
    const random = randomBytes(length);
    return random.buffer.slice(random.byteOffset, random.byteOffset + random.byteLength);
  },

  'crypto.randomUUID': () => randomUUID(),

  'url.parse': (args) => urlParts(parseUrl(args)),

  'url.canParse': (args) => {
    try {
      parseUrl(args);
      return true;
    } catch (err) {
      if (err instanceof RangeError) throw err;
      return false;
    }
  },

  /** Node's setters implement the WHATWG rules for each component (they ignore invalid values). */
  'url.set': ([href, field, value]) => {
    if (typeof field !== 'string' || !urlFields.has(field)) throw new TypeError(`cannot set URL component ${preview(field)}`);
    const url = new URL(text(href, 'the URL'));
    (url as unknown as Record<string, string>)[field] = text(value, `the URL ${field}`);
    return urlParts(url);
  },
};

// No prototype: an op name is looked up as given, so "constructor" or "toString" must not resolve.
export const hostSyncOps: Record<string, HostOp> = Object.assign(Object.create(null) as Record<string, HostOp>, ops);
