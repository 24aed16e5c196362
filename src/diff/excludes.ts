import { globMatcher } from '../util/glob.js';
import { DEFAULT_EXCLUDES } from './default-excludes.js';
import type { DiffOptions } from './types.js';

/** The exclude globs in force: the defaults (unless turned off) then the user's. */
export function excludeGlobs(options: Pick<DiffOptions, 'exclude' | 'defaultExcludes'>): string[] {
  return [...(options.defaultExcludes ? DEFAULT_EXCLUDES : []), ...options.exclude];
}

/**
 * A matcher for the exclude globs (picomatch, dot files included). A leading `/` in a user glob is
 * dropped, since image paths have none.
 */
export function excludeMatcher(
  options: Pick<DiffOptions, 'exclude' | 'defaultExcludes'>,
): (path: string) => boolean {
  const globs = excludeGlobs(options)
    .map((g) => g.trim().replace(/^\/+/, ''))
    .filter((g) => g !== '');
  if (globs.length === 0) return () => false;
  return globMatcher(globs, { dot: true });
}
