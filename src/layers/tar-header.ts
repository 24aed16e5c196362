import { parseNumericField, parseOctalField } from './tar-numbers.js';

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
  size: bigint;
  mode: bigint;
  uid: bigint;
  gid: bigint;
  mtime: bigint;
  devmajor: bigint;
  devminor: bigint;
  format: TarFormat;
}

/** Why a block is not a header Go would accept (becomes part of a LAYER_CORRUPT message). */
export class TarHeaderError extends Error {}

const MAGIC_USTAR = Buffer.from('ustar\0', 'latin1');
const MAGIC_GNU = Buffer.from('ustar ', 'latin1');
const VERSION_GNU = Buffer.from(' \0', 'latin1');
const TRAILER_STAR = Buffer.from('tar\0', 'latin1');

/** A C string: the bytes before the first NUL, or all of them. */
export function cString(bytes: Buffer): Buffer {
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

function isAscii(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte >= 0x80) return false;
  return true;
}

function field(block: Buffer, offset: number, length: number): Buffer {
  return block.subarray(offset, offset + length);
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK_SIZE; i++) if (block[i] !== 0) return false;
  return true;
}

function checksumMatches(block: Buffer): boolean {
  const stored = parseOctalField(field(block, 148, 8));
  if (stored === null) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte >= 0x80 ? byte - 0x100 : byte;
  }
  return stored === unsigned || stored === signed;
}

function formatOf(block: Buffer): TarFormat {
  const magic = field(block, 257, 6);
  if (magic.equals(MAGIC_USTAR)) return field(block, 508, 4).equals(TRAILER_STAR) ? 'star' : 'ustar';
  if (magic.equals(MAGIC_GNU) && field(block, 263, 2).equals(VERSION_GNU)) return 'gnu';
  return 'v7';
}

/** Parses numeric fields, remembering that one failed (Go's parser.err). */
class Numbers {
  failed: string | null = null;
  read(block: Buffer, offset: number, length: number, name: string): bigint {
    const value = parseNumericField(field(block, offset, length));
    if (value === null) {
      this.failed ??= name;
      return 0n;
    }
    return value;
  }
}

/** Decode a non-zero header block; throws TarHeaderError where Go returns ErrHeader. */
export function decodeHeader(block: Buffer): RawTarHeader {
  if (!checksumMatches(block)) throw new TarHeaderError('has a wrong checksum');
  const format = formatOf(block);
  const numbers = new Numbers();
  const header: RawTarHeader = {
    typeflag: String.fromCharCode(block[156]!),
    name: cString(field(block, 0, 100)),
    linkname: cString(field(block, 157, 100)),
    size: numbers.read(block, 124, 12, 'size'),
    mode: numbers.read(block, 100, 8, 'mode'),
    uid: numbers.read(block, 108, 8, 'uid'),
    gid: numbers.read(block, 116, 8, 'gid'),
    mtime: numbers.read(block, 136, 12, 'mtime'),
    devmajor: 0n,
    devminor: 0n,
    format,
  };
  if (format !== 'v7') {
    header.devmajor = numbers.read(block, 329, 8, 'devmajor');
    header.devminor = numbers.read(block, 337, 8, 'devminor');
    let prefix: Buffer = Buffer.alloc(0);
    if (format === 'ustar') {
      prefix = cString(field(block, 345, 155));
    } else if (format === 'star') {
      prefix = cString(field(block, 345, 131));
      numbers.read(block, 476, 12, 'atime');
      numbers.read(block, 488, 12, 'ctime');
    } else if (!gnuTimesParse(block)) {
      // Go reads files written by its own pre-1.8 writer, which put a USTAR prefix here.
      const old = cString(field(block, 345, 155));
      if (isAscii(old)) prefix = old;
    }
    if (prefix.length > 0) header.name = Buffer.concat([prefix, Buffer.from('/'), header.name]);
  }
  if (numbers.failed !== null) {
    throw new TarHeaderError(`has a ${numbers.failed} field that is not a valid number`);
  }
  return header;
}

/** GNU atime and ctime, each parsed only when its first byte is not NUL (as Go does). */
function gnuTimesParse(block: Buffer): boolean {
  for (const offset of [345, 357]) {
    if (block[offset] !== 0 && parseNumericField(field(block, offset, 12)) === null) return false;
  }
  return true;
}
