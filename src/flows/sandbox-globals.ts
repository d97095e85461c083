import { cryptoSource } from './sandbox-globals-crypto.js';
import { textSource } from './sandbox-globals-text.js';
import { urlSource } from './sandbox-globals-url.js';

/**
 * The web globals a bare V8 isolate lacks (TextEncoder/TextDecoder, atob/btoa, URL,
 * URLSearchParams, crypto, DOMException) and the `sdk.encoding` / `sdk.crypto` helpers, as the
 * source of a function `(host) => ({ stdCrypto, encoding, sdkCrypto })` that the prelude calls in
 * every fresh context; `host(op, args)` runs a `hostSyncOps` entry (host-ops.ts) synchronously.
 *
 * It runs on every transaction, in a fresh context where everything is built anew and runs cold:
 * building it all up front cost ~0.1 ms a run. So each group (codecs, DOMException, text classes,
 * URL, crypto) is built on first use, behind accessors for the globals and thin fronts for the sdk
 * parts: a step that uses none of them pays ~15 µs, one that hashes with TextEncoder and MD5 about
 * 0.1 ms more (a trivial step runs in ~0.75 ms p50).
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

  // Its own group: crypto throws DOMExceptions without needing the text classes.
  const domException = once(() => {
    const legacyCodes = {
      IndexSizeError: 1, InvalidCharacterError: 5, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
      SyntaxError: 12, InvalidAccessError: 15, TypeMismatchError: 17, QuotaExceededError: 22, DataCloneError: 25,
    };
    return class DOMException extends Error {
      #name;
      constructor(message = '', name = 'Error') {
        super(String(message));
        this.#name = String(name);
      }
      get name() { return this.#name; }
      get code() { return legacyCodes[this.#name] || 0; }
    };
  });

  const web = once(() => {
    const { viewOf, utf8Encode, utf8Write, newUtf8State, utf8Decode, toBase64, fromBase64, binaryString } = codecs();
    const DOMException = domException();

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
      if (typeof bytes === 'string') throw new DOMException(bytes, 'InvalidCharacterError');
      return binaryString(bytes);
    }

    return { TextEncoder, TextDecoder, atob, btoa };
  });

  const url = once(() => (${urlSource})(host, codecs));
  const crypto = once(() => (${cryptoSource})(host, codecs(), domException()));
  const encoding = once(() => ({ base64: codecs().codec(false), base64url: codecs().codec(true) }));

  /**
   * The globals are accessors on an object put between the global object and its prototype: the
   * first read (or a write, to polyfill) settles the name as an own data property of the global,
   * writable, configurable and not enumerable like a web global. Defining nine accessors on the
   * global object itself costs ~20 µs per context, this ~5 µs.
   */
  const settle = (name, value) => {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
    return value;
  };
  class Globals {
    get DOMException() { return settle('DOMException', domException()); }
    set DOMException(value) { settle('DOMException', value); }
    get TextEncoder() { return settle('TextEncoder', web().TextEncoder); }
    set TextEncoder(value) { settle('TextEncoder', value); }
    get TextDecoder() { return settle('TextDecoder', web().TextDecoder); }
    set TextDecoder(value) { settle('TextDecoder', value); }
    get atob() { return settle('atob', web().atob); }
    set atob(value) { settle('atob', value); }
    get btoa() { return settle('btoa', web().btoa); }
    set btoa(value) { settle('btoa', value); }
    get URL() { return settle('URL', url().URL); }
    set URL(value) { settle('URL', value); }
    get URLSearchParams() { return settle('URLSearchParams', url().URLSearchParams); }
    set URLSearchParams(value) { settle('URLSearchParams', value); }
    get crypto() { return settle('crypto', crypto().crypto); }
    set crypto(value) { settle('crypto', value); }
    get CryptoKey() { return settle('CryptoKey', crypto().CryptoKey); }
    set CryptoKey(value) { settle('CryptoKey', value); }
  }
  delete Globals.prototype.constructor;
  Object.setPrototypeOf(Globals.prototype, Object.getPrototypeOf(globalThis));
  Object.setPrototypeOf(globalThis, Globals.prototype);

  // The prelude takes these three at once: fronts over the groups, built on first use.
  class StdCrypto {
    get subtle() { return crypto().stdCrypto.subtle; }
    getRandomValues(array) { return crypto().stdCrypto.getRandomValues(array); }
    randomUUID() { return crypto().stdCrypto.randomUUID(); }
  }
  class Encoding {
    get base64() { return encoding().base64; }
    get base64url() { return encoding().base64url; }
  }
  // sdk.crypto is synchronous, text in and text out, and all Node: it needs none of the groups.
  const sdkData = (value, what) => (typeof value === 'string' ? value : codecs().ownBuffer(codecs().viewOf(value, what)));
  class SdkCrypto {
    hash(algorithm, data, encoding = 'hex') {
      return host('crypto.hash', [algorithm, sdkData(data, 'sdk.crypto.hash: the data'), String(encoding)]);
    }
    hmac(algorithm, key, data, encoding = 'hex') {
      return host('crypto.hmac', [algorithm, sdkData(key, 'sdk.crypto.hmac: the key'), sdkData(data, 'sdk.crypto.hmac: the data'), String(encoding)]);
    }
    timingSafeEqual(a, b) {
      return host('crypto.timingSafeEqual', [sdkData(a, 'sdk.crypto.timingSafeEqual: a'), sdkData(b, 'sdk.crypto.timingSafeEqual: b')]);
    }
    randomUUID() { return host('crypto.randomUUID', []); }
  }
  return { stdCrypto: Object.freeze(new StdCrypto()), encoding: Object.freeze(new Encoding()), sdkCrypto: Object.freeze(new SdkCrypto()) };
}`;
