/**
 * A minimal ELF image for probe tests: a 64-bit (or 32-bit) header, program headers (one PT_NOTE per
 * note blob, placed where the test asks), and body bytes. Enough for a reader that follows the program
 * headers; nothing here is meant to run.
 */
export interface ElfSpec {
  bits?: 32 | 64;
  bigEndian?: boolean;
  /** Note segments: their bytes (from `noteBytes`) and where in the file they go. */
  notes?: Array<{ offset: number; bytes: Buffer }>;
  /** Bytes written at fixed offsets (banners, compressed data). */
  blobs?: Array<{ offset: number; bytes: Buffer }>;
  size: number;
}

export function makeElf(spec: ElfSpec): Buffer {
  const wide = (spec.bits ?? 64) === 64;
  const le = !spec.bigEndian;
  const buf = Buffer.alloc(spec.size, 0x11);
  buf.fill(0, 0, 64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, wide ? 2 : 1, le ? 1 : 2, 1]).copy(buf, 0);
  const u16 = (v: number, at: number) => (le ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at));
  const u32 = (v: number, at: number) => (le ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at));
  const u64 = (v: number, at: number) =>
    le ? buf.writeBigUInt64LE(BigInt(v), at) : buf.writeBigUInt64BE(BigInt(v), at);
  const notes = spec.notes ?? [];
  const phoff = wide ? 64 : 52;
  const phentsize = wide ? 56 : 32;
  if (wide) u64(phoff, 32);
  else u32(phoff, 28);
  u16(phentsize, wide ? 54 : 42);
  u16(notes.length, wide ? 56 : 44);
  notes.forEach((n, i) => {
    const at = phoff + i * phentsize;
    buf.fill(0, at, at + phentsize);
    u32(4, at); // PT_NOTE
    if (wide) {
      u64(n.offset, at + 8);
      u64(n.bytes.length, at + 32);
    } else {
      u32(n.offset, at + 4);
      u32(n.bytes.length, at + 16);
    }
    n.bytes.copy(buf, n.offset);
  });
  for (const b of spec.blobs ?? []) b.bytes.copy(buf, b.offset);
  return buf;
}

/** One ELF note: namesz, descsz, type, name (NUL-padded to 4), desc (padded to 4). */
export function noteBytes(owner: string, type: number, desc: Buffer, bigEndian = false): Buffer {
  const name = Buffer.from(`${owner}\0`, 'latin1');
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
  const head = Buffer.alloc(12);
  const w = (v: number, at: number) => (bigEndian ? head.writeUInt32BE(v, at) : head.writeUInt32LE(v, at));
  w(name.length, 0);
  w(desc.length, 4);
  w(type >>> 0, 8);
  return Buffer.concat([head, pad(name), pad(desc)]);
}

export const FDO_PACKAGING_METADATA = 0xcafe1a7e;
