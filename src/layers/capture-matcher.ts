import { globMatcher } from '../util/glob.js';
import type { CaptureSpec } from './types.js';

export type PathMatcher = (path: string) => boolean;

const never: PathMatcher = () => false;
const compiled = new WeakMap<CaptureSpec, PathMatcher>();

/**
 * One matcher for all of a spec's globs, compiled once per spec (every layer of a run shares the
 * spec object). `dot: true` because package databases live under dot-free paths but language
 * packages often sit in `.venv`, `.npm` and similar.
 */
export function captureMatcher(spec: CaptureSpec): PathMatcher {
  let matcher = compiled.get(spec);
  if (matcher === undefined) {
    matcher = spec.globs.length === 0 ? never : globMatcher(spec.globs, { dot: true });
    compiled.set(spec, matcher);
  }
  return matcher;
}
