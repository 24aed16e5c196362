/**
 * Writers for rpm test data: header blobs, NDB `Packages.db` files and minimal BerkeleyDB hash
 * `Packages` files, written from the formats' descriptions so tests can build valid inputs and then
 * break them on purpose. Integration tests check the same readers against files made by rpm and db_load.
 */
import type { CatalogContext, TreeEntry } from '../../src/catalog/types.js';
import { catalogContext as runnerContext } from '../../src/catalog/runner.js';
import { rpmCataloger } from '../../src/catalog/os/rpm/index.js';

export const T = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;

export type TagValue =
  | { tag: number; type: typeof T.STRING | typeof T.I18NSTRING; value: string }
  | { tag: number; type: typeof T.STRING_ARRAY; value: string[] }
  | { tag: number; type: typeof T.INT32 | typeof T.INT16; value: number[] }
  | { tag: number; type: typeof T.BIN; value: Buffer };

/** An rpm header blob (no lead, no magic) holding the given tags, with rpm's alignment. */
export function buildHeader(tags: TagValue[]): Buffer {
  const index = Buffer.alloc(tags.length * 16);
  const chunks: Buffer[] = [];
  let size = 0;
  tags.forEach((t, i) => {
    const align = t.type === T.INT32 ? 4 : t.type === T.INT16 ? 2 : 1;
    const pad = (align - (size % align)) % align;
    if (pad) {
      chunks.push(Buffer.alloc(pad));
      size += pad;
    }
    let data: Buffer;
    let count: number;
    if (t.type === T.STRING || t.type === T.I18NSTRING) {
      data = Buffer.from(`${t.value}\0`);
      count = 1;
    } else if (t.type === T.STRING_ARRAY) {
      data = Buffer.from(t.value.map((s) => `${s}\0`).join(''));
      count = t.value.length;
    } else if (t.type === T.BIN) {
      data = t.value;
      count = t.value.length;
    } else {
      const width = t.type === T.INT32 ? 4 : 2;
      data = Buffer.alloc(t.value.length * width);
      (t.value as number[]).forEach((v, j) =>
        width === 4 ? data.writeUInt32BE(v, j * 4) : data.writeUInt16BE(v, j * 2),
      );
      count = t.value.length;
    }
    index.writeUInt32BE(t.tag, i * 16);
    index.writeUInt32BE(t.type, i * 16 + 4);
    index.writeUInt32BE(size, i * 16 + 8);
    index.writeUInt32BE(count, i * 16 + 12);
    chunks.push(data);
    size += data.length;
  });
  const preamble = Buffer.alloc(8);
  preamble.writeUInt32BE(tags.length, 0);
  preamble.writeUInt32BE(size, 4);
  return Buffer.concat([preamble, index, ...chunks]);
}

export interface SimplePackage {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch?: string;
  sourceRpm?: string;
  license?: string;
  files?: Array<{ path: string; digest?: string; mode?: number; flags?: number }>;
  digestAlgo?: number;
}

