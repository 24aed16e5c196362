import type { ErrorCode } from './error-codes.js';

export { ERROR_CODES, type ErrorCode } from './error-codes.js';

/**
 * An error the user can cause or fix: bad input, a missing image, a digest mismatch, an unreadable
 * policy. Adapters print `message` as one line (no stack trace) and exit non-zero.
 */
export class ImageChangelogError extends Error {
  override readonly name: string = 'ImageChangelogError';
  /** Stable machine-readable code, one of ERROR_CODES (listed in the README). */
  readonly code: ErrorCode;
  /** The input, path, layer or reference the problem is about. */
  readonly subject?: string;
  /** What to do about it. */
  readonly hint?: string;

  constructor(
    code: ErrorCode,
    message: string,
    options: { subject?: string; hint?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.subject !== undefined) this.subject = options.subject;
    if (options.hint !== undefined) this.hint = options.hint;
  }

  /** One line: what was wrong, about what, and what to do. */
  oneLine(): string {
    const hint = this.hint ? ` (${this.hint})` : '';
    return `${this.message}${hint}`.replace(/\s*\n\s*/g, ' ');
  }
}

export function isImageChangelogError(err: unknown): err is ImageChangelogError {
  return err instanceof ImageChangelogError;
}

/** One line for any error: ours as written, others with their message only (never a stack). */
export function describeError(err: unknown): string {
  if (err instanceof ImageChangelogError) return err.oneLine();
  if (err instanceof Error) return `unexpected error: ${err.message}`.replace(/\s*\n\s*/g, ' ');
  return `unexpected error: ${String(err)}`;
}
