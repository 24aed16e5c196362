import type { DigestAlgorithm, OwnedFile, PackageChangelog } from '../../types.js';
import { readRpmChangelog } from './changelog.js';
import { RpmFormatError, check } from './format-error.js';
import { RpmHeader, RpmTag } from './header.js';

/** rpm file flags we report (rpmfileAttrs). */
export const RPMFILE_CONFIG = 1 << 0;
export const RPMFILE_GHOST = 1 << 6;

/** PGPHASHALGO values rpm writes in FILEDIGESTALGO; absent means the historic md5. */
const DIGEST_ALGORITHMS: ReadonlyMap<number, DigestAlgorithm> = new Map([
  [1, 'md5'],
  [2, 'sha1'],
  [8, 'sha256'],
  [9, 'sha384'],
  [10, 'sha512'],
]);
const DIGEST_HEX_LENGTH: Record<DigestAlgorithm, number> = {
  md5: 32,
  sha1: 40,
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

/** What the cataloger needs from one installed package header. */
export interface RpmPackageRecord {
  name: string;
  /** Present when the header carries an EPOCH tag (rpm prints it then, even when 0). */
  epoch?: number;
  version: string;
  release: string;
  /** Undefined when absent (gpg-pubkey pseudo-packages: rpm prints `(none)`). */
  arch?: string;
  sourceRpm?: string;
  license?: string;
  files: OwnedFile[];
  /** The header's changelog (head only), when asked for and present. */
  changelog?: PackageChangelog;
  /** Parts of the header that were inconsistent and left out (the package itself is kept). */
  warnings: string[];
}

/**
 * Parse one header blob into a package record; throws `RpmFormatError` when the header is unusable.
 * With `changelogPath` (the database's path), the changelog's head is read too.
 */
export function readRpmPackage(blob: Uint8Array, changelogPath?: string): RpmPackageRecord {
  const header = RpmHeader.parse(blob);
  const name = header.string(RpmTag.NAME);
  const version = header.string(RpmTag.VERSION);
  const release = header.string(RpmTag.RELEASE);
  check(name !== undefined && name !== '', 'header has no NAME');
  check(version !== undefined, `header of ${name} has no VERSION`);
  check(release !== undefined, `header of ${name} has no RELEASE`);
  const record: RpmPackageRecord = { name, version, release, files: [], warnings: [] };
  const epoch = header.uint32Array(RpmTag.EPOCH)?.[0];
  if (epoch !== undefined) record.epoch = epoch;
  const arch = header.string(RpmTag.ARCH);
  if (arch !== undefined && arch !== '' && arch !== '(none)') record.arch = arch;
  const sourceRpm = header.string(RpmTag.SOURCERPM);
  if (sourceRpm && sourceRpm !== '(none)') record.sourceRpm = sourceRpm;
  const license = header.string(RpmTag.LICENSE);
  if (license) record.license = license;
  record.files = readFiles(header, record.warnings);
  if (changelogPath !== undefined) {
    try {
      const changelog = readRpmChangelog(header, changelogPath, record.warnings);
      if (changelog) record.changelog = changelog;
    } catch (err) {
      // A damaged changelog must not cost the package itself.
      if (!(err instanceof RpmFormatError)) throw err;
      record.warnings.push(`changelog unreadable (${err.message}); left out`);
    }
  }
  return record;
}

/** `[epoch:]version-release`, as rpm's %{EVR} prints it. */
export function rpmVersionString(record: Pick<RpmPackageRecord, 'epoch' | 'version' | 'release'>): string {
  const evr = `${record.version}-${record.release}`;
  return record.epoch === undefined ? evr : `${record.epoch}:${evr}`;
}

/** Split `name-version-release.src.rpm` into the source name and its `version-release`. */
export function parseSourceRpm(sourceRpm: string): { name: string; version?: string } | undefined {
  const base = sourceRpm.replace(/\.(?:no)?src\.rpm$/, '');
  const relDash = base.lastIndexOf('-');
  const verDash = relDash > 0 ? base.lastIndexOf('-', relDash - 1) : -1;
  if (verDash <= 0) return base === '' ? undefined : { name: base };
  return { name: base.slice(0, verDash), version: base.slice(verDash + 1) };
}

function readFiles(header: RpmHeader, warnings: string[]): OwnedFile[] {
  const paths = readPaths(header, warnings);
  if (paths.length === 0) return [];
  const digests = sameLength(header.stringArray(RpmTag.FILEDIGESTS), paths.length, 'FILEDIGESTS', warnings);
  const modes = sameLength(header.uint16Array(RpmTag.FILEMODES), paths.length, 'FILEMODES', warnings);
  const flags = sameLength(header.uint32Array(RpmTag.FILEFLAGS), paths.length, 'FILEFLAGS', warnings);
  const algoNumber = header.uint32Array(RpmTag.FILEDIGESTALGO)?.[0] ?? 1;
  const algorithm = DIGEST_ALGORITHMS.get(algoNumber);
  if (digests && !algorithm)
    warnings.push(`file digests use unknown algorithm ${algoNumber}; digests left out`);
  const files: OwnedFile[] = [];
  paths.forEach((raw, i) => {
    const path = normalisePath(raw);
    if (path === undefined) {
      if (raw.split('/').includes('..'))
        warnings.push(`file path ${JSON.stringify(raw)} has a '..' component; left out`);
      return;
    }
    const file: OwnedFile = { path };
    const digest = digests?.[i]?.toLowerCase();
    // Directories, links and ghosts have an empty digest: no content to vouch for.
    if (algorithm && digest && digest.length === DIGEST_HEX_LENGTH[algorithm] && /^[0-9a-f]+$/.test(digest)) {
      file.digest = { algorithm, value: digest };
    }
    const mode = modes?.[i];
    // Permission bits only, like FileEntry.mode; the file type is the tree's business.
    if (mode !== undefined) file.mode = mode & 0o7777;
    const flag = flags?.[i] ?? 0;
    if (flag & RPMFILE_CONFIG) file.config = true;
    if (flag & RPMFILE_GHOST) file.ghost = true;
    files.push(file);
  });
  return files;
}

/** Absolute paths from BASENAMES/DIRNAMES/DIRINDEXES, or the legacy OLDFILENAMES. */
function readPaths(header: RpmHeader, warnings: string[]): string[] {
  const basenames = header.stringArray(RpmTag.BASENAMES);
  if (!basenames) return header.stringArray(RpmTag.OLDFILENAMES) ?? [];
  const dirnames = header.stringArray(RpmTag.DIRNAMES) ?? [];
  const dirindexes = header.uint32Array(RpmTag.DIRINDEXES) ?? [];
  if (dirindexes.length !== basenames.length) {
    warnings.push(`${basenames.length} BASENAMES but ${dirindexes.length} DIRINDEXES; file list left out`);
    return [];
  }
  const paths: string[] = [];
  for (let i = 0; i < basenames.length; i++) {
    const dir = dirnames[dirindexes[i] ?? -1];
    if (dir === undefined) {
      warnings.push(
        `DIRINDEXES[${i}] = ${dirindexes[i]} is outside the ${dirnames.length} DIRNAMES; file list left out`,
      );
      return [];
    }
    paths.push(dir + (basenames[i] ?? ''));
  }
  return paths;
}

function sameLength<T>(
  values: T[] | undefined,
  expected: number,
  tag: string,
  warnings: string[],
): T[] | undefined {
  if (values === undefined || values.length === expected) return values;
  warnings.push(`${tag} has ${values.length} values for ${expected} files; left out`);
  return undefined;
}

/** `/usr//bin/./x` → `usr/bin/x`; undefined for the root itself or a path climbing with `..`. */
function normalisePath(raw: string): string | undefined {
  const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
}
