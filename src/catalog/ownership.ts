import { globMatcher } from '../util/glob.js';
import type { FileTree, TreeEntry } from '../layers/types.js';
import type { DigestAlgorithm, InventoryFile, OwnedFile, Ownership, Package, Problem } from './types.js';
import { comparePackageIds, packageIdKey, type PackageId } from './package-id.js';
import {
  DEFAULT_FILE_DIGESTS_MAX_BYTES,
  EMPTY_FILE_DIGESTS,
  FILE_DIGESTS_PROBE_ID,
  isPackageLocation,
  type FileDigests,
} from './probes/file-digests.js';
import { MAX_SYMLINK_HOPS, resolvePath } from './resolve-path.js';

/**
 * Which package owns each path of the squashed tree. Packages list paths as they installed them; the
 * tree holds paths as they ended up. The two differ through directory symlinks (usrmerge: a package
 * lists `bin/bash`, the image has `bin -> usr/bin` and `usr/bin/bash`), so both sides are mapped to
 * their real path (parents resolved through the tree's symlinks, the last component kept as is, since a
 * package may own a symlink) and matched there.
 *
 * Directories are never owned (many packages share them): they get ownership 'none' like an unowned
 * file, so consumers that count non-packaged files must skip `type === 'dir'` entries.
 */

export { MAX_SYMLINK_HOPS, resolvePath, type ResolveOptions } from './resolve-path.js';

interface Claim {
  owner: PackageId;
  file: OwnedFile;
}

/**
 * A packaged file whose database records an MD5 / SHA-1 the first pass did not compute (it lies outside
 * the package locations, see file-digests.ts): its content must be hashed again from `layer`, where
 * its bytes are stored under `path` (a hardlink's target), before "modified after install" is known.
 */
export interface UnverifiedFile {
  layer: number;
  path: string;
  /** Record the digests of the content (undefined: not found in the layer, the answer stays unknown). */
  settle(digests: FileDigests | undefined): void;
}

export interface OwnershipResult {
  /** Every tree path, sorted by path (code-unit order). */
  files: InventoryFile[];
  problems: Problem[];
  /** Files to hash in a second pass (usually none); their modifiedAfterInstall is set by `settle`. */
  unverified: UnverifiedFile[];
}

export function resolveOwnership(
  tree: FileTree,
  packages: readonly Package[],
  stateGlobs: readonly string[],
): OwnershipResult {
  const problems: Problem[] = [];
  const realDirs = new Map<string, string | undefined>();
  const reported = new Set<string>();

  /** Real path with parents resolved (memoised per directory); undefined inside a symlink loop. */
  const realPath = (path: string, layer: number | undefined): string | undefined => {
    const cut = path.lastIndexOf('/');
    if (cut < 0) return path;
    const dir = path.slice(0, cut);
    let real = realDirs.get(dir);
    if (!realDirs.has(dir)) {
      real = resolvePath(tree, dir, { followFinal: true });
      realDirs.set(dir, real);
    }
    if (real === undefined) {
      if (!reported.has(dir)) {
        reported.add(dir);
        const problem: Problem = {
          code: 'SYMLINK_LOOP',
          path: dir,
          message: `symlink loop (more than ${MAX_SYMLINK_HOPS} links) while resolving ${dir}`,
        };
        if (layer !== undefined) problem.layer = layer;
        problems.push(problem);
      }
      return undefined;
    }
    const name = path.slice(cut + 1);
    return real === '' ? name : `${real}/${name}`;
  };

  const claims = new Map<string, Claim[]>();
  // One id object per package name, shared by every claim and owners list that names it.
  const ids = new Map<string, PackageId>();
  for (const pkg of packages) {
    const key = packageIdKey(pkg);
    let owner = ids.get(key);
    if (owner === undefined) {
      owner = { ecosystem: pkg.ecosystem, name: pkg.name };
      ids.set(key, owner);
    }
    for (const file of pkg.files) {
      const real = realPath(file.path, pkg.layer);
      if (real === undefined) continue;
      const list = claims.get(real);
      if (list) list.push({ owner, file });
      else claims.set(real, [{ owner, file }]);
    }
  }

  const isState = stateGlobs.length > 0 ? globMatcher([...stateGlobs], { dot: true }) : () => false;
  // One owners array per distinct set of owners: most files share theirs with thousands of others.
  const ownerLists = new Map<string, PackageId[]>();
  const files: InventoryFile[] = [];
  const unverified: UnverifiedFile[] = [];
  for (const path of [...tree.entries.keys()].sort()) {
    const entry = tree.entries.get(path) as TreeEntry;
    if (entry.type === 'dir') {
      files.push(inventoryFile(entry, 'none'));
      continue;
    }
    const real = realPath(path, entry.layer) ?? path;
    const here = claims.get(real) ?? (real !== path ? claims.get(path) : undefined);
    if (!here) {
      files.push(inventoryFile(entry, isState(path) || (real !== path && isState(real)) ? 'state' : 'none'));
      continue;
    }
    const distinct = [...new Set(here.map((c) => c.owner))].sort(comparePackageIds);
    const joined = distinct.map(packageIdKey).join('\n');
    let owners = ownerLists.get(joined);
    if (owners === undefined) {
      owners = distinct;
      ownerLists.set(joined, owners);
    }
    const file = inventoryFile(entry, 'package', owners);
    if (here.some((c) => c.file.config)) file.config = true;
    files.push(file);
    const stored = entry.type === 'hardlink' ? entry.link : path;
    if (stored !== undefined && needsSecondPass(tree, entry, stored, here)) {
      unverified.push({
        layer: entry.layer,
        path: stored,
        settle: (digests) => {
          if (isModified(entry, here, (algorithm) => knownDigest(entry, algorithm, digests)))
            file.modifiedAfterInstall = true;
        },
      });
    } else if (isModified(entry, here, (algorithm) => actualDigest(tree, entry, algorithm))) {
      file.modifiedAfterInstall = true;
    }
  }
  return { files, problems, unverified };
}

