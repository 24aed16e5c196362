import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { globMatcher } from '../../src/util/glob.js';

const GLOBS = [
  'var/lib/dpkg/status',
  'var/lib/dpkg/status.d/*',
  '**/node_modules/*/package.json',
  '**/*.dist-info/METADATA',
  'etc/**',
  '**/.npmrc',
  '{usr/,}lib/apk/db/installed',
  'usr/lib/sysimage/rpm/rpmdb.sqlite',
  '!etc/**',
  'usr/share/{doc,man}/**',
  'a[b]c',
  '@(foo|bar)/*',
  'srv/*.key',
];

const PATHS = [
  'var/lib/dpkg/status',
  'var/lib/dpkg/status.d/base',
  'var/lib/dpkg/status.d/sub/x',
  'app/node_modules/left-pad/package.json',
  'node_modules/a/package.json',
  'usr/lib/python3/dist-packages/yaml-6.0.dist-info/METADATA',
  'etc/passwd',
  'etc/.hidden/key',
  'home/u/.npmrc',
  'lib/apk/db/installed',
  'usr/lib/apk/db/installed',
  'usr/share/doc/x/copyright',
  'usr/share/locale/x.mo',
  'a[b]c',
  'abc',
  'foo/x',
  'baz/x',
  'srv/tls.key',
  'srv/.tls.key',
  '',
];

describe('globMatcher', () => {
  it.each([{ dot: true }, { dot: true, bash: true }, {}])(
    'answers as picomatch does for every glob and path (options %o)',
    (options) => {
      for (const glob of GLOBS) {
        const ours = globMatcher(glob, options);
        const theirs = picomatch(glob, options);
        for (const path of PATHS) expect([glob, path, ours(path)]).toEqual([glob, path, theirs(path)]);
      }
      const ours = globMatcher(GLOBS.slice(0, 6), options);
      const theirs = picomatch(GLOBS.slice(0, 6), options);
      for (const path of PATHS) expect([path, ours(path)]).toEqual([path, theirs(path)]);
    },
  );

  it('matches nothing with no globs', () => {
    expect(globMatcher([])('etc/passwd')).toBe(false);
  });
});
