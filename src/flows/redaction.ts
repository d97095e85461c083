/**
 * Masks secrets in what gateway scripts hand back (their log lines and the HTTP exchanges they
 * made) before it reaches the API caller, the database or the log. Scripts are free to log
 * anything and PSPs echo whatever they like, so this works on content, not on trusted structure:
 * the PSP's own credential values in any usual encoding, sensitive header names and object keys,
 * labelled values in free text, and Luhn-valid card numbers. Everything it answers may be stored,
 * so it also replaces what PostgreSQL cannot hold (NUL, lone surrogates) with U+FFFD.
 */
import { Buffer } from 'node:buffer';

export const mask = '***';

/** Shorter credential values ("USD", "MD5", "v2") are settings, and masking them would wreck every log. */
const minSecretLength = 4;
/** Deeper than any real payload; beyond it a hostile script could only be trying to exhaust the stack. */
const maxDepth = 64;
/** A base64 fragment shorter than this would match unrelated text too often to be worth masking. */
const minBase64CoreLength = 8;

const keySeparators = /[_-]/g;
const regExpSpecials = /[.*+?^${}()|[\]\\]/g;

const sensitiveKeys = new Set([
  'password', 'passwd', 'secret', 'clientsecret', 'apikey', 'apisecret', 'accesstoken', 'refreshtoken',
  'token', 'authorization', 'proxyauthorization', 'sign', 'signature', 'cvc', 'cvv', 'cvv2', 'cvc2', 'cvn',
  'csc', 'cid', 'securitycode', 'cardsecuritycode', 'pin', 'pan', 'cardnumber',
]);
// Vendors decorate key names (webhook_secret, merchant_password, id_token, card_cvv), so an exact list alone leaks.
const sensitiveKeyParts = /password|passwd|secret|apikey|privatekey/;
const sensitiveKeyEndings = /(?:token|signature|cvv2?|cvc2?|securitycode)$/;

const sensitiveHeaders = new Set([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'apikey',
  'x-auth-token', 'x-access-token', 'x-secret-token', 'applicationtoken',
]);
const sensitiveHeaderParts = /signature|secret|token|password|api[-_]?key/;

/**
 * `key: value`, `key=value`, `"key": "value"` (also inside an escaped JSON string) and form keys
 * such as `card[cvc]=` or `card%5Bcvc%5D=`, for the same key names as in objects. The pattern
 * starts at the telling part of the name (`token` in `access_token`) rather than at every word,
 * which lets the engine skip ahead on literals; only the value is replaced, so the rest of the name
 * need not be matched. Every value branch is linear, and an unterminated quoted value masks up to
 * the end rather than failing and leaking.
 */
const labelKey = [
  String.raw`(?:pass[_-]?(?:word|wd)|secret|api[_-]?key|private[_-]?key)[\w-]{0,64}`,
  String.raw`(?:token|signature|cv[cv]2?|security[_-]?code)`,
  String.raw`(?<![\w-])(?:(?:proxy[_-]?)?authorization|(?:set[_-]?)?cookie|sign|cvn|csc|cid|pin|pan|card[_-]?number)`,
].join('|');
const labelled = new RegExp(
  String.raw`(${labelKey})(?![\w-])((?:\\?["']|\]|%5D)?\s*[:=]\s*)` +
    String.raw`(?:"((?:[^"\\]|\\.)*)"?|\\"((?:[^"\\]|\\(?!"))*)(?:\\")?|'([^'\\]*)'?|` +
    String.raw`((?:(?:bearer|basic|digest|token|bot|negotiate|ntlm|oauth|hmac[\w-]*)[ \t]+)?)([^\s&,;"'<>{}()[\]\\]+))`,
  'gi',
);
const notASecret = /^(?:null|true|false)$/i;

/**
 * 13 or more digits, single spaces or dashes allowed between them (how card numbers get printed),
 * standing on their own: digits glued to letters or underscores are part of an identifier (a
 * gateway's transaction code such as ST4111111111111111), and one in ten of those passes Luhn.
 * A run is only taken whole: the digit lookbehind stops a match from starting at its second digit.
 */
const digitRun = /(?<![A-Za-z0-9_])\d(?:[ -]?\d){12,}(?![A-Za-z0-9_])/g;
const runSeparator = /([ -])/;

/** Any surrogate, paired or not: the cheap test before the exact one (with the u flag a proper pair does not match). */
const surrogate = /[\ud800-\udfff]/;
const loneSurrogates = /\p{Cs}/gu;

/** NUL fits in neither text nor jsonb, and jsonb refuses a lone surrogate's escape. */
function storable(text: string): string {
  const out = surrogate.test(text) ? text.replace(loneSurrogates, '\ufffd') : text;
  return out.includes('\u0000') ? out.replaceAll('\u0000', '\ufffd') : out;
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(keySeparators, '');
}