/**
 * A file the first pass left unhashed on purpose (outside the package locations, within the cap) that
 * a claim wants an MD5 or SHA-1 of.
 */
function needsSecondPass(
  tree: FileTree,
  entry: TreeEntry,
  stored: string,
  claims: readonly Claim[],
): boolean {
  if (entry.type !== 'file' && entry.type !== 'hardlink') return false;
  if (entry.size === 0 || entry.size > DEFAULT_FILE_DIGESTS_MAX_BYTES || isPackageLocation(stored))
    return false;
  if (
    !claims.some(
      ({ file }) => !file.ghost && (file.digest?.algorithm === 'md5' || file.digest?.algorithm === 'sha1'),
    )
  )
    return false;
  return actualDigest(tree, entry, 'md5') === undefined;
}

function knownDigest(
  entry: TreeEntry,
  algorithm: DigestAlgorithm,
  digests: FileDigests | undefined,
): string | undefined {
  if (algorithm === 'sha256') return entry.sha256;
  if (algorithm !== 'md5' && algorithm !== 'sha1') return undefined;
  return digests?.[algorithm];
}

/**
 * The inventory's record of a tree entry: every fact but the MD5 / SHA-1 the file-digests probe
 * computed for the ownership check above (two hex strings and two objects per file, used only here).
 * Built with one shape for every path, so a large image's files cost one compact object each.
 */
function inventoryFile(entry: TreeEntry, ownership: Ownership, owners?: PackageId[]): InventoryFile {
  const file: InventoryFile = {
    path: entry.path,
    type: entry.type,
    mode: entry.mode,
    uid: entry.uid,
    gid: entry.gid,
    size: entry.size,
    layer: entry.layer,
    ownership,
  };
  if (entry.sha256 !== undefined) file.sha256 = entry.sha256;
  if (entry.link !== undefined) file.link = entry.link;
  if (entry.devmajor !== undefined) file.devmajor = entry.devmajor;
  if (entry.devminor !== undefined) file.devminor = entry.devminor;
  if (entry.mtime !== undefined) file.mtime = entry.mtime;
  if (entry.xattrs !== undefined) file.xattrs = entry.xattrs;
  if (entry.probes !== undefined) {
    const { [FILE_DIGESTS_PROBE_ID]: _digests, ...rest } = entry.probes;
    for (const _ in rest) {
      file.probes = rest;
      break;
    }
  }
  if (owners !== undefined) file.owners = owners;
  return file;
}

/**
 * True when at least one owner recorded a digest we can compare and none of them matches the content
 * (several owners may record different digests, e.g. a diverted file: any match clears it). Digests we
 * cannot compute (a file over the file-digests cap, sha384/512) leave the answer unknown (false).
 * rpm %ghost files are not part of the payload, so their digest says nothing about the file.
 */
function isModified(
  entry: TreeEntry,
  claims: readonly Claim[],
  digestOf: (algorithm: DigestAlgorithm) => string | undefined,
): boolean {
  if (entry.type !== 'file' && entry.type !== 'hardlink') return false;
  let compared = false;
  for (const { file } of claims) {
    if (!file.digest || file.ghost) continue;
    const actual = digestOf(file.digest.algorithm);
    if (actual === undefined) continue;
    if (actual === file.digest.value.toLowerCase()) return false;
    compared = true;
  }
  return compared;
}

function actualDigest(tree: FileTree, entry: TreeEntry, algorithm: DigestAlgorithm): string | undefined {
  if (algorithm === 'sha256') return entry.sha256;
  if (algorithm !== 'md5' && algorithm !== 'sha1') return undefined;
  if (entry.size === 0 && entry.sha256 !== undefined) return EMPTY_FILE_DIGESTS[algorithm];
  // A hardlink's content (and so its probe results) belongs to the entry it links to.
  const source =
    entry.type === 'hardlink' && entry.link !== undefined ? (tree.entries.get(entry.link) ?? entry) : entry;
  const digests = (entry.probes?.[FILE_DIGESTS_PROBE_ID] ?? source.probes?.[FILE_DIGESTS_PROBE_ID]) as
    Partial<FileDigests> | undefined;
  const value = digests?.[algorithm];
  return typeof value === 'string' ? value : undefined;
}
