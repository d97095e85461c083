import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/** Identifiers in the shapes ConnectPSP and the PIX network (BACEN/SPI) use. */

export const newTransactionId = (): string => randomUUID();

const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomText(alphabet: string, length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 1) text += alphabet[randomInt(alphabet.length)];
  return text;
}

/** ConnectPSP's own short code, e.g. IVKPRMOCDY. */
export const newInternalCode = (): string => randomText(upper, 10);

/** A PIX charge's txid (26–35 alphanumerics in the BR Code). */
export const newPixTxid = (): string => randomText(alphanumeric, 26);

/** Unguessable handle for a hosted OpenFinance consent page. */
export const newPageToken = (): string => randomBytes(18).toString('base64url');

/**
 * A BACEN end-to-end id: `E` (payment) or `D` (devolution), the ISPB of the institution that sent
 * it, the UTC minute as yyyyMMddHHmm, and 11 alphanumerics: 32 characters.
 */
export function newEndToEndId(kind: 'E' | 'D', ispb: string, at: number): string {
  const minute = new Date(at).toISOString().replace(/[-:T]/g, '').slice(0, 12);
  return `${kind}${ispb}${minute}${randomText(alphanumeric, 11)}`;
}
