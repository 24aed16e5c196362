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
    return safeLine(`${this.message}${hint}`);
  }
}

export function isImageChangelogError(err: unknown): err is ImageChangelogError {
  return err instanceof ImageChangelogError;
}

/** One line for any error: ours as written, others with their message only (never a stack). */
export function describeError(err: unknown): string {
  if (err instanceof ImageChangelogError) return err.oneLine();
  if (err instanceof Error) return safeLine(`unexpected error: ${err.message}`);
  return safeLine(`unexpected error: ${String(err)}`);
}

/** Longest error line printed; past it the line is cut and says how much was left out. */
export const MAX_ERROR_LINE = 2000;

/**
 * C0 and C1 control characters, DEL, and the Unicode bidi controls: image-controlled text (media
 * types, tag names, paths) must not reach a terminal or a log raw (OSC 52 clipboard writes, screen
 * clears, carriage returns that overwrite the line, text that reorders itself).
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * One printable line: newlines (with the spaces around them) become one space, every other control
 * character its `\u` escape, and a line longer than MAX_ERROR_LINE is cut with a count.
 */
export function safeLine(text: string): string {
  const line = text
    .replace(/\s*[\r\n\t]\s*/g, ' ')
    .replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (line.length <= MAX_ERROR_LINE) return line;
  return `${line.slice(0, MAX_ERROR_LINE)}... (${line.length - MAX_ERROR_LINE} more characters)`;
}
