/**
 * Brazilian tax ids and PIX keys. ConnectPSP takes documents as digits only (CPF 11, CNPJ 14);
 * whether it checks their verifier digits is not public. The simulator does, as PIX institutions
 * must for the DICT, and this is what makes a payer "declined at creation" in tests: a CPF with
 * wrong verifier digits (README, test data).
 */

function verifierDigit(digits: readonly number[], weights: readonly number[]): number {
  const sum = digits.reduce((total, digit, i) => total + digit * weights[i]!, 0);
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}

const toDigits = (text: string): number[] => [...text].map(Number);

export function isValidCpf(text: string): boolean {
  if (!/^\d{11}$/.test(text) || /^(\d)\1{10}$/.test(text)) return false;
  const digits = toDigits(text);
  const first = verifierDigit(digits.slice(0, 9), [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = verifierDigit(digits.slice(0, 10), [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return digits[9] === first && digits[10] === second;
}

export function isValidCnpj(text: string): boolean {
  if (!/^\d{14}$/.test(text) || /^(\d)\1{13}$/.test(text)) return false;
  const digits = toDigits(text);
  const first = verifierDigit(digits.slice(0, 12), [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = verifierDigit(digits.slice(0, 13), [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  return digits[12] === first && digits[13] === second;
}

/** Why a payer/payee document is refused, or undefined when it is a valid CPF or CNPJ. */
export function documentProblem(document: string): string | undefined {
  if (!/^\d+$/.test(document)) return 'must contain digits only';
  if (document.length === 11) return isValidCpf(document) ? undefined : 'is not a valid CPF (verifier digits do not match)';
  if (document.length === 14) return isValidCnpj(document) ? undefined : 'is not a valid CNPJ (verifier digits do not match)';
  return 'must be a CPF (11 digits) or a CNPJ (14 digits)';
}

export const pixKeyTypes = ['CPF', 'CNPJ', 'EMAIL', 'PHONE', 'EVP'] as const;
export type PixKeyType = (typeof pixKeyTypes)[number];

/** Why a PIX key does not fit its declared type (the DICT formats), or undefined. */
export function pixKeyProblem(type: PixKeyType, key: string): string | undefined {
  switch (type) {
    case 'CPF':
      return isValidCpf(key) ? undefined : 'must be a valid CPF, digits only';
    case 'CNPJ':
      return isValidCnpj(key) ? undefined : 'must be a valid CNPJ, digits only';
    case 'EMAIL':
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(key) && key.length <= 77 ? undefined : 'must be an e-mail address';
    case 'PHONE':
      return /^\+55\d{10,11}$/.test(key) ? undefined : 'must be a phone number as +55 followed by 10 or 11 digits';
    case 'EVP':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(key) ? undefined : 'must be a random key (lower-case UUID)';
  }
}
