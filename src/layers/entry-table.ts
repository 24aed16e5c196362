import type { EntryType, FileEntry } from './entry.js';

/**
 * The entries of one layer, stored by column instead of one object per entry: a layer of a
 * node_modules image holds 100,000+ entries, and an object with a hex digest string and a probe
 * record costs about 450 bytes each, where these columns cost about 90 plus the path.
 *
 * - paths: one JS string per entry (the tree and the catalogers key on them, so they are kept once);
 * - type, mode, uid, gid, size, mtime: typed arrays;
 * - SHA-256, and the MD5 / SHA-1 the file-digests probe computes: bytes, 32 / 16 / 20 per row
 *   (each column exists only once a row has that digest);
 * - symlink and hardlink targets, device numbers, other probe results, xattrs: sparse, by row.
 *
 * Rows are appended in tar order and never change afterwards except through the setters the reader
 * uses while a file's content streams. `entry(row)` builds a FileEntry for consumers that want one.
 */
export const FILE_DIGESTS_PROBE_ID = 'file-digests';

export const ENTRY_TYPES: readonly EntryType[] = [
  'file',
  'dir',
  'symlink',
  'hardlink',
  'char',
  'block',
  'fifo',
];
const TYPE_CODE: Readonly<Record<EntryType, number>> = {
  file: 0,
  dir: 1,
  symlink: 2,
  hardlink: 3,
  char: 4,
  block: 5,
  fifo: 6,
};

/** Row flags. */
const HAS_SHA256 = 1;
const HAS_MTIME = 2;
const HAS_MD5 = 4;
const HAS_SHA1 = 8;
const HAS_DIGESTS = HAS_MD5 | HAS_SHA1;

const SHA256_BYTES = 32;
const MD5_BYTES = 16;
const SHA1_BYTES = 20;

/** The raw columns, for the cache's binary form (see layer-index-cache.ts). */
export interface EntryColumns {
  length: number;
  paths: string[];
  types: Uint8Array;
  flags: Uint8Array;
  modes: Uint32Array;
  uids: Uint32Array;
  gids: Uint32Array;
  sizes: Float64Array;
  mtimes: Float64Array;
  sha256: Uint8Array;
  md5: Uint8Array | null;
  sha1: Uint8Array | null;
  links: Map<number, string>;
  devices: Map<number, [number, number]>;
  probes: Map<number, Record<string, unknown>>;
  xattrs: Map<number, Record<string, string>>;
  /** SHA-256 values given by hand that are not 64 hex digits (test labels), kept as given. */
  oddSha256: Map<number, string>;
}

export class EntryTable implements Iterable<FileEntry> {
  private cols: EntryColumns;

  constructor(capacity = 64) {
    this.cols = emptyColumns(Math.max(1, capacity));
  }

  /** A table over columns read back from the cache (taken as they are, not copied). */
  static fromColumns(columns: EntryColumns): EntryTable {
    const t = new EntryTable(1);
    t.cols = columns;
    return t;
  }

  /** A table of plain entries (tests, callers that build indexes by hand). */
  static of(entries: Iterable<FileEntry>): EntryTable {
    const t = new EntryTable();
    for (const e of entries) t.push(e);
    return t;
  }

  get length(): number {
    return this.cols.length;
  }

  /** The columns trimmed to `length` (views, not copies), for serialisation. */
  columns(): EntryColumns {
    const c = this.cols;
    const n = c.length;
    return {
      ...c,
      types: c.types.subarray(0, n),
      flags: c.flags.subarray(0, n),
      modes: c.modes.subarray(0, n),
      uids: c.uids.subarray(0, n),
      gids: c.gids.subarray(0, n),
      sizes: c.sizes.subarray(0, n),
      mtimes: c.mtimes.subarray(0, n),
      sha256: c.sha256.subarray(0, n * SHA256_BYTES),
      md5: c.md5?.subarray(0, n * MD5_BYTES) ?? null,
      sha1: c.sha1?.subarray(0, n * SHA1_BYTES) ?? null,
    };
  }

