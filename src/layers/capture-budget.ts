/**
 * The bytes of captured file contents all the layers of a run may keep, besides the per-file cap:
 * sixteen 200 MB `package.json` files each pass a 256 MiB per-file cap and together held 3.5 GB.
 * One budget is shared by every layer a run reads (the before and after image; a layer both hold is
 * read once). A file that no longer fits is not kept, with a CAPTURE_BUDGET_EXCEEDED warning.
 */
export const DEFAULT_MAX_CAPTURE_TOTAL_BYTES = 1024 * 1024 * 1024;

export class CaptureBudget {
  private used = 0;

  constructor(readonly maxBytes: number = DEFAULT_MAX_CAPTURE_TOTAL_BYTES) {}

  /** Reserve `bytes`; false (and nothing reserved) when they do not fit. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.maxBytes) return false;
    this.used += bytes;
    return true;
  }
}
