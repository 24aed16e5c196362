import { parseNumericAt, parseOctalAt, type TarNumber } from './tar-numbers.js';

/**
 * One 512-byte tar header block decoded the way Go's archive/tar decodes it (reader.go readHeader,
 * format.go getFormat): the checksum may be the unsigned or the signed byte sum; the magic picks
 * V7, USTAR/PAX, GNU or star; only USTAR and star have a prefix field (star's is 131 bytes, then
 * atime and ctime), GNU has atime and ctime where USTAR has its prefix. Any malformed numeric field
 * makes Go fail the whole archive, and so it does here.
 */

export const BLOCK_SIZE = 512;

export type TarFormat = 'v7' | 'ustar' | 'gnu' | 'star';

/** The fields of one block, strings still as bytes (Go keeps them as bytes too). */
export interface RawTarHeader {
  /** The typeflag byte as a one-character string ('\0', '0'..'7', 'x', 'g', 'L', 'K', 'S', ...). */
  typeflag: string;
  /** Name bytes, with the prefix field joined as `prefix/name` where the format has one. */
  name: Buffer;
  linkname: Buffer;
  /** Numbers: a number when the value is a safe integer, else the exact BigInt (see TarNumber). */
  size: TarNumber;
  mode: TarNumber;
  uid: TarNumber;
  gid: TarNumber;
  mtime: TarNumber;
  devmajor: TarNumber;
  devminor: TarNumber;
  format: TarFormat;
}

/** Why a block is not a header Go would accept (becomes part of a LAYER_CORRUPT message). */
export class TarHeaderError extends Error {}

/** A C string: the bytes before the first NUL, or all of them. */
export function cString(bytes: Buffer): Buffer {
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

/** cString of `length` bytes of `block` from `offset`: one view (none when empty), no search past the field. */
function cStringAt(block: Buffer, offset: number, length: number): Buffer {
  let end = offset;
  const limit = offset + length;
  while (end < limit && block[end] !== 0) end++;
  return end === offset ? NO_BYTES : block.subarray(offset, end);
}

const NO_BYTES = Buffer.alloc(0);

function isAscii(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte >= 0x80) return false;
  return true;
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK_SIZE; i++) if (block[i] !== 0) return false;
  return true;
}

const CHKSUM_OFFSET = 148;
const CHKSUM_LENGTH = 8;

/**
 * Go's computeChecksum: the unsigned and the signed byte sums with the checksum field read as spaces.
 * Summed over the whole block, then corrected for the checksum field, with the bytes >= 0x80 counted
 * (the signed sum takes 256 less for each). An aligned block is summed four bytes at a time.
 */
function checksumMatches(block: Buffer): boolean {
  const stored = parseOctalAt(block, CHKSUM_OFFSET, CHKSUM_LENGTH);
  if (stored === null) return false;
  const words = wordsOf(block);
  let sum = 0;
  let high = 0;
  if (words !== null) {
    // Per 32-bit word: two 16-bit lanes of byte pairs, and four 8-bit lanes of high bits; 128 words
    // keep each lane below 2^16 (2 * 255 * 128) and 2^8 (128).
    let pairs = 0;
    let highs = 0;
    for (let i = 0; i < BLOCK_SIZE / 4; i++) {
      const w = words[i]!;
      pairs += (w & 0x00ff00ff) + ((w >>> 8) & 0x00ff00ff);
      highs += (w >>> 7) & 0x01010101;
    }
    sum = (pairs & 0xffff) + (pairs >>> 16);
    high = (highs & 0xff) + ((highs >>> 8) & 0xff) + ((highs >>> 16) & 0xff) + (highs >>> 24);
  } else {
    for (let i = 0; i < BLOCK_SIZE; i++) {
      const byte = block[i]!;
      sum += byte;
      high += byte >> 7;
    }
  }
  for (let i = CHKSUM_OFFSET; i < CHKSUM_OFFSET + CHKSUM_LENGTH; i++) {
    const byte = block[i]!;
    sum -= byte;
    high -= byte >> 7;
  }
  const unsigned = sum + CHKSUM_LENGTH * 0x20;
  return stored === unsigned || stored === unsigned - 0x100 * high;
}