  /** Append one entry; returns its row. */
  push(entry: FileEntry): number {
    const row = this.add(entry.path, entry.type, entry.mode, entry.uid, entry.gid, entry.size);
    const c = this.cols;
    if (entry.mtime !== undefined) {
      c.mtimes[row] = entry.mtime;
      c.flags[row]! |= HAS_MTIME;
    }
    if (entry.link !== undefined) c.links.set(row, entry.link);
    if (entry.devmajor !== undefined || entry.devminor !== undefined)
      c.devices.set(row, [entry.devmajor ?? 0, entry.devminor ?? 0]);
    if (entry.sha256 !== undefined) {
      if (/^[0-9a-f]{64}$/.test(entry.sha256)) this.setSha256(row, Buffer.from(entry.sha256, 'hex'));
      else {
        c.oddSha256.set(row, entry.sha256);
        c.flags[row]! |= HAS_SHA256;
      }
    }
    if (entry.probes !== undefined) this.setProbes(row, entry.probes);
    if (entry.xattrs !== undefined) c.xattrs.set(row, entry.xattrs);
    return row;
  }

  /** Append a row from a header's facts; the rest is set by the setters. */
  add(path: string, type: EntryType, mode: number, uid: number, gid: number, size: number): number {
    if (this.cols.length === this.cols.types.length) this.grow();
    const c = this.cols;
    const row = c.length++;
    c.paths.push(path);
    c.types[row] = TYPE_CODE[type];
    c.flags[row] = 0;
    c.modes[row] = mode;
    c.uids[row] = uid;
    c.gids[row] = gid;
    c.sizes[row] = size;
    return row;
  }

  setMtime(row: number, mtime: number): void {
    this.cols.mtimes[row] = mtime;
    this.cols.flags[row]! |= HAS_MTIME;
  }

  setLink(row: number, link: string): void {
    this.cols.links.set(row, link);
  }

  setDevice(row: number, major: number, minor: number): void {
    this.cols.devices.set(row, [major, minor]);
  }

  setXattrs(row: number, xattrs: Record<string, string>): void {
    this.cols.xattrs.set(row, xattrs);
  }

  /** The 32-byte SHA-256 of a regular file's content. */
  setSha256(row: number, digest: Uint8Array): void {
    this.cols.sha256.set(
      digest.length === SHA256_BYTES ? digest : digest.subarray(0, SHA256_BYTES),
      row * SHA256_BYTES,
    );
    this.cols.flags[row]! |= HAS_SHA256;
  }

  /**
   * Probe results by probe id. The file-digests probe's MD5 and SHA-1 go to their byte columns
   * (it runs for nearly every file, so a record per file would double a layer's size).
   */
  setProbes(row: number, results: Record<string, unknown>): void {
    const c = this.cols;
    let rest: Record<string, unknown> | undefined;
    for (const [id, value] of Object.entries(results)) {
      if (id === FILE_DIGESTS_PROBE_ID && this.storeDigests(row, value)) continue;
      (rest ??= {})[id] = value;
    }
    if (rest !== undefined) c.probes.set(row, rest);
    else c.probes.delete(row);
  }

  private storeDigests(row: number, value: unknown): boolean {
    if (value === null || typeof value !== 'object') return false;
    const { md5, sha1, ...other } = value as { md5?: unknown; sha1?: unknown };
    if (Object.keys(other).length > 0 || (md5 === undefined && sha1 === undefined)) return false;
    if (md5 !== undefined && (typeof md5 !== 'string' || !/^[0-9a-f]{32}$/.test(md5))) return false;
    if (sha1 !== undefined && (typeof sha1 !== 'string' || !/^[0-9a-f]{40}$/.test(sha1))) return false;
    const c = this.cols;
    const cap = c.types.length;
    if (md5 !== undefined) {
      c.md5 ??= new Uint8Array(cap * MD5_BYTES);
      c.md5.set(Buffer.from(md5, 'hex'), row * MD5_BYTES);
      c.flags[row]! |= HAS_MD5;
    }
    if (sha1 !== undefined) {
      c.sha1 ??= new Uint8Array(cap * SHA1_BYTES);
      c.sha1.set(Buffer.from(sha1, 'hex'), row * SHA1_BYTES);
      c.flags[row]! |= HAS_SHA1;
    }
    return true;
  }

