import type { Hash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { Layer } from '../image/types.js';
import { captureMatcher, type PathMatcher } from './capture-matcher.js';
import type { CaptureBudget } from './capture-budget.js';
import { EntryContent } from './entry-content.js';
import {
  diffIdMismatch,
  digestMismatch,
  layerCorrupt,
  layerSizeMismatch,
  layerTooLarge,
  layerUnsupported,
  tooManyEntries,
  zstdDeclaresTooMuch,
} from './layer-errors.js';
import { createDecompressor, sniffCompression, SNIFF_BYTES, type Compression } from './compression.js';
import { normalizeEntryPath } from './paths.js';
import { xattrsFromPax } from './pax-xattrs.js';
import { isWhiteoutPath, toFileEntry, toWhiteout } from './tar-entry.js';
import { TarFormatError, TarReader, type TarEntryHeader, type TarEntryVisitor } from './tar-reader.js';
import type { CaptureSpec, FileEntry, LayerIndex, LayerWarning, Whiteout } from './types.js';
import { EntryTable } from './entry-table.js';
import { ZstdDeclaredTooLarge } from './zstd-frames.js';
import { asBuffer, digestString, hashFor, toError } from './stream-digests.js';

/** Default decompression-bomb cap: no real layer expands past 64 GiB. */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 64 * 1024 ** 3;
/** Default cap on tar entries per layer (a 300,000-file layer is large; 2 million is hostile). */
export const DEFAULT_MAX_ENTRIES = 2_000_000;

export interface ReadLayerOptions {
  /** Stop with LAYER_TOO_LARGE once the uncompressed tar exceeds this many bytes. Default 64 GiB. */
  maxUncompressedBytes?: number;
  /** Stop with TOO_MANY_ENTRIES once the tar holds more headers than this. Default 2,000,000. */
  maxEntries?: number;
  /** Abort reading; the promise rejects with the signal's AbortError. */
  signal?: AbortSignal;
  /** Use node:zlib's zstd when available (default true); false forces the pure-JS decoder. */
  nativeZstd?: boolean;
  /** The run's budget for captured contents, shared by its layers (default: none beyond the per-file cap). */
  captureBudget?: CaptureBudget;
}

/**
 * Read one layer blob once, as a stream: verify its digest and diffID, and index every entry (with
 * content digests), the whiteouts, and the contents of files `spec` asks for.
 */
export async function readLayer(
  layer: Layer,
  spec: CaptureSpec,
  options: ReadLayerOptions = {},
): Promise<LayerIndex> {
  return new LayerReader(layer, spec, options).read();
}

class LayerReader implements TarEntryVisitor {
  private readonly name: string;
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  private readonly matches: PathMatcher;
  private readonly content: EntryContent;
  private readonly aborter = new AbortController();
  private readonly tar: TarReader;

  private compression: Compression = 'none';
  private storedHash: Hash | null = null;
  private diffHash: Hash;
  private storedSize = 0;
  private uncompressedSize = 0;
  private headerCount = 0;
  private readonly entries = new EntryTable(1024);
  private readonly whiteouts: Whiteout[] = [];
  private readonly captured = new Map<string, Buffer>();
  private readonly warnings: LayerWarning[] = [];

  /** The regular file whose content is streaming now. */
  private current = -1;

  /** First error of each origin; the most specific one wins when reporting. */
  private failure: Error | null = null;
  private sourceError: Error | null = null;
  private corruption: { what: string; error: Error } | null = null;

  constructor(
    private readonly layer: Layer,
    spec: CaptureSpec,
    private readonly options: ReadLayerOptions,
  ) {
    this.name = layer.digest;
    this.maxBytes = options.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.matches = captureMatcher(spec);
    this.content = new EntryContent(
      this.matches,
      spec.maxFileBytes,
      spec.probes,
      this.captured,
      this.warnings,
      options.captureBudget,
    );
    this.diffHash = hashFor(layer.diffID, this.name);
    // A source that only knows the diffID (classic docker-archive) gives it as the digest too.
    if (layer.digest !== layer.diffID) this.storedHash = hashFor(layer.digest, this.name);
    this.tar = new TarReader(this);
  }

  async read(): Promise<LayerIndex> {
    const { signal } = this.options;
    signal?.throwIfAborted();
    const forwardAbort = (): void => this.aborter.abort(signal?.reason);
    signal?.addEventListener('abort', forwardAbort, { once: true });
    const source = await this.layer.open();
    try {
      const it = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      const head = await this.readHead(it);
      this.compression = sniffCompression(head.length === 1 ? head[0]! : Buffer.concat(head));
      const stored = this.storedBytes(head, it);
      const sink = this.sink.bind(this);
      const opts = { signal: this.aborter.signal };
      if (this.compression === 'none') {
        await pipeline(stored, sink, opts);
      } else {
        const decompressor = createDecompressor(this.compression, {
          nativeZstd: this.options.nativeZstd ?? true,
          maxDeclaredBytes: this.maxBytes,
        });
        decompressor.on('error', (error: Error) => {
          if (error instanceof ZstdDeclaredTooLarge) this.fail(zstdDeclaresTooMuch(this.name, error));
          else if (error !== this.sourceError && error !== this.failure) {
            this.corruption ??= { what: `${this.compression} data`, error };
          }
        });
        await pipeline(stored, decompressor, sink, opts);
      }
    } catch (err) {
      throw this.explain(err);
    } finally {
      signal?.removeEventListener('abort', forwardAbort);
      source.destroy();
    }
    this.verify();
    this.entries.trim();
    return {
      diffID: this.layer.diffID,
      digest: this.layer.digest,
      compression: this.compression,
      compressedSize: this.storedSize,
      uncompressedSize: this.uncompressedSize,
      entries: this.entries,
      whiteouts: this.whiteouts,
      captured: this.captured,
      warnings: this.warnings,
    };
  }

  /** Pull just enough leading bytes to sniff the compression. */
  private async readHead(it: AsyncIterator<unknown>): Promise<Buffer[]> {
    const head: Buffer[] = [];
    let length = 0;
    while (length < SNIFF_BYTES) {
      const next = await this.pull(it);
      if (next === null) break;
      head.push(next);
      length += next.length;
    }
    return head;
  }

  private async pull(it: AsyncIterator<unknown>): Promise<Buffer | null> {
    // pipeline() only destroys stream stages on abort; these generator stages must check themselves.
    this.aborter.signal.throwIfAborted();
    try {
      const next = await it.next();
      return next.done ? null : asBuffer(next.value);
    } catch (err) {
      this.sourceError ??= toError(err);
      throw this.sourceError;
    }
  }

  private async *storedBytes(head: Buffer[], it: AsyncIterator<unknown>): AsyncGenerator<Buffer> {
    for (const chunk of head) {
      this.storedSize += chunk.length;
      this.storedHash?.update(chunk);
      yield chunk;
    }
    for (;;) {
      const chunk = await this.pull(it);
      if (chunk === null) return;
      this.storedSize += chunk.length;
      this.storedHash?.update(chunk);
      yield chunk;
    }
  }

  /** Last stage: count and hash the tar bytes, enforce the bomb cap, parse the entries as they pass. */
  private async sink(chunks: AsyncIterable<Buffer>): Promise<void> {
    const tar = this.tar;
    for await (const chunk of chunks) {
      if (this.failure !== null) throw this.failure;
      this.aborter.signal.throwIfAborted();
      this.uncompressedSize += chunk.length;
      if (this.uncompressedSize > this.maxBytes) throw this.fail(layerTooLarge(this.name, this.maxBytes));
      this.diffHash.update(chunk);
      try {
        tar.write(chunk);
      } catch (err) {
        throw this.fail(this.tarError(err));
      }
    }
    try {
      tar.finish();
    } catch (err) {
      throw this.fail(this.tarError(err));
    }
    if (tar.trailingData) {
      this.warnings.push({
        code: 'TRAILING_DATA',
        message: `layer ${this.name}: data after the tar's end-of-archive marker (byte ${tar.endOffset}) ignored, as Docker and containerd ignore it`,
      });
    }
  }

  private tarError(err: unknown): Error {
    if (!(err instanceof TarFormatError)) return toError(err);
    return err.kind === 'corrupt' ? layerCorrupt(this.name, 'tar', err) : layerUnsupported(this.name, err);
  }

  /** A new entry (TarEntryVisitor): index it; a regular file's content follows through `data`. */
  entry(header: TarEntryHeader): void {
    if (++this.headerCount > this.maxEntries) throw tooManyEntries(this.name, this.maxEntries);
    const entry = this.index(header);
    this.current = entry !== null && entry.type === 'file' ? this.entries.length - 1 : -1;
    if (entry !== null && this.current >= 0) this.content.begin(entry);
  }

  data(chunk: Buffer): void {
    if (this.current >= 0) this.content.write(chunk);
  }

  end(): void {
    const row = this.current;
    this.current = -1;
    if (row >= 0) this.content.finish(this.entries, row);
  }

  /** Turn a header into an entry or whiteout and record it; null when the header adds no entry. */
  private index(header: TarEntryHeader): FileEntry | null {
    const name = header.name;
    if (name.includes('\uFFFD')) {
      this.warnings.push({
        code: 'INVALID_UTF8_NAME',
        path: name,
        message: `tar entry name ${JSON.stringify(name)} is not valid UTF-8; invalid bytes shown as U+FFFD`,
      });
    }
    const path = normalizeEntryPath(name, this.name);
    if (path === null) return null; // the root directory itself
    if (isWhiteoutPath(path)) {
      const whiteout = toWhiteout(path, this.warnings);
      if (whiteout !== null) this.whiteouts.push(whiteout);
      return null;
    }
    const entry = toFileEntry(header, path, this.name);
    const xattrs = xattrsFromPax(header.pax);
    if (xattrs !== undefined) entry.xattrs = xattrs;
    this.entries.push(entry);
    if (entry.type === 'hardlink' && this.matches(path)) {
      // A captured path that is a hardlink carries the content of its (same-layer) target.
      const content = this.captured.get(entry.link ?? '');
      if (content !== undefined) {
        this.captured.set(path, content);
      } else {
        // The target's bytes have already streamed past uncaptured; say so rather than guess.
        this.captured.delete(path);
        this.warnings.push({
          code: 'CAPTURE_HARDLINK_MISSED',
          path,
          message: `${path} is a hardlink to ${entry.link ?? ''}, whose content was not captured in this layer`,
        });
      }
    } else if (entry.type !== 'file' && this.captured.size > 0) {
      this.captured.delete(path); // a later duplicate that is not a file hides the earlier capture
    }
    return entry;
  }

  /** Record the first failure and stop everything; returns it so callers can `throw this.fail(e)`. */
  private fail(err: unknown): Error {
    this.failure ??= toError(err);
    this.aborter.abort(this.failure);
    return this.failure;
  }

  /** The error to report: ours first, then the caller's abort, the source's own error, corruption. */
  private explain(err: unknown): Error {
    if (this.failure !== null) return this.failure;
    if (this.options.signal?.aborted) return toError(err);
    if (this.sourceError !== null) return this.sourceError;
    if (this.corruption !== null) return layerCorrupt(this.name, this.corruption.what, this.corruption.error);
    return toError(err);
  }

  private verify(): void {
    const { digest, diffID } = this.layer;
    if (this.storedHash !== null) {
      const actual = digestString(digest, this.storedHash);
      if (actual !== digest) throw digestMismatch(this.name, digest, actual);
    }
    // Every source checks the digest; not every one the size its descriptor gives, which the report shows.
    if (this.layer.size >= 0 && this.storedSize !== this.layer.size) {
      throw layerSizeMismatch(this.name, this.layer.size, this.storedSize);
    }
    const actualDiffID = digestString(diffID, this.diffHash);
    if (actualDiffID !== diffID) throw diffIdMismatch(this.name, diffID, actualDiffID);
  }
}
