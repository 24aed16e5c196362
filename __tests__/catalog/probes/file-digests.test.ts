import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createFileDigestsProbe,
  DEFAULT_FILE_DIGESTS_MAX_BYTES,
  EMPTY_FILE_DIGESTS,
  fileDigestsProbe,
} from '../../../src/catalog/probes/file-digests.js';
import { feed } from '../../helpers/zip.js';

describe('file-digests probe', () => {
  it('computes md5 and sha1 of the streamed content, whatever the chunking', () => {
    const content = Buffer.from('Package files are mostly small.\n'.repeat(1000));
    for (const chunk of [1, 100, content.length]) {
      const run = fileDigestsProbe.start('etc/x', content.length);
      feed(run, content, chunk);
      expect(run.end()).toEqual({
        md5: createHash('md5').update(content).digest('hex'),
        sha1: createHash('sha1').update(content).digest('hex'),
      });
    }
  });

  it('matches non-empty files up to the cap only, and the cap changes the cache version', () => {
    expect(fileDigestsProbe.matches('usr/a', 1, 0o644)).toBe(true);
    expect(fileDigestsProbe.matches('usr/a', DEFAULT_FILE_DIGESTS_MAX_BYTES, 0o644)).toBe(true);
    expect(fileDigestsProbe.matches('usr/a', DEFAULT_FILE_DIGESTS_MAX_BYTES + 1, 0o644)).toBe(false);
    expect(fileDigestsProbe.matches('usr/a', 0, 0o644)).toBe(false);
    const small = createFileDigestsProbe({ maxFileBytes: 10 });
    expect(small.matches('usr/a', 10, 0o644)).toBe(true);
    expect(small.matches('usr/a', 11, 0o644)).toBe(false);
    expect(small.version).not.toBe(fileDigestsProbe.version);
  });

  it('hashes only where packages install in the first pass, and exactly the asked paths in the second', () => {
    for (const path of ['usr/bin/a', 'etc/a.conf', 'var/lib/x', 'opt/google/chrome/a', 'lib/x.so', 'sbin/a'])
      expect(fileDigestsProbe.matches(path, 1, 0o644), path).toBe(true);
    for (const path of [
      'srv/app/node_modules/a.js',
      'usr/local/lib/a.py',
      'home/u/a',
      'root/a',
      'app/a',
      'a',
      'usrx/a',
    ])
      expect(fileDigestsProbe.matches(path, 1, 0o644), path).toBe(false);
    const second = createFileDigestsProbe({ onlyPaths: new Set(['srv/app/a.js']) });
    expect(second.matches('srv/app/a.js', 1, 0o644)).toBe(true);
    expect(second.matches('usr/bin/a', 1, 0o644)).toBe(false);
    expect(second.matches('srv/app/a.js', 0, 0o644)).toBe(false);
  });

  it('knows the digests of empty content', () => {
    expect(EMPTY_FILE_DIGESTS).toEqual({
      md5: createHash('md5').digest('hex'),
      sha1: createHash('sha1').digest('hex'),
    });
  });

  describe("a layer's own run", () => {
    const content = Buffer.from('#!/bin/sh\necho packaged\n');
    const md5 = createHash('md5').update(content).digest('hex');
    const sha1 = createHash('sha1').update(content).digest('hex');
    /** Stream `paths` through one layer's instance (matches on each, as the reader does), then hash a file. */
    const digestsAfter = (paths: string[], layer = fileDigestsProbe.forLayer!()) => {
      for (const path of paths) layer.matches(path, 10, 0o644);
      if (!layer.matches('usr/bin/tool', content.length, 0o755)) return 'not hashed';
      const run = layer.start('usr/bin/tool', content.length);
      run.write(content);
      return run.end();
    };

    it('gives both digests until a file shows which package managers the layer holds', () => {
      expect(digestsAfter([])).toEqual({ md5, sha1 });
      expect(digestsAfter(['bin/busybox', 'etc/hostname', 'usr/share/doc/a/copyright'])).toEqual({
        md5,
        sha1,
      });
    });

    it('then only the digests those managers record: MD5 for dpkg, SHA-1 for apk, none for rpm, the union for several', () => {
      expect(digestsAfter(['etc/dpkg/dpkg.cfg'])).toEqual({ md5 });
      expect(digestsAfter(['var/lib/dpkg/info/a.md5sums'])).toEqual({ md5 });
      expect(digestsAfter(['etc/apk/arch'])).toEqual({ sha1 });
      expect(digestsAfter(['lib/apk/db/installed'])).toEqual({ sha1 });
      expect(digestsAfter(['etc/pki/rpm-gpg/RPM-GPG-KEY-AlmaLinux-9'])).toBe('not hashed');
      expect(digestsAfter(['usr/lib/sysimage/rpm/rpmdb.sqlite'])).toBe('not hashed');
      expect(digestsAfter(['etc/pki/rpm-gpg/KEY', 'etc/dpkg/dpkg.cfg'])).toEqual({ md5 });
      expect(digestsAfter(['etc/apk/arch', 'etc/dpkg/dpkg.cfg'])).toEqual({ md5, sha1 });
    });

    it('keeps what it learned to its own layer', () => {
      const debian = fileDigestsProbe.forLayer!();
      expect(digestsAfter(['etc/dpkg/dpkg.cfg'], debian)).toEqual({ md5 });
      expect(digestsAfter([])).toEqual({ md5, sha1 });
    });

    it('the second pass gives both digests of just the asked paths, whatever the layer shows', () => {
      const second = createFileDigestsProbe({ onlyPaths: new Set(['usr/bin/tool']) });
      expect('forLayer' in second).toBe(false);
      second.matches('etc/dpkg/dpkg.cfg', 10, 0o644);
      const run = second.start('usr/bin/tool', content.length);
      run.write(content);
      expect(run.end()).toEqual({ md5, sha1 });
    });
  });
});
