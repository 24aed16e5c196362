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
 *
 * Only the digests asked for: a layer that has shown it is Debian's (etc/dpkg/) hashes MD5 alone, an
 * Alpine one (etc/apk/) SHA-1 alone, an rpm one neither (see LayerDigests); the same second pass
 * covers a file that then lacks the digest its database records.
 */

export interface FileDigests {
  md5?: string;
  sha1?: string;
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
export const EMPTY_FILE_DIGESTS: Readonly<Required<FileDigests>> = {
  md5: 'd41d8cd98f00b204e9800998ecf8427e',
  sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
};

/** Which digests a file gets: bit 1 MD5, bit 2 SHA-1. */
const MD5 = 1;
const SHA1 = 2;
const BOTH = MD5 | SHA1;

/**
 * The package managers a layer shows before a file, from the files it has streamed so far, and the
 * digests their databases record: dpkg's md5sums are MD5, apk's `Z:` checksums SHA-1, rpm's file
 * digests SHA-256 (which every file has anyway; the MD5 of rpm before 4.6 goes to the second pass).
 * Each is told by files under its configuration or database directories; a tar lists a root in name
 * order, so etc/dpkg, etc/apk and etc/pki/rpm-gpg stream before lib/ and usr/, where the bulk is.
 */
const MANAGER_SIGNS: ReadonlyArray<readonly [prefix: string, digests: number]> = [
  ['etc/dpkg/', MD5],
  ['var/lib/dpkg/', MD5],
  ['etc/apk/', SHA1],
  ['lib/apk/', SHA1],
  ['etc/pki/rpm-gpg/', 0],
  ['etc/yum.repos.d/', 0],
  ['usr/lib/rpm/', 0],
  ['var/lib/rpm/', 0],
  ['usr/lib/sysimage/rpm/', 0],
];

class FileDigestsRun implements ProbeRun<FileDigests> {
  private readonly md5: Hash | null;
  private readonly sha1: Hash | null;

  constructor(digests: number) {
    this.md5 = digests & MD5 ? createHash('md5') : null;
    this.sha1 = digests & SHA1 ? createHash('sha1') : null;
  }

  write(chunk: Buffer): void {
    this.md5?.update(chunk);
    this.sha1?.update(chunk);
  }

  end(): FileDigests {
    const result: FileDigests = {};
    if (this.md5 !== null) result.md5 = this.md5.digest('hex');
    if (this.sha1 !== null) result.sha1 = this.sha1.digest('hex');
    return result;
  }
}

export interface FileDigestsProbeOptions {
  maxFileBytes?: number;
  /** Hash exactly these paths (the second pass), both digests, instead of every file in a package location. */
  onlyPaths?: ReadonlySet<string>;
}

/**
 * One layer's run of the probe: until a file shows which package managers the layer holds, every file
 * gets both digests; from then on only those the managers seen so far record (their union). A layer's
 * choice depends on its own bytes alone, so a cached index means the same wherever the layer is used.
 * A file a database lists with a digest it did not get is hashed in the second pass
 * (scan/second-digest-pass.ts), so the choice changes the time a run takes, never its answers.
 */
class LayerDigests implements ContentProbe<FileDigests> {
  readonly id = FILE_DIGESTS_PROBE_ID;
  /** The digests the managers seen so far record (their union); -1 until the first sign. */
  private digests = -1;

  constructor(
    readonly version: number,
    private readonly max: number,
  ) {}

  matches(path: string, size: number): boolean {
    const first = path.charCodeAt(0); // e, l, u, v: where the signs are
    if (first === 0x65 || first === 0x6c || first === 0x75 || first === 0x76) this.look(path);
    return this.digests !== 0 && hashedInFirstPass(path, size, this.max);
  }

  start(): ProbeRun<FileDigests> {
    return new FileDigestsRun(this.digests < 0 ? BOTH : this.digests);
  }

  private look(path: string): void {
    for (const [prefix, digests] of MANAGER_SIGNS) {
      if (path.startsWith(prefix)) {
        this.digests = Math.max(this.digests, 0) | digests;
        return;
      }
    }
  }
}

/** A non-empty file within the cap, where packages install. */
function hashedInFirstPass(path: string, size: number, max: number): boolean {
  return size > 0 && size <= max && isPackageLocation(path);
}

export function createFileDigestsProbe(options: FileDigestsProbeOptions = {}): ContentProbe<FileDigests> {
  const max = options.maxFileBytes ?? DEFAULT_FILE_DIGESTS_MAX_BYTES;
  // The cap and the choice of paths and digests are part of what the results mean, so they are part
  // of the cache key (version 2: package locations only; 3: the digests the layer's managers record).
  const version = 3 * 1_000_000_000 + max;
  const only = options.onlyPaths;
  if (only !== undefined) {
    return {
      id: FILE_DIGESTS_PROBE_ID,
      version,
      matches: (path, size) => size > 0 && size <= max && only.has(path),
      start: () => new FileDigestsRun(BOTH),
    };
  }
  return {
    id: FILE_DIGESTS_PROBE_ID,
    version,
    matches: (path, size) => hashedInFirstPass(path, size, max),
    start: () => new FileDigestsRun(BOTH),
    forLayer: () => new LayerDigests(version, max),
  };
}

export const fileDigestsProbe = createFileDigestsProbe();