/** A header for a package with files split into BASENAMES/DIRNAMES/DIRINDEXES, as rpm stores them. */
export function packageHeader(p: SimplePackage): Buffer {
  const tags: TagValue[] = [
    { tag: 1000, type: T.STRING, value: p.name },
    { tag: 1001, type: T.STRING, value: p.version },
    { tag: 1002, type: T.STRING, value: p.release },
  ];
  if (p.epoch !== undefined) tags.push({ tag: 1003, type: T.INT32, value: [p.epoch] });
  if (p.license) tags.push({ tag: 1014, type: T.STRING, value: p.license });
  if (p.arch) tags.push({ tag: 1022, type: T.STRING, value: p.arch });
  if (p.sourceRpm) tags.push({ tag: 1044, type: T.STRING, value: p.sourceRpm });
  const files = p.files ?? [];
  if (files.length) {
    const dirnames: string[] = [];
    const dirindexes: number[] = [];
    const basenames: string[] = [];
    for (const f of files) {
      const slash = f.path.lastIndexOf('/');
      const dir = f.path.slice(0, slash + 1);
      if (!dirnames.includes(dir)) dirnames.push(dir);
      dirindexes.push(dirnames.indexOf(dir));
      basenames.push(f.path.slice(slash + 1));
    }
    tags.push(
      { tag: 1030, type: T.INT16, value: files.map((f) => f.mode ?? 0o100644) },
      { tag: 1035, type: T.STRING_ARRAY, value: files.map((f) => f.digest ?? '') },
      { tag: 1037, type: T.INT32, value: files.map((f) => f.flags ?? 0) },
      { tag: 1116, type: T.INT32, value: dirindexes },
      { tag: 1117, type: T.STRING_ARRAY, value: basenames },
      { tag: 1118, type: T.STRING_ARRAY, value: dirnames },
    );
    if (p.digestAlgo !== undefined) tags.push({ tag: 5011, type: T.INT32, value: [p.digestAlgo] });
  }
  return buildHeader(tags);
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** An NDB `Packages.db` holding the blobs under package indexes 1..n, one slot page. */
export function buildNdb(blobs: Buffer[]): Buffer {
  const page = Buffer.alloc(4096);
  page.write('RpmP', 0, 'latin1');
  page.writeUInt32LE(0, 4);
  page.writeUInt32LE(blobs.length + 1, 8);
  page.writeUInt32LE(1, 12);
  page.writeUInt32LE(blobs.length + 1, 16);
  for (let at = 32; at < 4096; at += 16) page.write('Slot', at, 'latin1');
  const areas: Buffer[] = [];
  let block = 4096 / 16;
  blobs.forEach((blob, i) => {
    const blocks = Math.ceil((16 + blob.length + 12) / 16);
    const area = Buffer.alloc(blocks * 16);
    area.write('BlbS', 0, 'latin1');
    area.writeUInt32LE(i + 1, 4);
    area.writeUInt32LE(1_700_000_000, 8);
    area.writeUInt32LE(blob.length, 12);
    blob.copy(area, 16);
    const tail = area.length - 12;
    area.writeUInt32LE(adler32(area.subarray(0, tail)), tail);
    area.writeUInt32LE(blob.length, tail + 4);
    area.write('BlbE', tail + 8, 'latin1');
    const slot = 32 + i * 16;
    page.writeUInt32LE(i + 1, slot + 4);
    page.writeUInt32LE(block, slot + 8);
    page.writeUInt32LE(blocks, slot + 12);
    areas.push(area);
    block += blocks;
  });
  return Buffer.concat([page, ...areas]);
}

/**
 * A minimal BerkeleyDB hash database: metadata page, one hash page of key/off-page pairs, and the
 * overflow chains holding the blobs (keys 1..n; plus rpm's record 0 counter).
 */
export function buildBdb(blobs: Buffer[], opts: { pageSize?: number; littleEndian?: boolean } = {}): Buffer {
  const pageSize = opts.pageSize ?? 4096;
  const le = opts.littleEndian ?? true;
  const u32 = (buf: Buffer, v: number, at: number): number =>
    le ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at);
  const u16 = (buf: Buffer, v: number, at: number): number =>
    le ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at);
  const pages: Buffer[] = [Buffer.alloc(pageSize), Buffer.alloc(pageSize)];
  const items: Buffer[] = [];
  const key = (n: number): Buffer => {
    const k = Buffer.alloc(5);
    k[0] = 1;
    u32(k, n, 1);
    return k;
  };
  const counter = Buffer.alloc(5);
  counter[0] = 1;
  u32(counter, blobs.length + 1, 1);
  items.push(key(0), counter);
  blobs.forEach((blob, i) => {
    const first = pages.length;
    const room = pageSize - 26;
    for (let off = 0; off < blob.length; off += room) {
      const page = Buffer.alloc(pageSize);
      const part = blob.subarray(off, off + room);
      u32(page, pages.length, 8);
      u32(page, off + room < blob.length ? pages.length + 1 : 0, 16);
      u16(page, part.length, 22);
      page[25] = 7;
      part.copy(page, 26);
      pages.push(page);
    }
    const ref = Buffer.alloc(12);
    ref[0] = 3;
    u32(ref, first, 4);
    u32(ref, blob.length, 8);
    items.push(key(i + 1), ref);
  });
  const hash = pages[1]!;
  u32(hash, 1, 8);
  u16(hash, items.length, 20);
  hash[25] = 13;
  let end = pageSize;
  items.forEach((item, i) => {
    end -= item.length;
    item.copy(hash, end);
    u16(hash, end, 26 + i * 2);
  });
  u16(hash, end, 22);
  const meta = pages[0]!;
  u32(meta, 0x061561, 12);
  u32(meta, 9, 16);
  u32(meta, pageSize, 20);
  meta[25] = 8;
  u32(meta, pages.length - 1, 32);
  return Buffer.concat(pages);
}

/** A CatalogContext over captured files (regular files in the tree) plus extra tree entries. */
export function catalogContext(
  files: Record<string, Buffer>,
  extra: TreeEntry[] = [],
  layer = 0,
): CatalogContext {
  const entries = new Map<string, TreeEntry>();
  const captured = new Map<string, { content: Buffer; layer: number }>();
  for (const [path, content] of Object.entries(files)) {
    entries.set(path, { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: content.length, layer });
    captured.set(path, { content, layer });
  }
  for (const entry of extra) entries.set(entry.path, entry);
  return runnerContext({ entries, captured }, rpmCataloger.globs);
}
