import picomatch from 'picomatch';

export type GlobMatcher = (path: string) => boolean;

/**
 * A matcher for any of `globs`, with picomatch's syntax and options but none of its per-call garbage:
 * picomatch's own matcher builds a result object for every path it tests, which, over every path of
 * two large images, was the biggest allocation of a diff. Here each glob is compiled to a RegExp once
 * and a test allocates nothing. As picomatch does, a path equal to a glob matches it literally and the empty path
 * matches nothing.
 *
 * With many globs (the capture spec has about 40, tested against every entry of every layer), each
 * path is tested only against the globs that can match its last segment (see GlobBuckets); the
 * answer is still the RegExp's.
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
  if (Object.keys(options).every((k) => k === 'dot')) {
    const buckets = new GlobBuckets(list, regexes);
    // Only a glob its own RegExp rejects ('a[b]c') needs the literal lookup.
    const unmatched = new Set(list.filter((g, i) => !regexes[i]!.test(g)));
    if (unmatched.size === 0) return (path) => path !== '' && buckets.test(path);
    return (path) => path !== '' && (buckets.test(path) || unmatched.has(path));
  }
  return (path) => {
    if (path === '') return false;
    for (const re of regexes) if (re.test(path)) return true;
    return literals.has(path);
  };
}

/** A last segment that is plain text to picomatch (no glob syntax, not `.` or `..`). */
const LITERAL_SEGMENT = /^(?!\.{1,2}$)[\w.-]+$/;
/** A last segment `*<literal>` whose literal starts with a dot: `*.list`, `*.egg-info`. */
const STAR_SUFFIX_SEGMENT = /^\*(\.[\w.-]*)$/;
/**
 * Glob syntax that could hide a `/` or change what the last segment means: braces, extglobs (all
 * take parentheses), escapes, a leading `!` (negation). `@`, `+` and `!` elsewhere are plain text.
 */
const COMPLEX_SYNTAX = /[{}()\\]|^!/;

/**
 * The globs sorted by what their last segment demands of a path's last segment, so a path is
 * tested only against the regexes that can match it:
 * - a literal last segment (`etc/passwd`, `**\/release`): the path's last segment is that literal
 *   (so it has that length, and the path ends with it);
 * - `*.ext` (`var/lib/dpkg/info/*.md5sums`): the path ends with `.ext`;
 * - anything else: tested against the paths that start with its literal directories, if any.
 * These are necessary conditions of picomatch's RegExps (they end `(?:^|\/)literal)$` or
 * `[^/]*?\.ext)$`), restricted to globs without braces, extglobs, escapes or a bracket around a `/`,
 * and to picomatch's default options apart from `dot` (globMatcher checks that). A property test
 * compares the result with the plain loop over every RegExp.
 */
class GlobBuckets {
  /** Literal last segments by their length (a path's last segment is compared with few, sliced never). */
  private readonly byLength: (Bucket[] | undefined)[] = [];
  /** `*.ext` globs by their literal `.ext`. */
  private readonly bySuffix: Bucket[] = [];
  /** The rest, each with the literal directories it starts with ('' when it starts with syntax). */
  private readonly others: { prefix: string; re: RegExp }[] = [];

  constructor(globs: readonly string[], regexes: readonly RegExp[]) {
    globs.forEach((glob, i) => {
      const re = regexes[i]!;
      const last = simpleLastSegment(glob);
      const star = last === null ? null : STAR_SUFFIX_SEGMENT.exec(last);
      if (last !== null && LITERAL_SEGMENT.test(last)) add((this.byLength[last.length] ??= []), last, re);
      else if (star !== null) add(this.bySuffix, star[1]!, re);
      else this.others.push({ prefix: literalDirectories(glob), re });
    });
  }

  test(path: string): boolean {
    for (const { prefix, re } of this.others) if (path.startsWith(prefix) && re.test(path)) return true;
    const slash = path.lastIndexOf('/');
    if (slash === path.length - 1) return this.testAll(path); // not a file path; never bucketed
    const named = this.byLength[path.length - slash - 1];
    if (named !== undefined && testBuckets(named, path)) return true;
    return testBuckets(this.bySuffix, path);
  }

  private testAll(path: string): boolean {
    for (const { re } of this.others) if (re.test(path)) return true;
    for (const list of [...this.byLength, this.bySuffix])
      for (const bucket of list ?? []) for (const re of bucket.regexes) if (re.test(path)) return true;
    return false;
  }
}

/** Globs whose matches all end with `tail` (it holds no `/`, so it lies in the last segment). */
interface Bucket {
  tail: string;
  regexes: RegExp[];
}

function testBuckets(buckets: readonly Bucket[], path: string): boolean {
  for (const { tail, regexes } of buckets) {
    if (!path.endsWith(tail)) continue;
    for (const re of regexes) if (re.test(path)) return true;
  }
  return false;
}

function add(buckets: Bucket[], tail: string, re: RegExp): void {
  const bucket = buckets.find((b) => b.tail === tail);
  if (bucket === undefined) buckets.push({ tail, regexes: [re] });
  else bucket.regexes.push(re);
}

/**
 * The leading literal directories of a glob, without the last `/` (`var/lib/dpkg/alternatives` of
 * `var/lib/dpkg/alternatives/*`): picomatch's RegExp starts `^(?:var\/lib\/dpkg\/alternatives`, so a
 * path it matches starts with them (the `/` after them may be optional: `etc/**` matches `etc`).
 * '' when the glob is not simple or starts with syntax.
 */
function literalDirectories(glob: string): string {
  if (COMPLEX_SYNTAX.test(glob)) return '';
  const segments = glob.split('/');
  const literal: string[] = [];
  for (let i = 0; i < segments.length - 1 && LITERAL_SEGMENT.test(segments[i]!); i++)
    literal.push(segments[i]!);
  return literal.join('/');
}

/**
 * The glob's last segment, or null when the glob uses syntax where the last `/` might not separate
 * segments (braces, extglobs, escapes, a bracket expression still open at the last `/`).
 */
function simpleLastSegment(glob: string): string | null {
  if (COMPLEX_SYNTAX.test(glob)) return null;
  const slash = glob.lastIndexOf('/');
  const last = glob.slice(slash + 1);
  if (last.includes('[') || last.includes(']')) return null;
  const open = glob.lastIndexOf('[');
  if (open >= 0 && !(glob.lastIndexOf(']') > open)) return null;
  return last;
}
