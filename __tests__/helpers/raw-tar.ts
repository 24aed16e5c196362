/**
 * Byte-level tar building for fixtures tar-stream's packer will not write: GNU long names, raw
 * (invalid UTF-8) name bytes, unknown type flags, bad checksums, oversized PAX headers.
 */
export interface RawHeader {
  /** Name bytes (a string is encoded as UTF-8); at most 100 bytes. */
  name: string | Buffer;
  /** One-character type flag: '0' file, '5' dir, 'L' GNU long name, 'x' PAX, 'S' sparse... */
  typeflag: string;
  size?: number;
  mode?: number;
  linkname?: string;
  /** 'gnu' writes `ustar  \0`, 'ustar' writes POSIX `ustar\0` + `00`. Default 'ustar'. */
  format?: 'gnu' | 'ustar';
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

export function rawHeader(h: RawHeader): Buffer {
  const block = Buffer.alloc(512);
  const name = typeof h.name === 'string' ? Buffer.from(h.name) : h.name;
  if (name.length > 100) throw new Error('raw header names hold at most 100 bytes');
  name.copy(block, 0);
  block.write(octal(h.mode ?? 0o644, 8), 100, 'latin1');
  block.write(octal(0, 8), 108, 'latin1');
  block.write(octal(0, 8), 116, 'latin1');
  block.write(octal(h.size ?? 0, 12), 124, 'latin1');
  block.write(octal(1_700_000_000, 12), 136, 'latin1');
  block.write(h.typeflag, 156, 'latin1');
  if (h.linkname !== undefined) block.write(h.linkname, 157, 'utf8');
  if (h.format === 'gnu') block.write('ustar  \0', 257, 'latin1');
  else block.write('ustar\u000000', 257, 'latin1');
  block.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 'latin1');
  return block;
}

/** Content padded to whole 512-byte blocks. */
export function rawData(content: Buffer | string): Buffer {
  const data = Buffer.from(content);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return padded;
}

/** A file header plus its data. */
export function rawFile(
  name: string | Buffer,
  content: string | Buffer,
  extra: Partial<RawHeader> = {},
): Buffer {
  const data = Buffer.from(content);
  return Buffer.concat([rawHeader({ name, typeflag: '0', size: data.length, ...extra }), rawData(data)]);
}

/** GNU tar's form for a name over 100 bytes: a `././@LongLink` 'L' entry, then the real header. */
export function gnuLongName(name: string, real: RawHeader, content: Buffer | string = ''): Buffer {
  const long = Buffer.from(`${name}\0`);
  return Buffer.concat([
    rawHeader({ name: '././@LongLink', typeflag: 'L', size: long.length, format: 'gnu' }),
    rawData(long),
    rawHeader({ ...real, name: name.slice(0, 100), format: 'gnu' }),
    rawData(content),
  ]);
}

/** GNU tar's form for a link target over 100 bytes: a 'K' entry before the link's header. */
export function gnuLongLink(linkname: string, real: RawHeader): Buffer {
  const long = Buffer.from(`${linkname}\0`);
  return Buffer.concat([
    rawHeader({ name: '././@LongLink', typeflag: 'K', size: long.length, format: 'gnu' }),
    rawData(long),
    rawHeader({ ...real, linkname: linkname.slice(0, 100), format: 'gnu' }),
  ]);
}

/** The two zero blocks that end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(1024);

export function rawTar(...parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, END_OF_ARCHIVE]);
}
