import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaptureSpec, LayerIndex, Whiteout } from '../layers/types.js';
import { EntryTable } from '../layers/entry-table.js';

/**
 * A layer's index depends only on the layer's bytes (and on what we capture), so it is cached by
 * diffID. Files are versioned, written atomically (temp file + rename), carry a checksum so a
 * corrupt entry is detected and rebuilt, and the directory is bounded in size with
 * least-recently-used eviction (a hit refreshes the file's mtime).
 */
/**
 * 3: entries carry xattrs. 4: tars read as Go's archive/tar reads them. 5: the entry table's columns
 * as bytes instead of JSON rows.
 */
export const CACHE_FORMAT_VERSION = 6;
export const DEFAULT_CACHE_MAX_BYTES = 2 * 1024 ** 3;

export interface LayerIndexCache {
  get(diffID: string): Promise<LayerIndex | undefined>;
  put(index: LayerIndex): Promise<void>;
  /** Counters for logs and benchmarks. */
  readonly stats: CacheStats;
}

export interface CacheStats {
  hits: number;
  misses: number;
  corrupt: number;
  writes: number;
  evicted: number;
}

/** The part of the cache key that is not the diffID: what the reader captured and probed. */
export function captureSpecKey(spec: CaptureSpec): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([CACHE_FORMAT_VERSION, [...spec.globs].sort(), spec.maxFileBytes]));
  for (const p of [...spec.probes].sort((a, b) => a.id.localeCompare(b.id)))
    h.update(`|${p.id}@${p.version}:${p.options ?? ''}`);
  return h.digest('hex').slice(0, 16);
}

/**
 * A cache file: a header line `MAGIC VERSION CHECKSUM` (SHA-256 of everything after the line), one
 * line of JSON (the index's small facts, the sparse columns and each captured file as
 * `[path, byteLength]`), then the entry table's columns as raw bytes in a fixed order, the paths as
 * one NUL-separated UTF-8 run (a path never holds NUL), and the captured files' bytes back to back.
 * Reading it copies each column once into its typed array: no JSON per entry, no object per entry.
 */
const MAGIC = 'image-changelog-layer-index';

interface Meta {
  diffID: string;
  digest: string;
  compression: LayerIndex['compression'];
  compressedSize: number;
  uncompressedSize: number;
  whiteouts: Array<[string, number]>;
  captured: Array<[string, number]>;
  warnings: LayerIndex['warnings'];
  count: number;
  /** MD5 and SHA-1 columns present (each only once a row has that digest). */
  md5: boolean;
  sha1: boolean;
  pathBytes: number;
  links: Array<[number, string]>;
  devices: Array<[number, number, number]>;
  probes: Array<[number, Record<string, unknown>]>;
  xattrs: Array<[number, Record<string, string>]>;
  oddSha256: Array<[number, string]>;
}

/** Column sections in file order: name and bytes per row. */
const SECTIONS = [
  ['sizes', 8],
  ['mtimes', 8],
  ['modes', 4],
  ['uids', 4],
  ['gids', 4],
  ['sha256', 32],
  ['types', 1],
  ['flags', 1],
] as const;

function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** The cache file's parts, written in order (the columns are views, not copies). */
export function serializeLayerIndex(index: LayerIndex): Buffer[] {
  const c = index.entries.columns();
  const paths = Buffer.from(c.paths.join('\0'));
  const meta: Meta = {
    diffID: index.diffID,
    digest: index.digest,
    compression: index.compression,
    compressedSize: index.compressedSize,
    uncompressedSize: index.uncompressedSize,
    whiteouts: index.whiteouts.map((w) => [w.path, w.kind === 'opaque' ? 1 : 0]),
    captured: [...index.captured].map(([p, b]) => [p, b.length]),
    warnings: index.warnings,
    count: c.length,
    md5: c.md5 !== null,
    sha1: c.sha1 !== null,
    pathBytes: paths.length,
    links: [...c.links],
    devices: [...c.devices].map(([row, [major, minor]]) => [row, major, minor]),
    probes: [...c.probes],
    xattrs: [...c.xattrs],
    oddSha256: [...c.oddSha256],
  };
  const body: Buffer[] = [Buffer.from(`${JSON.stringify(meta)}\n`)];
  for (const [name] of SECTIONS) body.push(bytesOf(c[name]));
  if (c.md5 !== null) body.push(bytesOf(c.md5));
  if (c.sha1 !== null) body.push(bytesOf(c.sha1));
  body.push(paths, ...index.captured.values());
  const checksum = createHash('sha256');
  for (const b of body) checksum.update(b);
  return [Buffer.from(`${MAGIC} ${CACHE_FORMAT_VERSION} ${checksum.digest('hex')}\n`), ...body];
}