function isSensitiveKey(normalized: string): boolean {
  return sensitiveKeys.has(normalized) || sensitiveKeyParts.test(normalized) || sensitiveKeyEndings.test(normalized);
}

function isSensitiveHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return sensitiveHeaders.has(lower) || sensitiveHeaderParts.test(lower);
}

interface KeyInfo {
  readonly sensitive: boolean;
  readonly cardNumber: boolean;
  readonly header: boolean;
  readonly card: boolean;
  readonly headers: boolean;
}

/**
 * Payloads repeat the same few key names over and over, so their classification is remembered
 * instead of lower-casing and testing each one again; the bound keeps hostile key names from
 * growing it without limit.
 */
const keyInfos = new Map<string, KeyInfo>();
const maxKeyInfos = 4096;

function keyInfo(key: string): KeyInfo {
  let info = keyInfos.get(key);
  if (info === undefined) {
    const normalized = normalizeKey(key);
    info = {
      sensitive: isSensitiveKey(normalized),
      cardNumber: normalized === 'number',
      header: isSensitiveHeader(key),
      card: normalized.includes('card'),
      headers: normalized === 'headers',
    };
    if (keyInfos.size >= maxKeyInfos) keyInfos.clear();
    keyInfos.set(key, info);
  }
  return info;
}

function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Luhn alone flags one in ten of any digit string. No scheme issues numbers starting with 0, and
 * the only one starting with 1 (UATP) uses 15 digits, while millisecond, microsecond and
 * nanosecond epoch timestamps (13, 16 and 19 digits) all start with 1 until 2286; excluding those
 * keeps timestamps in logs readable without letting a real card through.
 */
function isCardNumber(digits: string): boolean {
  const length = digits.length;
  if (length < 13 || length > 19) return false;
  const first = digits.charCodeAt(0);
  if (first === 48 || (first === 49 && length !== 15)) return false;
  return passesLuhn(digits);
}

/**
 * A card number printed next to other numbers ("qty 2 4111 1111 1111 1111") merges into one run
 * too long to be a card, so the run is searched group by group for the longest card-shaped span.
 */
function maskCardNumbers(run: string): string {
  const parts = run.split(runSeparator);
  if (parts.length === 1) return isCardNumber(run) ? mask : run;
  const groups = (parts.length + 1) / 2;
  let out = '';
  let start = 0;
  while (start < groups) {
    let digits = '';
    let end = -1;
    for (let i = start; i < groups; i++) {
      digits += parts[2 * i];
      if (digits.length > 19) break;
      if (isCardNumber(digits)) end = i;
    }
    const last = end >= 0 ? end : start;
    out += end >= 0 ? mask : parts[2 * start];
    if (last < groups - 1) out += parts[2 * last + 1];
    start = last + 1;
  }
  return out;
}

function maskLabelled(
  match: string,
  key: string,
  separator: string,
  doubleQuoted: string | undefined,
  escapedQuoted: string | undefined,
  singleQuoted: string | undefined,
  scheme: string | undefined,
  bare: string | undefined,
): string {
  if (doubleQuoted !== undefined) return `${key}${separator}"${mask}"`;
  if (escapedQuoted !== undefined) return `${key}${separator}\\"${mask}\\"`;
  if (singleQuoted !== undefined) return `${key}${separator}'${mask}'`;
  if (bare === undefined || notASecret.test(bare)) return match;
  // A bare value after a quoted key is a JSON number or literal: quoting the mask keeps the JSON parseable.
  if (!scheme) {
    if (separator.startsWith('\\"')) return `${key}${separator}\\"${mask}\\"`;
    if (separator.startsWith('"') || separator.startsWith("'")) return `${key}${separator}"${mask}"`;
  }
  return `${key}${separator}${scheme ?? ''}${mask}`;
}

function toBase64Url(base64: string): string {
  return base64.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * The forms a credential value takes on the wire: as is, URL- and form-encoded, JSON-escaped, and
 * base64. Base64 is also matched where the value sits inside a larger encoded blob (Basic auth's
 * `user:key`, an encoded JSON payload): at each of the three byte alignments the characters that
 * depend only on the value's own bytes are the same whatever surrounds it.
 */
function encodedForms(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)];
  const json = JSON.stringify(secret).slice(1, -1);
  forms.push(json, json.replaceAll('/', '\\/'));
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = bytes.toString('base64');
  forms.push(base64, encodeURIComponent(base64), toBase64Url(base64));
  for (const shift of [0, 1, 2]) {
    const shifted = shift === 0 ? base64 : Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const core = shifted.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + bytes.length)) / 6));
    if (core.length >= minBase64CoreLength) forms.push(core, toBase64Url(core));
  }
  return forms;
}

