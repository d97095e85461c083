/**
 * Looks for secrets in text the engine let out (response bodies and headers, log lines, stored
 * rows): tokens, the admin token, PSP credential values, the master key, card numbers and
 * labelled security codes. A finding names what was found and where, never the secret itself.
 *
 * Hundreds of thousands of texts go through it, so it looks by shape first: every secret token
 * and signing secret has the engine's own shape (and any value of that shape is a finding), a
 * callback URL token is a 32-character run looked up in a set, and only the few secrets with no
 * shape of their own are searched for literally.
 */

export interface Finding {
  where: string;
  what: string;
  /** The text around it, every known secret masked. */
  context: string;
}

/** What the engine's tokens and signing secrets look like: one in a response that did not issue it is a leak. */
const secretShapes = /(?<![0-9A-Za-z_])(?:sec_[0-9A-Za-z]{26}|whsec_[0-9A-Za-z]{32})(?![0-9A-Za-z])/g;
const wholeSecretShape = /^(?:sec_[0-9A-Za-z]{26}|whsec_[0-9A-Za-z]{32})$/;
/** A callback URL token (callback-tokens.ts). */
const opaqueTokenShape = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])/g;
const wholeOpaqueToken = /^[A-Za-z0-9_-]{32}$/;
/**
 * 13 to 19 digits, single spaces or dashes allowed between them (how card numbers get printed),
 * standing on their own: not part of an identifier, and not the fraction of a decimal number.
 */
const digitRun = /(?<![\w.])\d(?:[ -]?\d){12,18}(?![\w]|\.\d)/g;
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const tokenCharacter = /[\w+/=-]/;
const labelledCode = /\bcv[cv]2?\\?["']?\s*\\?["']?\s*[:=]\s*\\?["']?\d{3,4}\b/i;

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Whether [start, end) lies inside a UUID of `text`: its digit groups are not card numbers. */
function insideUuid(text: string, start: number, end: number): boolean {
  for (const match of text.slice(Math.max(0, start - 36), end + 36).matchAll(uuid)) {
    const from = Math.max(0, start - 36) + match.index;
    if (from <= start && from + match[0].length >= end) return true;
  }
  return false;
}

/** Luhn-valid card-number-like runs in `text`, with where they start. */
export function cardNumbersIn(text: string): { digits: string; at: number }[] {
  const found: { digits: string; at: number }[] = [];
  for (const match of text.matchAll(digitRun)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (passesLuhn(digits) && !insideUuid(text, match.index, match.index + match[0].length)) found.push({ digits, at: match.index });
  }
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Last four characters only: enough to tell secrets apart in a report, useless to anyone else. */
function label(name: string, secret: string): string {
  return `${name} (…${secret.slice(-4)})`;
}

export class SecretScanner {
  /** Every secret → what it is. */
  readonly #names = new Map<string, string>();
  readonly #opaqueTokens = new Set<string>();
  readonly #literals: string[] = [];
  #literalPattern: RegExp | undefined;
  readonly findings: Finding[] = [];

  /** `name` says what the secret is; values shorter than 8 characters are too common to look for. */
  add(name: string, secret: string): void {
    if (secret.length < 8 || this.#names.has(secret)) return;
    this.#names.set(secret, name);
    if (wholeSecretShape.test(secret)) return;
    if (wholeOpaqueToken.test(secret)) {
      this.#opaqueTokens.add(secret);
      return;
    }
    this.#literals.push(secret);
    this.#literalPattern = new RegExp(this.#literals.map(escapeRegExp).join('|'), 'g');
  }

  /** Records every secret in `text`; `allowed` are the ones this text may carry (a token in the response that issued it). */
  scan(where: string, text: string, allowed: ReadonlySet<string> = new Set()): Finding[] {
    const found: Finding[] = [];
    const report = (secret: string, at: number, what = label(this.#names.get(secret) ?? 'token-shaped value', secret)) => {
      if (!allowed.has(secret)) found.push({ where, what, context: this.#around(text, at) });
    };
    if (this.#literalPattern !== undefined) for (const match of text.matchAll(this.#literalPattern)) report(match[0], match.index);
    for (const match of text.matchAll(secretShapes)) report(match[0], match.index);
    if (this.#opaqueTokens.size > 0) {
      for (const match of text.matchAll(opaqueTokenShape)) if (this.#opaqueTokens.has(match[0])) report(match[0], match.index);
    }
    for (const { digits, at } of cardNumbersIn(text)) report(digits, at, label('card number', digits));
    const code = labelledCode.exec(text);
    if (code !== null) found.push({ where, what: 'a labelled card security code', context: this.#around(text, code.index) });
    this.findings.push(...found);
    return found;
  }

  /** `text` with every known secret (and anything shaped like one) replaced by ***, for describing a failing request. */
  mask(text: string): string {
    let out = this.#literalPattern === undefined ? text : text.replace(this.#literalPattern, '***');
    out = out.replace(secretShapes, '***');
    return this.#opaqueTokens.size === 0 ? out : out.replace(opaqueTokenShape, (token) => (this.#opaqueTokens.has(token) ? '***' : token));
  }

  /** About 80 characters either side, widened so that no secret is cut in two (and so left unmasked). */
  #around(text: string, at: number): string {
    let start = Math.max(0, at - 80);
    let end = Math.min(text.length, at + 80);
    while (start > 0 && start > at - 200 && tokenCharacter.test(text[start - 1]!)) start--;
    while (end < text.length && end < at + 200 && tokenCharacter.test(text[end]!)) end++;
    return this.mask(text.slice(start, end)).replace(/\d{6,}/g, (digits) => `${digits.slice(0, 2)}…${digits.slice(-2)}`);
  }

  /** Tokens and signing secrets in `text`: what an issuing response hands out. */
  static issuedIn(text: string): string[] {
    return [...text.matchAll(secretShapes)].map((match) => match[0]);
  }
}