/** Reads sections off a buffer in order, each copied into its own typed array. */
class SectionReader {
  offset: number;
  constructor(
    private readonly body: Buffer,
    start: number,
  ) {
    this.offset = start;
  }
  bytes(length: number): Buffer | undefined {
    if (this.offset + length > this.body.length) return undefined;
    const b = this.body.subarray(this.offset, this.offset + length);
    this.offset += length;
    return b;
  }
  typed<T>(ctor: new (buffer: ArrayBuffer) => T, length: number): T | undefined {
    const b = this.bytes(length);
    if (b === undefined) return undefined;
    const copy = new ArrayBuffer(length);
    new Uint8Array(copy).set(b);
    return new ctor(copy);
  }
}

/**
 * The index in a cache file's bytes, or undefined when they are not a sound file of this version
 * (wrong magic or version, checksum mismatch, truncated, unparsable). Captured contents are views
 * into `file`, not copies.
 */
export function deserializeLayerIndex(file: Buffer): LayerIndex | undefined {
  const nl = file.indexOf(0x0a);
  if (nl < 0) return undefined;
  const [magic, version, checksum] = file.toString('latin1', 0, nl).split(' ');
  if (magic !== MAGIC || version !== String(CACHE_FORMAT_VERSION)) return undefined;
  const body = file.subarray(nl + 1);
  if (createHash('sha256').update(body).digest('hex') !== checksum) return undefined;
  const metaEnd = body.indexOf(0x0a);
  if (metaEnd < 0) return undefined;
  let m: Meta;
  try {
    m = JSON.parse(body.toString('utf8', 0, metaEnd)) as Meta;
  } catch {
    return undefined;
  }
  const n = m.count;
  const r = new SectionReader(body, metaEnd + 1);
  const sizes = r.typed(Float64Array, n * 8);
  const mtimes = r.typed(Float64Array, n * 8);
  const modes = r.typed(Uint32Array, n * 4);
  const uids = r.typed(Uint32Array, n * 4);
  const gids = r.typed(Uint32Array, n * 4);
  const sha256 = r.typed(Uint8Array, n * 32);
  const types = r.typed(Uint8Array, n);
  const flags = r.typed(Uint8Array, n);
  const md5 = m.md5 ? r.typed(Uint8Array, n * 16) : null;
  const sha1 = m.sha1 ? r.typed(Uint8Array, n * 20) : null;
  const pathBytes = r.bytes(m.pathBytes);
  if (!sizes || !mtimes || !modes || !uids || !gids || !sha256 || !types || !flags || !pathBytes)
    return undefined;
  if (md5 === undefined || sha1 === undefined) return undefined;
  const paths = n === 0 ? [] : pathBytes.toString('utf8').split('\0');
  if (paths.length !== n) return undefined;
  const entries = EntryTable.fromColumns({
    length: n,
    paths,
    types,
    flags,
    modes,
    uids,
    gids,
    sizes,
    mtimes,
    sha256,
    md5,
    sha1,
    links: new Map(m.links),
    devices: new Map(m.devices.map(([row, major, minor]) => [row, [major, minor]])),
    probes: new Map(m.probes),
    xattrs: new Map(m.xattrs),
    oddSha256: new Map(m.oddSha256),
  });
  const whiteouts: Whiteout[] = m.whiteouts.map(([path, k]) => ({ path, kind: k === 1 ? 'opaque' : 'file' }));
  const captured = new Map<string, Buffer>();
  for (const [path, length] of m.captured) {
    const content = r.bytes(length);
    if (content === undefined) return undefined;
    captured.set(path, content);
  }
  if (r.offset !== body.length) return undefined;
  return {
    diffID: m.diffID,
    digest: m.digest,
    compression: m.compression,
    compressedSize: m.compressedSize,
    uncompressedSize: m.uncompressedSize,
    entries,
    whiteouts,
    captured,
    warnings: m.warnings,
  };
}

