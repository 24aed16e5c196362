import type { EntryTable } from './entry-table.js';

export type { EntryType, FileEntry } from './entry.js';
import type { FileEntry } from './entry.js';

/** A whiteout recorded in a layer: `.wh.NAME` (removes NAME) or `.wh..wh..opq` (opaque dir). */
export interface Whiteout {
  /** For `file`: the path removed. For `opaque`: the directory whose lower contents are hidden. */
  path: string;
  kind: 'file' | 'opaque';
}

/** Everything we keep from reading one layer: its entries in tar order and captured small files. */
export interface LayerIndex {
  /** sha256:... of the uncompressed tar (verified). */
  diffID: string;
  /** sha256:... of the stored blob (verified). */
  digest: string;
  compression: 'gzip' | 'zstd' | 'none';
  /** Stored (compressed) size, and the uncompressed tar size, in bytes. */
  compressedSize: number;
  uncompressedSize: number;
  /**
   * Entries in tar order, by column (`entries.entry(row)` or iteration gives FileEntry objects);
   * duplicates are kept (the last wins on squash). Whiteouts are not here.
   */
  entries: EntryTable;
  whiteouts: Whiteout[];
  /** Contents of regular files whose path a cataloger asked for, keyed by path. */
  captured: Map<string, Buffer>;
  /** Recoverable problems met while reading (e.g. a capture over the size cap). */
  warnings: LayerWarning[];
}

export interface LayerWarning {
  code: string;
  path?: string;
  message: string;
  /** The layer it is about, on a squash warning (a layer's own warnings are kept with its index). */
  layer?: number;
}

/** A file in the squashed image: the entry plus the layer it came from. */
export interface TreeEntry extends FileEntry {
  /** Index (0-based, bottom first) of the layer that last wrote this path. */
  layer: number;
}

/** The image's file tree after applying all layers in order. */
export interface FileTree {
  /**
   * Every path in the image, directories included; not sorted (use `sortedPaths(tree)`). The squash
   * builds it over the layers' columns (a CompactTree): `get` builds a new TreeEntry per call, so
   * keep what you need rather than mutating it. Tests may pass a plain Map.
   */
  entries: ReadonlyMap<string, TreeEntry>;
  /** Captured cataloger files visible in the final tree, keyed by path, with their layer. */
  captured: Map<string, { content: Buffer; layer: number }>;
  /** Problems met while squashing (hardlinks to missing targets, entries under a non-directory). */
  warnings?: LayerWarning[];
}

/**
 * A content probe looks at a regular file's bytes while the layer streams (e.g. secret scanning,
 * Go build info, Maven metadata inside jars) and returns a small JSON-serialisable result.
 * Its `id` and `version` are part of the layer-index cache key.
 */
export interface ContentProbe<T = unknown> {
  readonly id: string;
  readonly version: number;
  /** Options that change the results (e.g. a size cap), so they are part of the cache key too. */
  readonly options?: string;
  /** Decide from the header alone; keep this cheap, it runs for every entry. */
  matches(path: string, size: number, mode: number): boolean;
  start(path: string, size: number): ProbeRun<T>;
  /**
   * A probe that learns from a layer as it streams gives each layer its own instance (its `matches`
   * sees that layer's files in tar order); its results must depend on the layer's bytes alone.
   */
  forLayer?(): ContentProbe<T>;
}

export interface ProbeRun<T> {
  /** The chunk is a view into the reader's buffer: copy what you keep (a kept view pins the whole buffer). */
  write(chunk: Buffer): void;
  /** The result, or undefined when nothing worth keeping was seen. */
  end(): T | undefined;
}

/** What the layer reader keeps besides entries: the captured paths and the probes to run. */
export interface CaptureSpec {
  /** Glob patterns (picomatch, no leading `/`) of files whose contents catalogers need. */
  globs: string[];
  /** Largest single file captured (bytes); larger matches are recorded as a warning. */
  maxFileBytes: number;
  probes: ContentProbe[];
}