function collectSecrets(value: unknown, found: string[], depth: number, seen: Set<object>): void {
  if (typeof value === 'string') found.push(value);
  else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint') found.push(String(value));
  else if (typeof value === 'object' && value !== null && depth < maxDepth && !seen.has(value)) {
    seen.add(value);
    const children = value instanceof Map || value instanceof Set ? [...value.values()] : Object.values(value);
    for (const child of children) collectSecrets(child, found, depth + 1, seen);
  }
}

/** `__proto__` as a plain assignment would set the copy's prototype instead of a key. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export class Redactor {
  private readonly secretPattern: RegExp | undefined;

  /** secrets: the values of the PSP's decrypted credential object (walk it: every string value, and numbers as strings), plus any extra secret strings. */
  constructor(secrets: readonly string[]) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      // Whitespace-only values would otherwise mask every run of spaces.
      if (typeof secret !== 'string' || secret.trim().length < minSecretLength) continue;
      for (const form of encodedForms(secret)) if (form.length >= minSecretLength) forms.add(form);
    }
    // Longest first: the alternation takes the first branch that matches, so a secret that
    // contains another one is masked whole rather than leaving its tail behind.
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    this.secretPattern =
      sorted.length === 0 ? undefined : new RegExp(sorted.map((form) => form.replace(regExpSpecials, '\\$&')).join('|'), 'g');
  }

  static fromCredential(credential: unknown, extra: readonly string[] = []): Redactor {
    const found: string[] = [];
    collectSecrets(credential, found, 0, new Set());
    return new Redactor([...found, ...extra]);
  }

  /** Returns a deep copy with secrets replaced; never mutates the input; handles cycles / depth > 64 by replacing with mask. */
  value(input: unknown): unknown {
    return this.walk(input, 0, new Set(), false, false);
  }

  /** For header maps: sensitive header names get mask, other values go through text(). */
  headers(input: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of Object.keys(input)) {
      const value: unknown = input[name];
      // Header maps built by hand sometimes carry arrays or numbers despite the type.
      const redacted = isSensitiveHeader(name) ? mask : typeof value === 'string' ? this.text(value) : this.value(value);
      setOwn(out, storable(name), redacted);
    }
    return out;
  }

  /** For a free-text string such as a log line or URL. */
  text(input: string): string {
    // Most strings are short values with no label and no long digit run; the cheap checks let
    // them skip the scans that could not match anyway.
    const clean = storable(input);
    let out = this.secretPattern === undefined || clean.length < minSecretLength ? clean : clean.replace(this.secretPattern, mask);
    if (out.includes('=') || out.includes(':')) out = out.replace(labelled, maskLabelled);
    return out.length < 13 ? out : out.replace(digitRun, maskCardNumbers);
  }

  private walk(input: unknown, depth: number, ancestors: Set<object>, inCard: boolean, inHeaders: boolean): unknown {
    switch (typeof input) {
      case 'string':
        return this.text(input);
      case 'number':
      case 'bigint': {
        // A number cannot be partly masked: any secret or card number in its digits masks it whole.
        const digits = String(input);
        return this.text(digits) === digits ? input : mask;
      }
      case 'function':
      case 'symbol':
        // Neither survives serialization, and a function's source could hold anything.
        return undefined;
      case 'object':
        break;
      default:
        return input;
    }
    if (input === null) return null;
    if (depth >= maxDepth || ancestors.has(input)) return mask;
    ancestors.add(input);
    try {
      if (Array.isArray(input)) {
        const out: unknown[] = new Array(input.length);
        for (let i = 0; i < input.length; i++) out[i] = this.walk(input[i], depth + 1, ancestors, inCard, false);
        return out;
      }
      let entries: [string, unknown][];
      const prototype: unknown = Object.getPrototypeOf(input);
      if (prototype === Object.prototype || prototype === null) entries = Object.entries(input);
      else if (input instanceof Date) return Number.isNaN(input.getTime()) ? null : input.toISOString();
      // Raw bytes cannot be scanned reliably as text, so they are withheld rather than guessed at.
      else if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) return mask;
      else if (input instanceof Set) return this.walk([...input], depth, ancestors, inCard, false);
      else if (input instanceof Map) entries = Array.from(input, ([key, item]): [string, unknown] => [String(key), item]);
      else if (input instanceof Error) entries = Object.entries({ ...input, name: input.name, message: input.message });
      else entries = Object.entries(input);
      const out: Record<string, unknown> = {};
      for (const [key, item] of entries) {
        const info = keyInfo(key);
        const sensitive = info.sensitive || (inCard && info.cardNumber) || (inHeaders && info.header);
        const redacted = sensitive ? mask : this.walk(item, depth + 1, ancestors, inCard || info.card, info.headers);
        setOwn(out, storable(key), redacted);
      }
      return out;
    } catch {
      // A throwing getter or proxy trap must not turn redaction into a crash, nor let the value through.
      return mask;
    } finally {
      ancestors.delete(input);
    }
  }
}
