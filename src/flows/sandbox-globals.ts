import { cryptoSource } from './sandbox-globals-crypto.js';
import { textSource } from './sandbox-globals-text.js';
import { urlSource } from './sandbox-globals-url.js';

/**
 * The web globals a bare V8 isolate lacks (TextEncoder/TextDecoder, atob/btoa, URL,
 * URLSearchParams, crypto, DOMException) and the `sdk.encoding` / `sdk.crypto` helpers, as the
 * source of a function `(host) => ({ stdCrypto, encoding, sdkCrypto })` that the prelude calls in
 * every fresh context; `host(op, args)` runs a `hostSyncOps` entry (host-ops.ts) synchronously.
 *
 * It runs on every transaction, and in a fresh context every class and object literal is built
 * anew (maps included), which measured ~0.1 ms for the whole set. So each group is built on first
 * use: the globals are accessors that replace themselves with the real value, and the sdk parts
 * are frozen facades over the same lazy groups. A script that uses none of them pays ~15 µs.
 *
 * Encoding is pure JavaScript; what needs Node (hashing, randomness, URL parsing) is a host call.
 * Written with String.raw so that regular expressions and escapes reach the isolate unchanged.
 */
export const globalsSource = String.raw`(host) => {
  'use strict';
  const once = (build) => {
    let built;
    return () => (built === undefined ? (built = build()) : built);
  };
  const codecs = once(${textSource});

  const web = once(() => {
    const { viewOf, utf8Encode, utf8Write, newUtf8State, utf8Decode, toBase64, fromBase64, binaryString } = codecs();

    const legacyCodes = {
      IndexSizeError: 1, InvalidCharacterError: 5, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
      SyntaxError: 12, InvalidAccessError: 15, TypeMismatchError: 17, QuotaExceededError: 22, DataCloneError: 25,
    };
    class DOMException extends Error {
      #name;
      constructor(message = '', name = 'Error') {
        super(String(message));
        this.#name = String(name);
      }
      get name() { return this.#name; }
      get code() { return legacyCodes[this.#name] || 0; }
    }

    class TextEncoder {
      get encoding() { return 'utf-8'; }
      encode(input = '') { return utf8Encode(String(input)); }
      encodeInto(source, destination) {
        if (!(destination instanceof Uint8Array)) throw new TypeError('The "destination" argument must be a Uint8Array');
        return utf8Write(String(source), destination);
      }
    }

    const utf8Labels = ['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8'];
    class TextDecoder {
      #fatal;
      #ignoreBOM;
      #state = newUtf8State();
      #streaming = false;
      #bomChecked = false;
      constructor(label = 'utf-8', options = {}) {
        const name = String(label).trim().toLowerCase();
        if (!utf8Labels.includes(name)) throw new RangeError('The "' + label + '" encoding is not supported (only utf-8 is)');
        this.#fatal = Boolean(options && options.fatal);
        this.#ignoreBOM = Boolean(options && options.ignoreBOM);
      }
      get encoding() { return 'utf-8'; }
      get fatal() { return this.#fatal; }
      get ignoreBOM() { return this.#ignoreBOM; }
      decode(input = new Uint8Array(0), options = {}) {
        const bytes = viewOf(input, 'The "input" argument');
        const stream = Boolean(options && options.stream);
        // A call without stream: true ends the stream, so the next call starts a fresh one.
        if (!this.#streaming) { this.#state = newUtf8State(); this.#bomChecked = false; }
        this.#streaming = stream;
        let text;
        try {
          text = utf8Decode(bytes, this.#state, !stream, this.#fatal);
        } catch (err) {
          this.#streaming = false;
          throw err;
        }
        if (!this.#bomChecked && text.length > 0) {
          this.#bomChecked = true;
          if (!this.#ignoreBOM && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        }
        return text;
      }
    }

    // Plain functions, as on the web: their arity and messages follow Node's.
    function btoa(data) {
      if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
      const text = String(data);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i);
        if (unit > 0xff) throw new DOMException('Invalid character', 'InvalidCharacterError');
        bytes[i] = unit;
      }
      return toBase64(bytes, false);
    }
    function atob(data) {
      if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
      const bytes = fromBase64(String(data), false);
      if (bytes === null) throw new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
      return binaryString(bytes);
    }

    return { DOMException, TextEncoder, TextDecoder, atob, btoa };
  });

  const shared = {
    get viewOf() { return codecs().viewOf; },
    get ownBuffer() { return codecs().ownBuffer; },
    get utf8Encode() { return codecs().utf8Encode; },
    get utf8Text() { return codecs().utf8Text; },
    get DOMException() { return web().DOMException; },
  };
  const url = once(() => (${urlSource})(host, shared));
  const crypto = once(() => (${cryptoSource})(host, shared));
  const encoding = once(() => ({ base64: codecs().codec(false), base64url: codecs().codec(true) }));

  /**
   * Web globals are writable, configurable and not enumerable; the first read (or a write, which
   * a script may do to polyfill) turns the accessor into that plain data property.
   */
  const lazy = (name, group) => {
    const settle = (value) => {
      Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
      return value;
    };
    return { get: () => settle(group()[name]), set: settle, configurable: true, enumerable: false };
  };
  // One defineProperties call: each separate definition on the global object is a slow runtime call.
  Object.defineProperties(globalThis, {
    DOMException: lazy('DOMException', web),
    TextEncoder: lazy('TextEncoder', web),
    TextDecoder: lazy('TextDecoder', web),
    atob: lazy('atob', web),
    btoa: lazy('btoa', web),
    URL: lazy('URL', url),
    URLSearchParams: lazy('URLSearchParams', url),
    crypto: lazy('crypto', crypto),
    CryptoKey: lazy('CryptoKey', crypto),
  });

  const std = () => crypto().stdCrypto;
  const sdk = () => crypto().sdkCrypto;
  return {
    stdCrypto: Object.freeze({
      getRandomValues: (array) => std().getRandomValues(array),
      randomUUID: () => std().randomUUID(),
      get subtle() { return std().subtle; },
    }),
    encoding: Object.freeze({
      get base64() { return encoding().base64; },
      get base64url() { return encoding().base64url; },
    }),
    sdkCrypto: Object.freeze({
      hash: (...args) => sdk().hash(...args),
      hmac: (...args) => sdk().hmac(...args),
      timingSafeEqual: (a, b) => sdk().timingSafeEqual(a, b),
      randomUUID: () => sdk().randomUUID(),
    }),
  };
}`;
