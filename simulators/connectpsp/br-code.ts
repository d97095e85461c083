import { decimalText } from './money.js';

/**
 * The "Pix Copia e Cola" text: an EMV QR Code payload as BACEN's BR Code manual lays it out, for a
 * dynamic charge whose details live at a payload location URL (tag 26, sub-tag 25). The location
 * is the simulator's own `/pix/:txid`, so the code is unique per charge and points back here.
 */
export interface BrCodeInput {
  /** Host and path of the payload location, without the scheme (BR Codes leave it out). */
  location: string;
  cents: number;
  merchantName: string;
  merchantCity: string;
}

/** ID + two-digit length + value. */
function field(id: string, value: string): string {
  if (value.length > 99) throw new RangeError(`BR Code field ${id} is longer than 99 characters`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

/** Names in a BR Code are upper-case ASCII without accents. */
function plain(text: string, max: number): string {
  const ascii = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9 .-]/g, '')
    .toUpperCase()
    .trim();
  return (ascii === '' ? 'NA' : ascii).slice(0, max);
}

/** CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF), as the BR Code's tag 63 asks. */
export function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

export function brCode(input: BrCodeInput): string {
  const body =
    field('00', '01') + // payload format indicator
    field('01', '12') + // point of initiation: 12 = dynamic, one payment
    field('26', field('00', 'br.gov.bcb.pix') + field('25', input.location)) +
    field('52', '0000') + // merchant category code
    field('53', '986') + // BRL
    field('54', decimalText(input.cents)) +
    field('58', 'BR') +
    field('59', plain(input.merchantName, 25)) +
    field('60', plain(input.merchantCity, 15)) +
    field('62', field('05', '***')); // dynamic charges carry their txid in the location
  const withCrcTag = `${body}6304`;
  return withCrcTag + crc16(withCrcTag);
}
