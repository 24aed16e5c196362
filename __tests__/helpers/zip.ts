import { deflateRawSync } from 'node:zlib';

/** One entry of a zip built in memory for tests. */
export interface ZipSpec {
  name: string;
  content: string | Buffer;
  method?: 'stored' | 'deflate';
  /** Write sizes in a data descriptor after the data (flag bit 3), as `jar` does. */
  descriptor?: boolean;
  /** With `descriptor`: omit the optional PK\x07\x08 signature. */
  unsignedDescriptor?: boolean;
  /** Replace the compressed bytes (hostile archives). */
  raw?: Buffer;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (crcTable[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A complete zip archive: local headers, data (and descriptors), central directory, end record. */
export function makeZip(entries: readonly ZipSpec[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const content = Buffer.from(e.content);
    const method = e.method === 'stored' ? 0 : 8;
    const data = e.raw ?? (method === 8 ? deflateRawSync(content) : content);
    const crc = crc32(content);
    const name = Buffer.from(e.name, 'utf8');
    const flags = 0x800 | (e.descriptor ? 8 : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(e.descriptor ? 0 : crc, 14);
    local.writeUInt32LE(e.descriptor ? 0 : data.length, 18);
    local.writeUInt32LE(e.descriptor ? 0 : content.length, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, data);
    let size = local.length + name.length + data.length;
    if (e.descriptor) {
      const d = Buffer.alloc(e.unsignedDescriptor ? 12 : 16);
      let at = 0;
      if (!e.unsignedDescriptor) at = d.writeUInt32LE(0x08074b50, 0);
      at = d.writeUInt32LE(crc, at);
      at = d.writeUInt32LE(data.length, at);
      d.writeUInt32LE(content.length, at);
      parts.push(d);
      size += d.length;
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(flags, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(content.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += size;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

/** Feed a buffer to a probe-like writer in chunks of `size` bytes. */
export function feed(writer: { write(chunk: Buffer): void }, buf: Buffer, size: number): void {
  for (let i = 0; i < buf.length; i += size) writer.write(buf.subarray(i, i + size));
}
