import { createHash } from 'node:crypto';
import { deflateSync, crc32 } from 'node:zlib';

/**
 * `pixData.qrCodeImageBase64`: a real PNG that looks like a QR code (three finder squares, a
 * module pattern derived from the code's hash) but does not encode it: scanning is not part of
 * any test, and the copy-and-paste text is what the bank-app page takes.
 */
const modules = 29;
const scale = 4;
const quiet = 4;

function isFinder(x: number, y: number): boolean | undefined {
  for (const [fx, fy] of [
    [0, 0],
    [modules - 7, 0],
    [0, modules - 7],
  ] as const) {
    const dx = x - fx;
    const dy = y - fy;
    if (dx >= 0 && dx < 7 && dy >= 0 && dy < 7) {
      const ring = Math.min(dx, dy, 6 - dx, 6 - dy);
      return ring !== 1;
    }
    if (dx >= -1 && dx <= 7 && dy >= -1 && dy <= 7) return false;
  }
  return undefined;
}

function moduleGrid(seed: string): boolean[][] {
  const bits: number[] = [];
  for (let round = 0; bits.length < modules * modules; round += 1) {
    for (const byte of createHash('sha256').update(`${round}:${seed}`).digest()) {
      for (let bit = 7; bit >= 0; bit -= 1) bits.push((byte >> bit) & 1);
    }
  }
  return Array.from({ length: modules }, (_, y) =>
    Array.from({ length: modules }, (_, x) => isFinder(x, y) ?? bits[y * modules + x] === 1),
  );
}

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A grayscale PNG of the pattern for `code`, base64. */
export function qrPlaceholderPng(code: string): string {
  const grid = moduleGrid(code);
  const size = (modules + 2 * quiet) * scale;
  const rows: Buffer[] = [];
  for (let py = 0; py < size; py += 1) {
    const row = Buffer.alloc(size + 1, 0xff);
    row[0] = 0; // filter: none
    const my = Math.floor(py / scale) - quiet;
    for (let px = 0; px < size; px += 1) {
      const mx = Math.floor(px / scale) - quiet;
      if (grid[my]?.[mx] === true) row[px + 1] = 0x00;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // colour type: grayscale
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return png.toString('base64');
}
