import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaptureSpec, EntryType, FileEntry, LayerIndex, Whiteout } from '../layers/types.js';

/**
 * A layer's index depends only on the layer's bytes (and on what we capture), so it is cached by
 * diffID. Files are versioned, written atomically (temp file + rename), carry a checksum so a
 * corrupt entry is detected and rebuilt, and the directory is bounded in size with
 * least-recently-used eviction (a hit refreshes the file's mtime).
 */
/** 3: entries carry xattrs (a 13th row field). 4: tars read as Go's archive/tar reads them. */
export const CACHE_FORMAT_VERSION = 4;
export const DEFAULT_CACHE_MAX_BYTES = 2 * 1024 ** 3;

export interface LayerIndexCache {
  get(diffID: string): Promise<LayerIndex | undefined>;
  put(index: LayerIndex): Promise<void>;
  /** Counters for logs and benchmarks. */
  readonly stats: CacheStats;
  /**
   * True when every `get` returns new objects nobody else holds, so a scan may turn them into its
   * file tree in place; false (or absent) when the cache hands out the objects it keeps.
   */
  readonly returnsCopies?: boolean;
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

const TYPES: EntryType[] = ['file', 'dir', 'symlink', 'hardlink', 'char', 'block', 'fifo'];
const TYPE_CODE = new Map(TYPES.map((t, i) => [t, i]));

type Row = [
  string,
  number,
  number,
  number,
  number,
  number,
  string | 0,
  string | 0,
  number,
  number,
  number,
  unknown,
  Record<string, string> | 0,
];

/**
 * A cache file: a header line `MAGIC VERSION CHECKSUM` (SHA-256 of everything after the line), one
 * line of JSON (the index, with each captured file as `[path, byteLength]`), then the captured files'
 * bytes back to back. Captured contents are most of a file's size (package databases); keeping them
 * raw, and never building one big string, keeps writing and reading to about one copy of the index.
 */
const MAGIC = 'image-changelog-layer-index';

/** Compact, order-preserving serialisation (rows instead of objects keeps files small and parsing fast). */
export function serializeLayerIndex(index: LayerIndex): Buffer[] {
  const rows: Row[] = index.entries.map((e) => [
    e.path,
    TYPE_CODE.get(e.type) ?? 0,
    e.mode,
    e.uid,
    e.gid,
    e.size,
    e.sha256 ?? 0,
    e.link ?? 0,
    e.mtime ?? 0,
    e.devmajor ?? 0,
    e.devminor ?? 0,
    e.probes ?? 0,
    e.xattrs ?? 0,
  ]);
  const meta = JSON.stringify({
    diffID: index.diffID,
    digest: index.digest,
    compression: index.compression,
    compressedSize: index.compressedSize,
    uncompressedSize: index.uncompressedSize,
    whiteouts: index.whiteouts.map((w) => [w.path, w.kind === 'opaque' ? 1 : 0]),
    captured: [...index.captured].map(([p, b]) => [p, b.length]),
    warnings: index.warnings,
    entries: rows,
  });
  const body = [Buffer.from(`${meta}\n`), ...index.captured.values()];
  const checksum = createHash('sha256');
  for (const b of body) checksum.update(b);
  return [Buffer.from(`${MAGIC} ${CACHE_FORMAT_VERSION} ${checksum.digest('hex')}\n`), ...body];
}

interface Serialized {
  diffID: string;
  digest: string;
  compression: LayerIndex['compression'];
  compressedSize: number;
  uncompressedSize: number;
  whiteouts: Array<[string, number]>;
  captured: Array<[string, number]>;
  warnings: LayerIndex['warnings'];
  entries: Row[];
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
  let s: Serialized;
  try {
    s = JSON.parse(body.toString('utf8', 0, metaEnd)) as Serialized;
  } catch {
    return undefined;
  }
  const entries: FileEntry[] = s.entries.map((r) => {
    const e: FileEntry = {
      path: r[0],
      type: TYPES[r[1]] ?? 'file',
      mode: r[2],
      uid: r[3],
      gid: r[4],
      size: r[5],
    };
    if (r[6] !== 0) e.sha256 = r[6];
    if (r[7] !== 0) e.link = r[7];
    if (r[8] !== 0) e.mtime = r[8];
    if (e.type === 'char' || e.type === 'block') {
      e.devmajor = r[9];
      e.devminor = r[10];
    }
    if (r[11] !== 0) e.probes = r[11] as Record<string, unknown>;
    if (r[12] !== undefined && r[12] !== 0) e.xattrs = r[12];
    return e;
  });
  const whiteouts: Whiteout[] = s.whiteouts.map(([path, k]) => ({ path, kind: k === 1 ? 'opaque' : 'file' }));
  const captured = new Map<string, Buffer>();
  let offset = metaEnd + 1;
  for (const [path, length] of s.captured) {
    if (offset + length > body.length) return undefined;
    captured.set(path, body.subarray(offset, offset + length));
    offset += length;
  }
  if (offset !== body.length) return undefined;
  return {
    diffID: s.diffID,
    digest: s.digest,
    compression: s.compression,
    compressedSize: s.compressedSize,
    uncompressedSize: s.uncompressedSize,
    entries,
    whiteouts,
    captured,
    warnings: s.warnings,
  };
}

/** A directory of cached layer indexes. */
export class DiskLayerIndexCache implements LayerIndexCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, corrupt: 0, writes: 0, evicted: 0 };
  /** Each hit is parsed from its file anew. */
  readonly returnsCopies = true;
  private readonly dir: string;
  private readonly specKey: string;
  private readonly maxBytes: number;

  constructor(dir: string, spec: CaptureSpec, options: { maxBytes?: number } = {}) {
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