/** A directory of cached layer indexes. */
export class DiskLayerIndexCache implements LayerIndexCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, corrupt: 0, writes: 0, evicted: 0 };
  /** The capture spec the cached indexes were read with (the reader must use this same one). */
  readonly spec: CaptureSpec;
  private readonly dir: string;
  private readonly specKey: string;
  private readonly maxBytes: number;

  constructor(dir: string, spec: CaptureSpec, options: { maxBytes?: number } = {}) {
    this.spec = spec;
    this.dir = dir;
    this.specKey = captureSpecKey(spec);
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
  }

  private file(diffID: string): string {
    const hex = diffID.replace(/^sha256:/, '');
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`not a sha256 diffID: ${diffID}`);
    return join(this.dir, `${hex}.${this.specKey}.v${CACHE_FORMAT_VERSION}.idx`);
  }

  async get(diffID: string): Promise<LayerIndex | undefined> {
    const file = this.file(diffID);
    let raw: Buffer;
    try {
      raw = await readFile(file);
    } catch {
      this.stats.misses++;
      return undefined;
    }
    const index = deserializeLayerIndex(raw);
    if (!index || index.diffID !== diffID) {
      // Corrupt or foreign: forget it; the caller reads the layer and writes a fresh entry.
      this.stats.corrupt++;
      this.stats.misses++;
      await unlink(file).catch(() => undefined);
      return undefined;
    }
    this.stats.hits++;
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
    return index;
  }

  async put(index: LayerIndex): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const parts = serializeLayerIndex(index);
    const file = this.file(index.diffID);
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeParts(tmp, parts);
    await rename(tmp, file);
    this.stats.writes++;
    await this.evict();
  }

  /** Remove least-recently-used entries until the directory fits its bound. */
  private async evict(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const files = await Promise.all(
      names
        .filter((n) => n.endsWith('.idx'))
        .map(async (n) => {
          const s = await stat(join(this.dir, n)).catch(() => undefined);
          return s ? { path: join(this.dir, n), size: s.size, mtime: s.mtimeMs } : undefined;
        }),
    );
    const live = files.filter((f): f is { path: string; size: number; mtime: number } => f !== undefined);
    let total = live.reduce((n, f) => n + f.size, 0);
    if (total <= this.maxBytes) return;
    live.sort((a, b) => a.mtime - b.mtime);
    for (const f of live) {
      if (total <= this.maxBytes) break;
      await unlink(f.path).catch(() => undefined);
      total -= f.size;
      this.stats.evicted++;
    }
  }
}

/** Write buffers to a new file in order, without joining them first. */
async function writeParts(path: string, parts: Buffer[]): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writev(parts);
  } finally {
    await handle.close();
  }
}

/** Keeps indexes for the length of one run (so a layer shared by both images is read once). */
export class MemoryLayerIndexCache implements LayerIndexCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, corrupt: 0, writes: 0, evicted: 0 };
  private readonly map = new Map<string, LayerIndex>();
  get(diffID: string): Promise<LayerIndex | undefined> {
    const hit = this.map.get(diffID);
    if (hit) this.stats.hits++;
    else this.stats.misses++;
    return Promise.resolve(hit);
  }
  put(index: LayerIndex): Promise<void> {
    this.map.set(index.diffID, index);
    this.stats.writes++;
    return Promise.resolve();
  }
}
