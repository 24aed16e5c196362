/**
 * Limits on a user's glob, checked before it is compiled. picomatch turns each `*` into a lazy
 * `[^/]*?`, and a regex with k of them in one segment backtracks O(n^k) against a name of n
 * characters that almost matches (`*a*a*b` against 2,000 `a`s: 6.7 s for one path; `*a*a*a*b`
 * against 255: 8.3 s). An extglob repeat (`+(...)`, `*(...)`) can be exponential. So a segment may
 * hold at most MAX_GLOB_WILDCARDS of them (a `**` segment is the globstar and does not count), and
 * a glob at most MAX_GLOB_LENGTH characters.
 */
export const MAX_GLOB_WILDCARDS = 2;
export const MAX_GLOB_LENGTH = 1024;

/** Why `glob` is refused (the text for "must be ..."), or undefined when it is within the limits. */
export function globLimitProblem(glob: string): string | undefined {
  if (glob.length > MAX_GLOB_LENGTH) {
    return `a glob of at most ${MAX_GLOB_LENGTH} characters (this one has ${glob.length})`;
  }
  for (const segment of glob.split('/')) {
    if (segment === '**') continue;
    let wildcards = 0;
    for (let i = 0; i < segment.length; i++) {
      const c = segment[i];
      if (c === '\\') {
        i++; // an escaped character is a literal
      } else if (c === '*') {
        wildcards++;
        while (segment[i + 1] === '*') i++; // a run of stars is one wildcard
        if (segment[i + 1] === '(') i++; // `*(...)` is one repeat
      } else if (c === '+' && segment[i + 1] === '(') {
        wildcards++;
        i++;
      }
    }
    if (wildcards > MAX_GLOB_WILDCARDS) {
      return `a glob with at most ${MAX_GLOB_WILDCARDS} wildcards (* or +(...)) per path segment (${wildcards} in one segment here; more make matching a long name take minutes)`;
    }
  }
  return undefined;
}
