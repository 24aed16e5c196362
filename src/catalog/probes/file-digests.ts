import { createHash, type Hash } from 'node:crypto';
import type { ContentProbe, ProbeRun } from '../../layers/types.js';

/**
 * MD5 and SHA-1 of regular files, so ownership can compare content with the digests package databases
 * record: dpkg md5sums are MD5, apk `Z:` checksums SHA-1 (rpm and Python RECORD use SHA-256, which every
 * tree entry already has).
 *
 * Cost decision (measured on this 2-core x86-64 machine with SHA extensions, Node 20, 64 KiB chunks):
 * SHA-256 hashes at ~1.6 GB/s, MD5 at ~0.68 GB/s, SHA-1 at ~1.7 GB/s; SHA-256+MD5+SHA-1 together run
 * at ~0.38 GB/s, i.e. adding both digests to every byte would quadruple hashing time (and add ~40% to a
 * cold gzip layer read). But package-owned files are overwhelmingly small: on a Debian system's /usr,
 * /etc and /var/lib, 99.6% of files are at most 1 MiB and hold only 28% of the bytes. So both digests are
 * computed for files up to `maxFileBytes` (default 1 MiB): nearly every file can be checked for
 * modification at about a quarter of the full cost. Larger files keep `modifiedAfterInstall` unknown
 * for MD5/SHA-1 databases (never a false "modified"); a changed large file still shows as a content
 * change in the diff, attributed to its package. Empty files get no result: their digests are constants.
 *
 * Only where packages install (issue 17, "hash only what is asked"): while the layers stream, the
 * databases that say which files they verify may not have been read yet (a tar lists var/lib/dpkg after
 * usr/). So the first pass hashes MD5 / SHA-1 only under the directories package managers install into
 * (see isPackageLocation); an application's tree (srv/app/node_modules, home/, usr/local/) gets its
 * SHA-256 only. A file there that a package database does list with an MD5 / SHA-1 is hashed in a
 * second pass over just the layers and files concerned (scan/second-digest-pass.ts), so the
 * "modified after install" answer never depends on this guess, only the time does.
 */

export interface FileDigests {
  md5: string;
  sha1: string;
}

export const FILE_DIGESTS_PROBE_ID = 'file-digests';
export const DEFAULT_FILE_DIGESTS_MAX_BYTES = 1024 * 1024;

/** Top directories dpkg, apk and rpm packages install files into (usr/local is the admin's, FHS 4.9). */
const PACKAGE_TOPS = new Set([
  'bin',
  'boot',
  'etc',
  'lib',
  'lib32',
  'lib64',
  'libx32',
  'opt',
  'sbin',
  'usr',
  'var',
]);

/** True for a path (relative to the root) a package manager may have installed. */
export function isPackageLocation(path: string): boolean {
  const cut = path.indexOf('/');
  if (cut < 0) return false; // files in / itself: no package ships them
  if (!PACKAGE_TOPS.has(path.slice(0, cut))) return false;
  return !path.startsWith('usr/local/');
}

/** Digests of empty content, for the files the probe skips. */
export const EMPTY_FILE_DIGESTS: Readonly<FileDigests> = {
  md5: 'd41d8cd98f00b204e9800998ecf8427e',
  sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
};

class FileDigestsRun implements ProbeRun<FileDigests> {
  private readonly md5: Hash = createHash('md5');
  private readonly sha1: Hash = createHash('sha1');

  write(chunk: Buffer): void {
    this.md5.update(chunk);
    this.sha1.update(chunk);
  }

  end(): FileDigests {
    return { md5: this.md5.digest('hex'), sha1: this.sha1.digest('hex') };
  }
}

export interface FileDigestsProbeOptions {
  maxFileBytes?: number;
  /** Hash exactly these paths (the second pass) instead of every file in a package location. */
  onlyPaths?: ReadonlySet<string>;
}

export function createFileDigestsProbe(options: FileDigestsProbeOptions = {}): ContentProbe<FileDigests> {
  const max = options.maxFileBytes ?? DEFAULT_FILE_DIGESTS_MAX_BYTES;
  const only = options.onlyPaths;
  const wanted = only ? (path: string) => only.has(path) : isPackageLocation;
  return {
    id: FILE_DIGESTS_PROBE_ID,
    // The cap and the choice of paths are part of what the results mean, so they are part of the
    // cache key (version 2: package locations only).
    version: 2 * 1_000_000_000 + max,
    matches: (path, size) => size > 0 && size <= max && wanted(path),
    start: () => new FileDigestsRun(),
  };
}

export const fileDigestsProbe = createFileDigestsProbe();
