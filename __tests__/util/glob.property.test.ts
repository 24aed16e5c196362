import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { defaultCaptureSpec } from '../../src/catalog/registry.js';
import { globMatcher } from '../../src/util/glob.js';

/**
 * globMatcher tests a path only against the globs its last segment can match (by name, by `.suffix`).
 * That must answer exactly as testing every glob's RegExp does: the plain loop is the reference.
 */
function plainMatcher(globs: readonly string[], options: picomatch.PicomatchOptions) {
  const regexes = globs.map((g) => picomatch.makeRe(g, options));
  return (path: string) => path !== '' && (regexes.some((re) => re.test(path)) || globs.includes(path));
}

const CAPTURE_GLOBS = defaultCaptureSpec().globs;

/** Segments that hit the buckets' edges: names equal to literals, suffixes, dots, near misses. */
const NAMES = [
  'release',
  'VERSION',
  'passwd',
  'status',
  'status.d',
  'package.json',
  'METADATA',
  'RECORD',
  'PKG-INFO',
  'x.egg-info',
  '.egg-info',
  'egg-info',
  'a.b.egg-info',
  'bash.list',
  '.list',
  'list',
  'x.md5sums',
  'x.conffiles',
  'y.gemspec',
  'y.gemspec.bak',
  'node_modules',
  '@scope',
  'go1.22',
  'go',
  'include',
  'python3.11',
  'patchlevel.h',
  'specifications',
  'default',
  'var',
  'lib',
  'dpkg',
  'info',
  'etc',
  'usr',
  'a.b',
  'tar.gz',
  'x.tar.gz',
  '.',
  '..',
  '',
  'a[b]c',
  '*',
  'é.list',
  '@scope',
  'a+b',
  'a!b',
  '@x.list',
  'x.a+b',
];

const segment = fc.constantFrom(...NAMES);
const pathArb = fc
  .tuple(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean())
  .map(([segs, lead, trail]) => `${lead ? '/' : ''}${segs.join('/')}${trail ? '/' : ''}`);

/** Globs built from the same pieces, simple and complex (braces, extglobs, brackets, escapes). */
const GLOB_LAST = [
  'release',
  'passwd',
  '*.list',
  '*.egg-info',
  '*.tar.gz',
  '*.',
  '*',
  '**',
  'go*',
  '?ERSION',
  '[^@]*',
  '{a,b}.list',
  '@(x|y).gemspec',
  '!(x).list',
  '+(a|b).list',
  'a+b',
  '@x.list',
  '*.a+b',
  'package.json',
  '\\*.list',
  '.list',
  '..',
  'status.d',
  'a[b]c',
];
const GLOB_PREFIX = [
  '!',
  '!**/',
  'a!b/',
  '**/node_modules/@*/*/',
  '@scope/',
  'a+b/',
  '+(a|b)/',
  '!(x)/',
  '',
  '**/',
  'var/lib/dpkg/info/',
  '**/node_modules/[^@]*/',
  'etc/',
  '*/',
  'a[/]b/',
  '{x,y/z}/',
];
const globArb = fc
  .tuple(fc.constantFrom(...GLOB_PREFIX), fc.constantFrom(...GLOB_LAST))
  .map(([p, l]) => p + l);

describe('globMatcher buckets', () => {
  it.each([{ dot: true }, {}])(
    'answer as every RegExp does, with the capture globs (options %o)',
    (options) => {
      const ours = globMatcher(CAPTURE_GLOBS, options);
      const plain = plainMatcher(CAPTURE_GLOBS, options);
      fc.assert(
        fc.property(pathArb, (path) => ours(path) === plain(path)),
        { numRuns: 5000 },
      );
      for (const path of CAPTURE_GLOBS) expect(ours(path)).toBe(plain(path));
    },
  );

  it('answer as every RegExp does, with generated globs', () => {
    fc.assert(
      fc.property(
        fc.array(globArb, { minLength: 2, maxLength: 12 }),
        fc.array(pathArb, { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (globs, paths, dot) => {
          const options = dot ? { dot: true } : {};
          const ours = globMatcher(globs, options);
          const plain = plainMatcher(globs, options);
          for (const path of [...paths, ...globs])
            expect([globs, path, ours(path)]).toEqual([globs, path, plain(path)]);
        },
      ),
      { numRuns: 4000 },
    );
  });
});
