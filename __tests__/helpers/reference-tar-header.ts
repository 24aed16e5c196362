/**
 * The plain header decoder (one view and one BigInt per field, a branch per checksum byte), kept as
 * the reference the fast decoder in src/layers/tar-header.ts is compared with.
 */
export interface ReferenceHeader {
  typeflag: string;
  name: Buffer;
  linkname: Buffer;
  size: bigint;
  mode: bigint;
  uid: bigint;
  gid: bigint;
  mtime: bigint;
  devmajor: bigint;
  devminor: bigint;
  format: 'v7' | 'ustar' | 'gnu' | 'star';
}

const MAGIC_USTAR = Buffer.from('ustar\0', 'latin1');
const MAGIC_GNU = Buffer.from('ustar ', 'latin1');
const VERSION_GNU = Buffer.from(' \0', 'latin1');
const TRAILER_STAR = Buffer.from('tar\0', 'latin1');

function cString(bytes: Buffer): Buffer {
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

function field(block: Buffer, offset: number, length: number): Buffer {
  return block.subarray(offset, offset + length);
}

function parseOctal(f: Buffer): number | null {
  let start = 0;
  let end = f.length;
  const pad = (b: number) => b === 0x20 || b === 0;
  while (start < end && pad(f[start]!)) start++;
  while (end > start && pad(f[end - 1]!)) end--;
  if (start === end) return 0;
  const nul = f.indexOf(0, start);
  if (nul >= 0 && nul < end) end = nul;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = f[i]! - 0x30;
    if (digit < 0 || digit > 7) return null;
    value = value * 8 + digit;
  }
  return value;
}

export function referenceParseNumeric(f: Buffer): bigint | null {
  if (f.length > 0 && (f[0]! & 0x80) !== 0) {
    const invert = (f[0]! & 0x40) !== 0 ? 0xff : 0;
    let x = 0n;
    for (let i = 0; i < f.length; i++) {
      let byte = f[i]! ^ invert;
      if (i === 0) byte &= 0x7f;
      if (x >> 56n > 0n) return null;
      x = (x << 8n) | BigInt(byte);
    }
    if (x >> 63n > 0n) return null;
    return invert === 0xff ? -x - 1n : x;
  }
  const octal = parseOctal(f);
  return octal === null ? null : BigInt(octal);
}

/** A header block's checksum as POSIX (bytes unsigned) and old tars (signed) compute it. */
export function referenceChecksums(block: Buffer): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte >= 0x80 ? byte - 0x100 : byte;
  }
  return { unsigned, signed };
}

function checksumMatches(block: Buffer): boolean {
  const stored = parseOctal(field(block, 148, 8));
  if (stored === null) return false;
  const { unsigned, signed } = referenceChecksums(block);
  return stored === unsigned || stored === signed;
}

function formatOf(block: Buffer): ReferenceHeader['format'] {
  const magic = field(block, 257, 6);
  if (magic.equals(MAGIC_USTAR)) return field(block, 508, 4).equals(TRAILER_STAR) ? 'star' : 'ustar';
  if (magic.equals(MAGIC_GNU) && field(block, 263, 2).equals(VERSION_GNU)) return 'gnu';
  return 'v7';
}

/** The header, or the error message the decoder throws. */
export function referenceDecodeHeader(block: Buffer): ReferenceHeader | string {
  if (!checksumMatches(block)) return 'has a wrong checksum';
  const format = formatOf(block);
  const parser = { failed: null as string | null };
  const read = (offset: number, length: number, name: string): bigint => {
    const value = referenceParseNumeric(field(block, offset, length));
    if (value === null) {
      parser.failed ??= name;
      return 0n;
    }
    return value;
  };
  const header: ReferenceHeader = {
    typeflag: String.fromCharCode(block[156]!),
    name: cString(field(block, 0, 100)),
    linkname: cString(field(block, 157, 100)),
    size: read(124, 12, 'size'),
    mode: read(100, 8, 'mode'),
    uid: read(108, 8, 'uid'),
    gid: read(116, 8, 'gid'),
    mtime: read(136, 12, 'mtime'),
    devmajor: 0n,
    devminor: 0n,
    format,
  };
  if (format !== 'v7') {
    header.devmajor = read(329, 8, 'devmajor');
    header.devminor = read(337, 8, 'devminor');
    let prefix: Buffer = Buffer.alloc(0);
    if (format === 'ustar') {
      prefix = cString(field(block, 345, 155));
    } else if (format === 'star') {
      prefix = cString(field(block, 345, 131));
      read(476, 12, 'atime');
      read(488, 12, 'ctime');
    } else {
      let timesParse = true;
      for (const offset of [345, 357]) {
        if (block[offset] !== 0 && referenceParseNumeric(field(block, offset, 12)) === null)
          timesParse = false;
      }
      if (!timesParse) {
        const old = cString(field(block, 345, 155));
        if (![...old].some((b) => b >= 0x80)) prefix = old;
      }
    }
    if (prefix.length > 0) header.name = Buffer.concat([prefix, Buffer.from('/'), header.name]);
  }
  if (parser.failed !== null) return `has a ${parser.failed} field that is not a valid number`;
  return header;
}
