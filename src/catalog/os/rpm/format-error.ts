/**
 * A package database or header that does not follow its format. Thrown by the rpm readers and caught
 * by the cataloger, which turns it into a `Problem` tied to the database path: never fatal to a run.
 */
export class RpmFormatError extends Error {
  override readonly name = 'RpmFormatError';
}

/** Throw an `RpmFormatError` unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new RpmFormatError(message);
}
