const BLOCK = 512;
const MARKER = 2 * BLOCK;
const ZERO_BLOCK = Buffer.alloc(BLOCK);
/** Runs kept at once. Only runs the parser has not passed yet matter, and it lags by a few chunks. */
const MAX_RUNS = 1024;

/**
 * Finds the tar's end-of-archive marker (two zero blocks where a header is due).
 *
 * tar-stream skips zero blocks and reads on, but Go's archive/tar, which Docker and containerd use,
 * stops at the marker: an entry after it would be in our index and never in a container (a second
 * archive appended to a layer could even "replace" a file the container really has). The tar bytes
 * pass through `scan` before the parser sees them; it records the runs of two or more aligned zero
 * blocks at or after `from`, the end of the last entry's data (zeros inside file content before it
 * are no marker). Cost: one byte test per block past `from`, a compare only for blocks starting with 0.
 */
export class EndOfArchiveScan {
  private offset = 0;
  private from = 0;
  private runStart = -1;
  /** [start, end) of zero runs of at least two blocks, ascending. */
  private readonly runs: Array<[number, number]> = [];
  private readonly carry = Buffer.alloc(BLOCK);
  private carried = 0;

  scan(chunk: Buffer): void {
    let i = 0;
    if (this.carried > 0) {
      i = Math.min(BLOCK - this.carried, chunk.length);
      chunk.copy(this.carry, this.carried, 0, i);
      this.carried += i;
      if (this.carried < BLOCK) return;
      this.block(this.carry, 0);
      this.carried = 0;
    }
    for (; i + BLOCK <= chunk.length; i += BLOCK) this.block(chunk, i);
    if (i < chunk.length) this.carried = chunk.copy(this.carry, 0, i);
  }

  /** The last entry's data (padded) ends at `end`: zero blocks before it were content. */
  entryEnds(end: number): void {
    this.from = end;
    while (this.runs.length > 0 && this.runs[0]![1] - Math.max(this.runs[0]![0], end) < MARKER)
      this.runs.shift();
  }

  /** Start of the first marker in [from, before), or -1; `before` is where the next header starts. */
  markerBefore(before: number): number {
    this.closeRun(this.offset);
    for (const [start, end] of this.runs) {
      const at = Math.max(start, this.from);
      if (at + MARKER <= Math.min(end, before)) return at;
      if (at >= before) break;
    }
    return -1;
  }

  /** True when a marker starts exactly where the last entry's data ended (or at 0 with none). */
  markerAtEnd(): boolean {
    return this.markerBefore(Number.MAX_SAFE_INTEGER) === this.from;
  }

  private block(buf: Buffer, at: number): void {
    const start = this.offset;
    this.offset += BLOCK;
    if (start < this.from) {
      this.runStart = -1;
      return;
    }
    if (buf[at] === 0 && buf.compare(ZERO_BLOCK, 0, BLOCK, at, at + BLOCK) === 0) {
      if (this.runStart < 0) this.runStart = start;
    } else {
      this.closeRun(start);
    }
  }

  private closeRun(end: number): void {
    if (this.runStart < 0) return;
    if (end - this.runStart >= MARKER && this.runs.length < MAX_RUNS) {
      const last = this.runs[this.runs.length - 1];
      if (last !== undefined && last[0] === this.runStart) last[1] = end;
      else this.runs.push([this.runStart, end]);
    }
    // A run still open at `end` (markerBefore mid-run) continues; only a non-zero block ends it.
    if (end !== this.offset) this.runStart = -1;
  }
}