/** The tar reader decodes every header from one reused block: its word view is made once. */
let lastBlock: Buffer | null = null;
let lastWords: Uint32Array | null = null;

function wordsOf(block: Buffer): Uint32Array | null {
  if (block !== lastBlock) {
    lastBlock = block;
    lastWords =
      block.byteOffset % 4 === 0 && block.length >= BLOCK_SIZE
        ? new Uint32Array(block.buffer, block.byteOffset, BLOCK_SIZE / 4)
        : null;
  }
  return lastWords;
}

/** Magic at 257: "ustar\0" (USTAR, PAX, star) or "ustar " (GNU, with version " \0" at 263). */
function formatOf(b: Buffer): TarFormat {
  if (b[257] !== 0x75 || b[258] !== 0x73 || b[259] !== 0x74 || b[260] !== 0x61 || b[261] !== 0x72) {
    return 'v7';
  }
  if (b[262] === 0) {
    // star's trailer "tar\0" at 508
    const star = b[508] === 0x74 && b[509] === 0x61 && b[510] === 0x72 && b[511] === 0;
    return star ? 'star' : 'ustar';
  }
  if (b[262] === 0x20 && b[263] === 0x20 && b[264] === 0) return 'gnu';
  return 'v7';
}

/** Parses numeric fields, remembering that one failed (Go's parser.err); one for every header. */
class Numbers {
  failed: string | null = null;
  reset(): this {
    this.failed = null;
    return this;
  }
  read(block: Buffer, offset: number, length: number, name: string): TarNumber {
    const value = parseNumericAt(block, offset, length);
    if (value === null) {
      this.failed ??= name;
      return 0;
    }
    return value;
  }
}

const SLASH = Buffer.from('/');
const NUMBERS = new Numbers();

/** Decode a non-zero header block; throws TarHeaderError where Go returns ErrHeader. */
export function decodeHeader(block: Buffer): RawTarHeader {
  if (!checksumMatches(block)) throw new TarHeaderError('has a wrong checksum');
  const format = formatOf(block);
  const numbers = NUMBERS.reset();
  const header: RawTarHeader = {
    typeflag: String.fromCharCode(block[156]!),
    name: cStringAt(block, 0, 100),
    linkname: cStringAt(block, 157, 100),
    size: numbers.read(block, 124, 12, 'size'),
    mode: numbers.read(block, 100, 8, 'mode'),
    uid: numbers.read(block, 108, 8, 'uid'),
    gid: numbers.read(block, 116, 8, 'gid'),
    mtime: numbers.read(block, 136, 12, 'mtime'),
    devmajor: 0,
    devminor: 0,
    format,
  };
  if (format !== 'v7') {
    header.devmajor = numbers.read(block, 329, 8, 'devmajor');
    header.devminor = numbers.read(block, 337, 8, 'devminor');
    let prefix: Buffer = NO_BYTES;
    if (format === 'ustar') {
      prefix = cStringAt(block, 345, 155);
    } else if (format === 'star') {
      prefix = cStringAt(block, 345, 131);
      numbers.read(block, 476, 12, 'atime');
      numbers.read(block, 488, 12, 'ctime');
    } else if (!gnuTimesParse(block)) {
      // Go reads files written by its own pre-1.8 writer, which put a USTAR prefix here.
      const old = cStringAt(block, 345, 155);
      if (isAscii(old)) prefix = old;
    }
    if (prefix.length > 0) header.name = Buffer.concat([prefix, SLASH, header.name]);
  }
  if (numbers.failed !== null) {
    throw new TarHeaderError(`has a ${numbers.failed} field that is not a valid number`);
  }
  return header;
}

/** GNU atime and ctime, each parsed only when its first byte is not NUL (as Go does). */
function gnuTimesParse(block: Buffer): boolean {
  return gnuTimeParses(block, 345) && gnuTimeParses(block, 357);
}

function gnuTimeParses(block: Buffer, offset: number): boolean {
  return block[offset] === 0 || parseNumericAt(block, offset, 12) !== null;
}
