import fc from 'fast-check';
import { oddString } from './abuse-values.js';

/**
 * Credentials as the abuse suite sends them: the right one, another tenant's (valid, so it must
 * see only its own data), and every way of getting it wrong, each of which must be a 401.
 */
export type TokenKind = 'valid' | 'other-tenant' | 'bad';

export interface HeaderCredential {
  kind: TokenKind;
  /** What was wrong with it, for the report of a failure. */
  variant: string;
  headers: Record<string, string | string[]>;
}

export interface TenantTokens {
  valid: string;
  otherTenant: string;
  revoked: string;
  expired: string;
  admin: string;
}

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The token with one character of its random part changed to another base62 character. */
function oneCharOff(token: string, position: number, shift: number): string {
  const at = 4 + (position % (token.length - 4));
  const current = base62.indexOf(token[at]!);
  const replacement = base62[(current + 1 + (shift % (base62.length - 1))) % base62.length]!;
  return token.slice(0, at) + replacement + token.slice(at + 1);
}

function swapCase(text: string): string {
  return [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}

/** Wrong X-SECRET-TOKEN values, all derived from a valid token so that near misses are tried. */
function badSecretTokens(tokens: TenantTokens): fc.Arbitrary<{ variant: string; value: string | string[] | undefined }> {
  const { valid } = tokens;
  const body = valid.slice(4);
  const fixed: [string, string | string[] | undefined][] = [
    ['missing', undefined],
    ['empty', ''],
    ['space', ' '],
    ['tab', '\t'],
    ['prefix only', 'sec_'],
    ['body without prefix', body],
    ['wrong prefix SEC_', `SEC_${body}`],
    ['wrong prefix sek_', `sek_${body}`],
    ['wrong prefix sec-', `sec-${body}`],
    ['truncated', valid.slice(0, -1)],
    ['extended', `${valid}A`],
    ['case swapped', `sec_${swapCase(body)}`],
    ['leading space', ` ${valid}`],
    ['trailing space', `${valid} `],
    ['trailing NUL', `${valid}\u0000`],
    ['trailing unicode', `${valid}\u00e9`],
    ['as bearer', `Bearer ${valid}`],
    ['injected header', `${valid}\r\nx-secret-token: ${valid}`],
    ['sent twice', [valid, valid]],
    ['with a bad one', [valid, 'sec_x']],
    ['revoked', tokens.revoked],
    ['expired', tokens.expired],
    ['admin token', tokens.admin],
    ['admin as bearer', `Bearer ${tokens.admin}`],
    ['fullwidth prefix', `ｓｅｃ_${body}`],
    ['cyrillic prefix', `ѕес_${body}`],
    ['all zeros', `sec_${'0'.repeat(26)}`],
  ];
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...fixed).map(([variant, value]) => ({ variant, value })) },
    { weight: 3, arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([p, s]) => ({ variant: 'one character off', value: oneCharOff(valid, p, s) })) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...base62), minLength: 26, maxLength: 26 }).map((r) => ({ variant: 'well-formed random', value: `sec_${r}` })) },
    { weight: 1, arbitrary: oddString.map((value) => ({ variant: 'odd string', value })) },
  );
}

/** X-SECRET-TOKEN for /connxt/v2: mostly right (so the inputs reach the handlers), often wrong. */
export function secretTokenCredential(tokens: TenantTokens): fc.Arbitrary<HeaderCredential> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant<HeaderCredential>({ kind: 'valid', variant: 'valid', headers: { 'x-secret-token': tokens.valid } }) },
    { weight: 1, arbitrary: fc.constant<HeaderCredential>({ kind: 'other-tenant', variant: 'other tenant', headers: { 'x-secret-token': tokens.otherTenant } }) },
    {
      weight: 3,
      arbitrary: badSecretTokens(tokens).map(({ variant, value }): HeaderCredential => ({
        kind: 'bad',
        variant,
        // Admin credentials alongside a bad tenant token must not help.
        headers: { ...(value === undefined ? {} : { 'x-secret-token': value }), ...(variant === 'missing' ? { authorization: `Bearer ${tokens.admin}` } : {}) },
      })),
    },
  );
}

/** Authorization for /admin/v1. */
export function adminCredential(tokens: TenantTokens): fc.Arbitrary<HeaderCredential> {
  const { admin } = tokens;
  const fixed: [string, Record<string, string | string[]>][] = [
    ['missing', {}],
    ['scheme only', { authorization: 'Bearer' }],
    ['scheme and space', { authorization: 'Bearer ' }],
    ['no scheme', { authorization: admin }],
    ['lower-case scheme', { authorization: `bearer ${admin}` }],
    ['two spaces', { authorization: `Bearer  ${admin}` }],
    ['trailing space', { authorization: `Bearer ${admin} ` }],
    ['trailing tab', { authorization: `Bearer ${admin}\t` }],
    ['basic', { authorization: `Basic ${Buffer.from(`admin:${admin}`).toString('base64')}` }],
    ['truncated', { authorization: `Bearer ${admin.slice(0, -1)}` }],
    ['extended', { authorization: `Bearer ${admin}x` }],
    ['case swapped', { authorization: `Bearer ${swapCase(admin)}` }],
    ['injected header', { authorization: `Bearer x\r\nauthorization: Bearer ${admin}` }],
    ['sent twice', { authorization: [`Bearer ${admin}`, `Bearer ${admin}`] }],
    ['tenant token as bearer', { authorization: `Bearer ${tokens.valid}` }],
    ['admin token in X-SECRET-TOKEN', { 'x-secret-token': admin }],
    ['bearer in X-SECRET-TOKEN', { 'x-secret-token': `Bearer ${admin}` }],
    ['tenant token in X-SECRET-TOKEN', { 'x-secret-token': tokens.valid }],
    ['NUL inside', { authorization: `Bearer ${admin.slice(0, 5)}\u0000${admin.slice(5)}` }],
  ];
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant<HeaderCredential>({ kind: 'valid', variant: 'valid', headers: { authorization: `Bearer ${admin}` } }) },
    { weight: 3, arbitrary: fc.constantFrom(...fixed).map(([variant, headers]): HeaderCredential => ({ kind: 'bad', variant, headers })) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.nat({ max: admin.length - 1 }), fc.constantFrom('0', 'Z', '-', '\u00e9')).map(([at, c]): HeaderCredential => {
        const changed = admin.slice(0, at) + (admin[at] === c ? '1' : c) + admin.slice(at + 1);
        return { kind: 'bad', variant: 'one character off', headers: { authorization: `Bearer ${changed}` } };
      }),
    },
    { weight: 1, arbitrary: oddString.map((s): HeaderCredential => ({ kind: 'bad', variant: 'odd string', headers: { authorization: `Bearer ${s}` } })) },
  );
}