  path(row: number): string {
    return this.cols.paths[row]!;
  }

  type(row: number): EntryType {
    return ENTRY_TYPES[this.cols.types[row]!]!;
  }

  mode(row: number): number {
    return this.cols.modes[row]!;
  }

  uid(row: number): number {
    return this.cols.uids[row]!;
  }

  gid(row: number): number {
    return this.cols.gids[row]!;
  }

  size(row: number): number {
    return this.cols.sizes[row]!;
  }

  link(row: number): string | undefined {
    return this.cols.links.get(row);
  }

  /** Device numbers of a char or block device row, or undefined. */
  device(row: number): readonly [number, number] | undefined {
    return this.cols.devices.get(row);
  }

  xattrs(row: number): Record<string, string> | undefined {
    return this.cols.xattrs.get(row);
  }

  hasSha256(row: number): boolean {
    return (this.cols.flags[row]! & HAS_SHA256) !== 0;
  }

  /** Hex SHA-256, or undefined when the row is not a hashed regular file. */
  sha256(row: number): string | undefined {
    if (!this.hasSha256(row)) return undefined;
    const odd = this.cols.oddSha256.get(row);
    if (odd !== undefined) return odd;
    return hex(this.cols.sha256, row * SHA256_BYTES, SHA256_BYTES);
  }

  /** True when both rows have a SHA-256 and it is the same (compares bytes, builds no string). */
  sameSha256(row: number, other: EntryTable, otherRow: number): boolean {
    if (!this.hasSha256(row) || !other.hasSha256(otherRow)) return false;
    if (this.cols.oddSha256.size > 0 || other.cols.oddSha256.size > 0)
      return this.sha256(row) === other.sha256(otherRow);
    const a = this.cols.sha256;
    const b = other.cols.sha256;
    const i = row * SHA256_BYTES;
    const j = otherRow * SHA256_BYTES;
    for (let k = 0; k < SHA256_BYTES; k++) if (a[i + k] !== b[j + k]) return false;
    return true;
  }

  /** Probe results of a row (the file-digests result rebuilt from its columns), or undefined. */
  probes(row: number): Record<string, unknown> | undefined {
    const c = this.cols;
    const rest = c.probes.get(row);
    const flags = c.flags[row]!;
    if ((flags & HAS_DIGESTS) === 0) return rest;
    const digests: { md5?: string; sha1?: string } = {};
    if (flags & HAS_MD5) digests.md5 = hex(c.md5!, row * MD5_BYTES, MD5_BYTES);
    if (flags & HAS_SHA1) digests.sha1 = hex(c.sha1!, row * SHA1_BYTES, SHA1_BYTES);
    return { [FILE_DIGESTS_PROBE_ID]: digests, ...rest };
  }

  /** True when the row has a result of the probe `id` (cheap: no record is built). */
  hasProbe(row: number, id: string): boolean {
    if (id === FILE_DIGESTS_PROBE_ID && (this.cols.flags[row]! & HAS_DIGESTS) !== 0) return true;
    return this.cols.probes.get(row)?.[id] !== undefined;
  }

  /** Rows that have any probe result besides file digests (few: binaries, archives, secrets). */
  rowsWithProbes(): IterableIterator<number> {
    return this.cols.probes.keys();
  }

