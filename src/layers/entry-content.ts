import * as crypto from 'node:crypto';
import { createHash, type Hash } from 'node:crypto';
import type { CaptureBudget } from './capture-budget.js';
import type { PathMatcher } from './capture-matcher.js';
import { smallSha256, SMALL_SHA256_MAX_BYTES } from './small-sha256.js';
import type { EntryTable } from './entry-table.js';
import type { ContentProbe, FileEntry, LayerWarning, ProbeRun } from './types.js';

/**
 * crypto.hash (Node >= 20.12, 21.7): a one-shot digest without a Hash object, for the many files whose
 * content arrives in one chunk. Absent on older Node 20 releases (engines allows them): createHash.
 */
type OneShotHash = (algorithm: string, data: Buffer, outputEncoding: 'buffer') => Buffer;
const oneShotHash = (crypto as { hash?: OneShotHash }).hash;

/** SHA-256 of no bytes, for empty files. */
const EMPTY_SHA256 = createHash('sha256').digest();

/**
 * What happens to the bytes of one regular file while they stream past: its SHA-256, a copy when a
 * cataloger asked for the path, and the content probes that want it. One instance serves every file
 * of a layer in turn (files stream one at a time), so nothing is allocated per chunk.
 */
export class EntryContent {
  /** Whether a regular file is open (its data is hashed), its size, and the bytes seen of it. */
  private open = false;
  private size = 0;
  private seen = 0;
  /** The incremental hash, made once a file's content comes in more than one chunk. */
  private hash: Hash | null = null;
  /** The digest of a file whose content came in one chunk. */
  private digest: Buffer | null = null;
  /** Where a tiny file's digest is computed (copied into the table by finish). */
  private readonly smallDigest = Buffer.alloc(32);
  private capture: Buffer | null = null;
  private captureOffset = 0;
  /** The probes running on the current file: their ids and runs, side by side (no object per run). */
  private readonly probeIds: string[] = [];
  private readonly probeRuns: ProbeRun<unknown>[] = [];
  /** This layer's probes (a probe that learns from the layer has an instance of its own). */
  private readonly probes: readonly ContentProbe[];

  constructor(
    private readonly matches: PathMatcher,
    private readonly maxFileBytes: number,
    probes: readonly ContentProbe[],
    private readonly captured: Map<string, Buffer>,
    private readonly warnings: LayerWarning[],
    private readonly budget?: CaptureBudget,
  ) {
    this.probes = probes.map((probe) => probe.forLayer?.() ?? probe);
  }

  begin(entry: FileEntry): void {
    this.open = true;
    this.size = entry.size;
    this.seen = 0;
    this.hash = null;
    this.digest = null;
    this.capture = null;
    this.captureOffset = 0;
    if (this.matches(entry.path)) {
      if (entry.size <= this.maxFileBytes && this.budget !== undefined && !this.budget.take(entry.size)) {
        this.captured.delete(entry.path);
        this.warnings.push({
          code: 'CAPTURE_BUDGET_EXCEEDED',
          path: entry.path,
          message: `${entry.path} (${entry.size} bytes) does not fit in what is left of the ${this.budget.maxBytes}-byte total capture budget; its content was not kept`,
        });
      } else if (entry.size <= this.maxFileBytes) {
        // The size is known up front: one exact allocation, and no reference kept to parser chunks.
        this.capture = Buffer.allocUnsafe(entry.size);
      } else {
        this.captured.delete(entry.path);
        this.warnings.push({
          code: 'CAPTURE_TOO_LARGE',
          path: entry.path,
          message: `${entry.path} is ${entry.size} bytes, over the ${this.maxFileBytes}-byte capture limit; its content was not kept`,
        });
      }
    } else if (this.captured.size > 0) {
      this.captured.delete(entry.path); // an earlier capture of this path is hidden by this file
    }
    for (const probe of this.probes) {
      if (probe.matches(entry.path, entry.size, entry.mode)) {
        this.probeIds.push(probe.id);
        this.probeRuns.push(probe.start(entry.path, entry.size));
      }
    }
  }

  write(chunk: Buffer): void {
    if (!this.open) return; // data of an entry that is not a regular file
    if (this.seen === 0 && chunk.length === this.size && this.size <= SMALL_SHA256_MAX_BYTES) {
      smallSha256(chunk, this.smallDigest);
      this.digest = this.smallDigest;
    } else if (this.seen === 0 && chunk.length === this.size && oneShotHash !== undefined) {
      this.digest = oneShotHash('sha256', chunk, 'buffer');
    } else {
      if (this.hash === null) {
        this.hash = createHash('sha256');
        // A one-shot digest would have been of the whole file; it is not, so hash from the start.
        if (this.digest !== null) throw new Error('file content longer than its header says');
      }
      this.hash.update(chunk);
    }
    this.seen += chunk.length;
    if (this.capture !== null) {
      chunk.copy(this.capture, this.captureOffset);
      this.captureOffset += chunk.length;
    }
    for (const run of this.probeRuns) run.write(chunk);
  }

  /** Record the file's digest and probe results in its row of `table`. */
  finish(table: EntryTable, row: number): void {
    if (!this.open) return;
    this.open = false;
    table.setSha256(row, this.hash?.digest() ?? this.digest ?? EMPTY_SHA256);
    this.hash = null;
    this.digest = null;
    if (this.capture !== null) {
      this.captured.set(table.path(row), this.capture);
      this.capture = null;
    }
    if (this.probeRuns.length > 0) {
      let results: Record<string, unknown> | undefined;
      for (let i = 0; i < this.probeRuns.length; i++) {
        const result = this.probeRuns[i]!.end();
        if (result !== undefined) (results ??= {})[this.probeIds[i]!] = result;
      }
      this.probeRuns.length = 0;
      this.probeIds.length = 0;
      if (results !== undefined) table.setProbes(row, results);
    }
  }
}
