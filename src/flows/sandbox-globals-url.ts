/**
 * `URL` and `URLSearchParams` for the sandbox (composed into sandbox-globals.ts): the source of a
 * function `(host, codecs) => ({ URL, URLSearchParams })`, codecs() answering the helpers of
 * sandbox-globals-text.ts (built on first use: the common paths here do without them).
 *
 * WHATWG URL parsing (IDNA, IPv6, percent-encoding sets, per-scheme rules) is far too large to
 * re-implement faithfully, so parsing and every setter go through Node's own URL in one host call
 * that answers all components; getters then read them locally. URLSearchParams is plain
 * application/x-www-form-urlencoded, done here in full.
 */
export const urlSource = String.raw`(host, codecs) => {
  const wellFormed = (value) => {
    const text = String(value);
    return text.isWellFormed() ? text : text.toWellFormed();
  };

  /**
   * Percent-decodes over UTF-8 bytes, as the form-urlencoded parser does, with '+' as space.
   * decodeURIComponent agrees whenever it succeeds; it throws on '%zz' or invalid UTF-8, which the
   * standard keeps literally or as U+FFFD, so those take the byte-wise path.
   */
  const decodeComponent = (text) => {
    if (!/[%+]/.test(text)) return text;
    const spaced = text.replace(/\+/g, ' ');
    if (!spaced.includes('%')) return spaced;
    try {
      return decodeURIComponent(spaced);
    } catch {
      // fall through to the byte-wise decoder
    }
    const { utf8Encode, utf8Text } = codecs();
    const bytes = utf8Encode(spaced);
    const out = new Uint8Array(bytes.length);
    let written = 0;
    const hex = (byte) => (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 70) || (byte >= 97 && byte <= 102);
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === 37 && i + 2 < bytes.length && hex(bytes[i + 1]) && hex(bytes[i + 2])) {
        out[written++] = parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16);
        i += 2;
      } else out[written++] = byte;
    }
    return utf8Text(out.subarray(0, written));
  };
  const parseQuery = (query) => {
    const list = [];
    const text = query.startsWith('?') ? query.slice(1) : query;
    if (text === '') return list;
    for (const pair of text.split('&')) {
      if (pair === '') continue;
      const at = pair.indexOf('=');
      const name = at === -1 ? pair : pair.slice(0, at);
      const value = at === -1 ? '' : pair.slice(at + 1);
      list.push([decodeComponent(name), decodeComponent(value)]);
    }
    return list;
  };

  /**
   * The form-urlencoded byte set: A-Z a-z 0-9 * - . _ stay, space becomes '+', the rest is %XX.
   * encodeURIComponent (native, upper-case hex) also leaves ! ' ( ) ~ alone, so those are added;
   * every stored string is well-formed, so it cannot throw on a lone surrogate.
   */
  const keep = /^[A-Za-z0-9*\-._]*$/;
  const extra = /[!'()~]/g;
  const encodeComponent = (text) =>
    keep.test(text)
      ? text
      : encodeURIComponent(text).replace(/%20/g, '+').replace(extra, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

  let attachParams;
  let resetParams;

  class URLSearchParams {
    #list = [];
    /** Set when the params belong to a URL: called with the new serialization after each change. */
    #onChange = null;

    constructor(init = '') {
      if (init === undefined || init === null) return;
      if (init instanceof URLSearchParams) {
        this.#list = init.#list.map(([name, value]) => [name, value]);
      } else if (typeof init === 'object' || typeof init === 'function') {
        if (typeof init[Symbol.iterator] === 'function') {
          for (const pair of init) {
            const tuple = pair !== null && typeof pair === 'object' && typeof pair[Symbol.iterator] === 'function' ? [...pair] : null;
            if (tuple === null || tuple.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
            this.#list.push([wellFormed(tuple[0]), wellFormed(tuple[1])]);
          }
        } else {
          for (const key of Reflect.ownKeys(init)) {
            if (typeof key !== 'string' || !Object.prototype.propertyIsEnumerable.call(init, key)) continue;
            this.#list.push([wellFormed(key), wellFormed(init[key])]);
          }
        }
      } else {
        this.#list = parseQuery(wellFormed(init));
      }
    }

    static {
      attachParams = (params, onChange) => { params.#onChange = onChange; };
      resetParams = (params, search) => { params.#list = parseQuery(search); };
    }

    #changed() {
      if (this.#onChange !== null) this.#onChange(this.toString());
    }

    get size() { return this.#list.length; }
    append(name, value) {
      this.#list.push([wellFormed(name), wellFormed(value)]);
      this.#changed();
    }
    delete(name, value) {
      const key = wellFormed(name);
      const match = value === undefined ? null : wellFormed(value);
      this.#list = this.#list.filter(([n, v]) => n !== key || (match !== null && v !== match));
      this.#changed();
    }
    get(name) {
      const key = wellFormed(name);
      const pair = this.#list.find(([n]) => n === key);
      return pair === undefined ? null : pair[1];
    }
    getAll(name) {
      const key = wellFormed(name);
      return this.#list.filter(([n]) => n === key).map(([, v]) => v);
    }
    has(name, value) {
      const key = wellFormed(name);
      const match = value === undefined ? null : wellFormed(value);
      return this.#list.some(([n, v]) => n === key && (match === null || v === match));
    }
    set(name, value) {
      const key = wellFormed(name);
      const text = wellFormed(value);
      let found = false;
      this.#list = this.#list.filter((pair) => {
        if (pair[0] !== key) return true;
        if (found) return false;
        found = true;
        pair[1] = text;
        return true;
      });
      if (!found) this.#list.push([key, text]);
      this.#changed();
    }
    /** Stable, by UTF-16 code units, as the standard says (not by locale). */
    sort() {
      this.#list = this.#list
        .map((pair, index) => ({ pair, index }))
        .sort((a, b) => (a.pair[0] < b.pair[0] ? -1 : a.pair[0] > b.pair[0] ? 1 : a.index - b.index))
        .map(({ pair }) => pair);
      this.#changed();
    }
    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be a function');
      for (let i = 0; i < this.#list.length; i++) {
        const [name, value] = this.#list[i];
        callback.call(thisArg, value, name, this);
      }
    }
    // Live over the list, like the standard's iterators: entries added while iterating are visited.
    *entries() { for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]]; }
    *keys() { for (let i = 0; i < this.#list.length; i++) yield this.#list[i][0]; }
    *values() { for (let i = 0; i < this.#list.length; i++) yield this.#list[i][1]; }
    [Symbol.iterator]() { return this.entries(); }
    toString() {
      return this.#list.map(([name, value]) => encodeComponent(name) + '=' + encodeComponent(value)).join('&');
    }
    get [Symbol.toStringTag]() { return 'URLSearchParams'; }
  }

  const parse = (url, base) => host('url.parse', base === undefined ? [String(url)] : [String(url), String(base)]);

  class URL {
    #parts;
    #params;
    constructor(url, base = undefined) {
      if (arguments.length === 0) throw new TypeError('The "url" argument must be specified');
      this.#parts = parse(url, base);
    }
    static canParse(url, base = undefined) {
      return host('url.canParse', base === undefined ? [String(url)] : [String(url), String(base)]);
    }
    static parse(url, base = undefined) {
      return URL.canParse(url, base) ? new URL(url, base) : null;
    }

    #set(field, value) {
      const search = this.#parts.search;
      this.#parts = host('url.set', [this.#parts.href, field, String(value)]);
      if (this.#params !== undefined && this.#parts.search !== search) resetParams(this.#params, this.#parts.search);
    }

    get href() { return this.#parts.href; }
    set href(value) { this.#set('href', value); }
    get origin() { return this.#parts.origin; }
    get protocol() { return this.#parts.protocol; }
    set protocol(value) { this.#set('protocol', value); }
    get username() { return this.#parts.username; }
    set username(value) { this.#set('username', value); }
    get password() { return this.#parts.password; }
    set password(value) { this.#set('password', value); }
    get host() { return this.#parts.host; }
    set host(value) { this.#set('host', value); }
    get hostname() { return this.#parts.hostname; }
    set hostname(value) { this.#set('hostname', value); }
    get port() { return this.#parts.port; }
    set port(value) { this.#set('port', value); }
    get pathname() { return this.#parts.pathname; }
    set pathname(value) { this.#set('pathname', value); }
    get search() { return this.#parts.search; }
    set search(value) { this.#set('search', value); }
    get hash() { return this.#parts.hash; }
    set hash(value) { this.#set('hash', value); }
    get searchParams() {
      if (this.#params === undefined) {
        this.#params = new URLSearchParams(this.#parts.search);
        // The serialization only holds characters the query set leaves alone, so Node's search
        // setter stores it verbatim (and drops the '?' when it is empty), as the standard asks.
        attachParams(this.#params, (query) => {
          this.#parts = host('url.set', [this.#parts.href, 'search', query]);
        });
      }
      return this.#params;
    }
    toString() { return this.#parts.href; }
    toJSON() { return this.#parts.href; }
    get [Symbol.toStringTag]() { return 'URL'; }
  }

  return { URL, URLSearchParams };
}`;
