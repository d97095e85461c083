/**
 * UTF-8 and base64 codecs for the sandbox globals (composed into sandbox-globals.ts): the source
 * of a function `() => ({ viewOf, ownBuffer, utf8Encode, ... })` of plain helpers. A bare isolate
 * has no TextEncoder, Buffer or atob to lean on, so this is all done by hand, to the WHATWG rules
 * Node follows (lone surrogates encode as U+FFFD, invalid bytes decode to U+FFFD per maximal
 * subpart), so that results match Node's byte for byte.
 */
export const textSource = String.raw`() => {
  /** Any BufferSource as a Uint8Array over exactly its bytes (views keep their offset and length). */
  const viewOf = (value, what) => {
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    throw new TypeError(what + ' must be an ArrayBuffer, a typed array or a DataView');
  };
  /** Host calls copy what they are given: a view of a larger buffer is cut to its own bytes first. */
  const ownBuffer = (bytes) =>
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer
      : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);

  const utf8Length = (text) => {
    let length = 0;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit < 0x80) length += 1;
      else if (unit < 0x800) length += 2;
      else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { length += 4; i++; }
      else length += 3;
    }
    return length;
  };
  /** Writes whole characters only, as encodeInto requires; answers UTF-16 units read and bytes written. */
  const utf8Write = (text, out) => {
    let read = 0;
    let written = 0;
    const limit = out.length;
    while (read < text.length) {
      let point = text.charCodeAt(read);
      let units = 1;
      if (point >= 0xd800 && point <= 0xdfff) {
        const next = text.charCodeAt(read + 1);
        if (point <= 0xdbff && (next & 0xfc00) === 0xdc00) { point = 0x10000 + ((point - 0xd800) << 10) + (next - 0xdc00); units = 2; }
        else point = 0xfffd;
      }
      if (point < 0x80) {
        if (written + 1 > limit) break;
        out[written++] = point;
      } else if (point < 0x800) {
        if (written + 2 > limit) break;
        out[written++] = 0xc0 | (point >> 6);
        out[written++] = 0x80 | (point & 0x3f);
      } else if (point < 0x10000) {
        if (written + 3 > limit) break;
        out[written++] = 0xe0 | (point >> 12);
        out[written++] = 0x80 | ((point >> 6) & 0x3f);
        out[written++] = 0x80 | (point & 0x3f);
      } else {
        if (written + 4 > limit) break;
        out[written++] = 0xf0 | (point >> 18);
        out[written++] = 0x80 | ((point >> 12) & 0x3f);
        out[written++] = 0x80 | ((point >> 6) & 0x3f);
        out[written++] = 0x80 | (point & 0x3f);
      }
      read += units;
    }
    return { read, written };
  };
  const utf8Encode = (text) => {
    const out = new Uint8Array(utf8Length(text));
    utf8Write(text, out);
    return out;
  };

  /** Strings from code units in slices: apply() with a huge array would overflow the stack. */
  const fromUnits = (units, end, parts) => {
    for (let start = 0; start < end; start += 8192) {
      parts.push(String.fromCharCode.apply(null, units.subarray(start, Math.min(end, start + 8192))));
    }
  };

  /**
   * The WHATWG UTF-8 decoder as a resumable state machine (for stream: true), with its exact
   * replacement rules so that invalid input gives the same U+FFFD count as Node's decoder.
   */
  const newUtf8State = () => ({ needed: 0, seen: 0, point: 0, lower: 0x80, upper: 0xbf });
  const utf8Decode = (bytes, state, flush, fatal) => {
    let { needed, seen, point, lower, upper } = state;
    const parts = [];
    const units = new Uint16Array(Math.min(8200, bytes.length + 8));
    let count = 0;
    const invalid = () => {
      needed = 0; seen = 0; point = 0; lower = 0x80; upper = 0xbf;
      if (fatal) {
        Object.assign(state, newUtf8State());
        throw new TypeError('The encoded data was not valid for encoding utf-8');
      }
      units[count++] = 0xfffd;
    };
    for (let i = 0; i < bytes.length; i++) {
      if (count >= 8192) { fromUnits(units, count, parts); count = 0; }
      const byte = bytes[i];
      if (needed === 0) {
        if (byte < 0x80) units[count++] = byte;
        else if (byte >= 0xc2 && byte <= 0xdf) { needed = 1; point = byte & 0x1f; }
        else if (byte >= 0xe0 && byte <= 0xef) {
          if (byte === 0xe0) lower = 0xa0;
          if (byte === 0xed) upper = 0x9f;
          needed = 2; point = byte & 0xf;
        } else if (byte >= 0xf0 && byte <= 0xf4) {
          if (byte === 0xf0) lower = 0x90;
          if (byte === 0xf4) upper = 0x8f;
          needed = 3; point = byte & 0x7;
        } else invalid();
      } else if (byte < lower || byte > upper) {
        // The byte that broke the sequence starts afresh: one U+FFFD per maximal invalid subpart.
        invalid();
        i--;
      } else {
        lower = 0x80; upper = 0xbf;
        point = (point << 6) | (byte & 0x3f);
        if (++seen === needed) {
          if (point > 0xffff) {
            units[count++] = 0xd800 + ((point - 0x10000) >> 10);
            units[count++] = 0xdc00 + ((point - 0x10000) & 0x3ff);
          } else units[count++] = point;
          needed = 0; seen = 0; point = 0;
        }
      }
    }
    if (flush && needed !== 0) invalid();
    Object.assign(state, { needed, seen, point, lower, upper });
    fromUnits(units, count, parts);
    return parts.length === 1 ? parts[0] : parts.join('');
  };
  /** Non-fatal, no BOM handling: what Buffer#toString('utf8') does. */
  const utf8Text = (bytes) => utf8Decode(bytes, newUtf8State(), true, false);

  // Base64 (RFC 4648) shared by atob/btoa and sdk.encoding; the reverse table is built on first use.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const urlAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let reverse;
  // Into a byte buffer, then one string: appending four characters at a time is ~5x slower.
  const toBase64 = (bytes, url) => {
    const chars = url ? urlAlphabet : alphabet;
    const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
    let written = 0;
    let i = 0;
    for (; i + 2 < bytes.length; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      out[written++] = chars.charCodeAt(n >> 18);
      out[written++] = chars.charCodeAt((n >> 12) & 63);
      out[written++] = chars.charCodeAt((n >> 6) & 63);
      out[written++] = chars.charCodeAt(n & 63);
    }
    const rest = bytes.length - i;
    if (rest > 0) {
      const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
      out[written++] = chars.charCodeAt(n >> 18);
      out[written++] = chars.charCodeAt((n >> 12) & 63);
      if (rest === 2) out[written++] = chars.charCodeAt((n >> 6) & 63);
      if (!url) {
        out[written++] = 61;
        if (rest === 1) out[written++] = 61;
      }
    }
    return binaryString(out.subarray(0, written));
  };
  /**
   * Forgiving decode (ASCII whitespace ignored, padding optional): the bytes, or when the text is
   * not base64 the reason, in the words of Node's atob.
   */
  const fromBase64 = (text, url) => {
    if (reverse === undefined) {
      reverse = new Int8Array(128).fill(-1);
      for (let i = 0; i < 64; i++) reverse[alphabet.charCodeAt(i)] = i;
      reverse[45] = 62; // '-'
      reverse[95] = 63; // '_'
    }
    const padded = text.replace(/[\t\n\f\r ]+/g, '');
    let end = padded.length;
    while (end > 0 && padded.charCodeAt(end - 1) === 61) end--;
    const padding = padded.length - end;
    const clean = padded.slice(0, end);
    if (url ? /[^A-Za-z0-9\-_]/.test(clean) : /[^A-Za-z0-9+/]/.test(clean)) return 'Invalid character';
    if (clean.length % 4 === 1) return 'The string to be decoded is not correctly encoded.';
    if (padding > 2 || (padding > 0 && padded.length % 4 !== 0)) return 'Invalid character';
    const out = new Uint8Array((clean.length * 3) >> 2);
    let bits = 0;
    let buffered = 0;
    let written = 0;
    for (let i = 0; i < clean.length; i++) {
      bits = (bits << 6) | reverse[clean.charCodeAt(i)];
      buffered += 6;
      if (buffered >= 8) {
        buffered -= 8;
        out[written++] = (bits >> buffered) & 0xff;
      }
    }
    return out;
  };
  const binaryString = (bytes) => {
    const parts = [];
    for (let start = 0; start < bytes.length; start += 8192) {
      parts.push(String.fromCharCode.apply(null, bytes.subarray(start, start + 8192)));
    }
    return parts.join('');
  };

  /** sdk.encoding: strings are UTF-8 encoded first; decode() answers text, decodeBytes() the bytes. */
  const codec = (url) => {
    const name = url ? 'base64url' : 'base64';
    const decodeBytes = (text) => {
      if (typeof text !== 'string') throw new TypeError(name + '.decode expects a string');
      const bytes = fromBase64(text, url);
      if (typeof bytes === 'string') throw new TypeError(name + '.decode: the text is not valid ' + name + ' (' + bytes + ')');
      return bytes;
    };
    return Object.freeze({
      encode: (input) => toBase64(typeof input === 'string' ? utf8Encode(input) : viewOf(input, name + '.encode input'), url),
      decode: (text) => utf8Text(decodeBytes(text)),
      decodeBytes,
    });
  };
  return { viewOf, ownBuffer, utf8Write, utf8Encode, newUtf8State, utf8Decode, utf8Text, toBase64, fromBase64, binaryString, codec };
}`;
