import { Inflate } from 'fflate';

/** Where the content of a zip entry goes while it streams (uncompressed bytes). */
export interface EntrySink {
  /** `bytes` is borrowed: copy what you keep. */
  write(bytes: Buffer): void;
  /** The entry ended; `problem` when its data could not be read to the end. */
  end(problem?: string): void;
  /** True once the sink wants no more bytes (a nested archive that ended or was given up): inflating stops. */
  readonly done?: boolean;
}

/** Shared across one archive and everything nested in it: how many bytes inflating may still produce. */
export interface InflateBudget {
  remaining: number;
  /** The whole budget, for the problem line. */
  readonly limit: number;
}

/** Input slice fed to the inflater at a time: deflate expands at most ~1032:1, so one slice yields ≤ ~4 MiB. */
const SLICE = 4096;

/**
 * Inflates a deflated zip entry as it streams, passing its content on to `sink`, and stops (with a
 * problem) once `budget` is spent: a nested zip bomb costs at most the budget, never memory or time
 * beyond it. fflate's streaming inflater runs synchronously inside `write`, like the rest of a probe.
 */
export class InflateSink implements EntrySink {
  private readonly inflate: Inflate;
  private failed: string | undefined;

  constructor(
    private readonly sink: EntrySink,
    private readonly budget: InflateBudget,
    private readonly overBudget: string,
  ) {
    this.inflate = new Inflate((data) => {
      if (this.failed !== undefined) return;
      if (data.length > this.budget.remaining) {
        this.budget.remaining = 0;
        this.failed = this.overBudget;
        return;
      }
      this.budget.remaining -= data.length;
      if (data.length > 0) this.sink.write(Buffer.from(data.buffer, data.byteOffset, data.length));
    });
  }

  write(bytes: Buffer): void {
    for (let at = 0; at < bytes.length && this.failed === undefined && this.sink.done !== true; at += SLICE) {
      try {
        // A copy: the inflater may keep unconsumed input past this call.
        this.inflate.push(Uint8Array.prototype.slice.call(bytes, at, at + SLICE));
      } catch (err) {
        this.failed = `corrupt deflate data: ${(err as Error).message}`;
      }
    }
  }

  end(problem?: string): void {
    if (this.failed === undefined && problem === undefined && this.sink.done !== true) {
      try {
        this.inflate.push(new Uint8Array(0), true);
      } catch (err) {
        this.failed = `corrupt deflate data: ${(err as Error).message}`;
      }
    }
    this.sink.end(problem ?? this.failed);
  }
}
