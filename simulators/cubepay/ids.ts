import { randomInt } from 'node:crypto';

const lowerAlphanumeric = 'abcdefghijklmnopqrstuvwxyz0123456789';
const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Cube Pay's transaction ids look like "g7xp8kudinz3tyi" (004): 15 lower-case letters and digits. */
export const newTransactionId = (): string => randomText(lowerAlphanumeric, 15);

/** One-time page tokens look like 004's cashier token: 50 letters and digits. */
export const newPageToken = (): string => randomText(alphanumeric, 50);

/** Modeled key formats; 004's signature password sample is "spg_test_company…". */
export const newApiKey = (): string => `cpk_test_${randomText(alphanumeric, 32)}`;
export const newSignaturePassword = (): string => `spg_test_${randomText(alphanumeric, 40)}`;