  /** The row as a FileEntry (a new object each call). */
  entry(row: number): FileEntry {
    const c = this.cols;
    const e: FileEntry = {
      path: c.paths[row]!,
      type: ENTRY_TYPES[c.types[row]!]!,
      mode: c.modes[row]!,
      uid: c.uids[row]!,
      gid: c.gids[row]!,
      size: c.sizes[row]!,
    };
    const flags = c.flags[row]!;
    if ((flags & HAS_SHA256) !== 0) e.sha256 = this.sha256(row);
    const link = c.links.get(row);
    if (link !== undefined) e.link = link;
    const dev = c.devices.get(row);
    if (dev !== undefined) {
      e.devmajor = dev[0];
      e.devminor = dev[1];
    }
    if ((flags & HAS_MTIME) !== 0) e.mtime = c.mtimes[row]!;
    const probes = this.probes(row);
    if (probes !== undefined) e.probes = probes;
    const xattrs = c.xattrs.get(row);
    if (xattrs !== undefined) e.xattrs = xattrs;
    return e;
  }

  *[Symbol.iterator](): Iterator<FileEntry> {
    for (let row = 0; row < this.cols.length; row++) yield this.entry(row);
  }

  /** All rows as FileEntry objects (tests and small layers). */
  toArray(): FileEntry[] {
    return [...this];
  }

  /** Approximate bytes held, for the README's per-file figures and the bench. */
  byteLength(): number {
    const c = this.cols;
    let n = c.types.length * (1 + 1 + 4 + 4 + 4 + 8 + 8 + SHA256_BYTES);
    n += (c.md5?.length ?? 0) + (c.sha1?.length ?? 0);
    for (const p of c.paths) n += 16 + p.length;
    return n;
  }

  /** Drop the spare capacity once the layer is read (up to half the columns' bytes). */
  trim(): void {
    if (this.cols.types.length > this.cols.length) this.resize(Math.max(1, this.cols.length));
  }

  private grow(): void {
    this.resize(this.cols.types.length * 2);
  }

  private resize(cap: number): void {
    const old = this.cols;
    const n = old.length;
    const c = emptyColumns(cap);
    c.length = n;
    c.paths = old.paths;
    c.types.set(old.types.subarray(0, n));
    c.flags.set(old.flags.subarray(0, n));
    c.modes.set(old.modes.subarray(0, n));
    c.uids.set(old.uids.subarray(0, n));
    c.gids.set(old.gids.subarray(0, n));
    c.sizes.set(old.sizes.subarray(0, n));
    c.mtimes.set(old.mtimes.subarray(0, n));
    c.sha256.set(old.sha256.subarray(0, n * SHA256_BYTES));
    if (old.md5) {
      c.md5 = new Uint8Array(cap * MD5_BYTES);
      c.md5.set(old.md5.subarray(0, n * MD5_BYTES));
    }
    if (old.sha1) {
      c.sha1 = new Uint8Array(cap * SHA1_BYTES);
      c.sha1.set(old.sha1.subarray(0, n * SHA1_BYTES));
    }
    c.links = old.links;
    c.devices = old.devices;
    c.probes = old.probes;
    c.xattrs = old.xattrs;
    c.oddSha256 = old.oddSha256;
    this.cols = c;
  }
}

function emptyColumns(cap: number): EntryColumns {
  return {
    length: 0,
    paths: [],
    types: new Uint8Array(cap),
    flags: new Uint8Array(cap),
    modes: new Uint32Array(cap),
    uids: new Uint32Array(cap),
    gids: new Uint32Array(cap),
    sizes: new Float64Array(cap),
    mtimes: new Float64Array(cap),
    sha256: new Uint8Array(cap * SHA256_BYTES),
    md5: null,
    sha1: null,
    links: new Map(),
    devices: new Map(),
    probes: new Map(),
    xattrs: new Map(),
    oddSha256: new Map(),
  };
}

/** One Buffer view per column, so a hex digest costs its string and nothing else. */
const views = new WeakMap<Uint8Array, Buffer>();

function hex(bytes: Uint8Array, offset: number, length: number): string {
  let view = views.get(bytes);
  if (view === undefined) {
    view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    views.set(bytes, view);
  }
  return view.toString('hex', offset, offset + length);
}
