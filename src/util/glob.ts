import picomatch from 'picomatch';

export type GlobMatcher = (path: string) => boolean;

/**
 * A matcher for any of `globs`, with picomatch's syntax and options but none of its per-call garbage:
 * picomatch's own matcher builds a result object for every path it tests, which, over every path of
 * two large images, was the biggest allocation of a diff. Here each glob is compiled to a RegExp once
 * and a test allocates nothing. As picomatch does, a path equal to a glob matches it literally and the empty path
 * matches nothing.
 */
export function globMatcher(
  globs: string | readonly string[],
  options: picomatch.PicomatchOptions = {},
): GlobMatcher {
  const list = typeof globs === 'string' ? [globs] : [...globs];
  const regexes = list.map((g) => picomatch.makeRe(g, options));
  const literals = new Set(list);
  if (regexes.length === 1) {
    const only = regexes[0]!;
    return (path) => path !== '' && (only.test(path) || literals.has(path));
  }
  return (path) => {
    if (path === '') return false;
    for (const re of regexes) if (re.test(path)) return true;
    return literals.has(path);
  };
}
