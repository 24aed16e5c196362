import { globMatcher } from '../util/glob.js';
import type { FileTree, TreeEntry } from '../layers/types.js';
import { CompactTree } from '../layers/compact-tree.js';
import type { DigestAlgorithm, FileList, OwnedFile, Package, Problem } from './types.js';
import { FLAG_CONFIG, FLAG_MODIFIED, OWNERSHIP_CODE, TreeFileList } from './file-list.js';
import { comparePackageIds, packageIdKey, type PackageId } from './package-id.js';
import {
  DEFAULT_FILE_DIGESTS_MAX_BYTES,
  EMPTY_FILE_DIGESTS,
  FILE_DIGESTS_PROBE_ID,
  type FileDigests,
} from './probes/file-digests.js';
import { MAX_SYMLINK_HOPS, RealPaths } from './resolve-path.js';

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
 * the package locations, or its layer had shown a manager that records the other digest; see
 * file-digests.ts): its content must be hashed again from `layer`, where its bytes are stored under
 * `path` (a hardlink's target), before "modified after install" is known.
 */
export interface UnverifiedFile {
  layer: number;
  path: string;
  /** Record the digests of the content (undefined: not found in the layer, the answer stays unknown). */
  settle(digests: FileDigests | undefined): void;
}

export interface OwnershipResult {
  /** Every tree path, sorted by path (code-unit order). */
  files: FileList;
  problems: Problem[];
  /** Files to hash in a second pass (usually none); their modifiedAfterInstall is set by `settle`. */
  unverified: UnverifiedFile[];
}

/**
 * Claims as linked lists in arrays (a node_modules image has a claim for nearly each of its 100,000+
 * files): per claim its owner's number, its OwnedFile and the next claim on the same path.
 */
class Claims {
  readonly owner: number[] = [];
  readonly file: OwnedFile[] = [];
  readonly next: number[] = [];
  /** First claim per tree node, and per claimed path the tree has no entry at. */
  private readonly head: Int32Array;
  private readonly elsewhere = new Map<string, number>();

  constructor(private readonly tree: CompactTree) {
    this.head = new Int32Array(tree.nodeCount).fill(-1);
  }

  add(path: string, owner: number, file: OwnedFile): void {
    const claim = this.file.length;
    this.owner.push(owner);
    this.file.push(file);
    const id = this.tree.node(path);
    if (id >= 0) {
      this.next.push(this.head[id]!);
      this.head[id] = claim;
    } else {
      this.next.push(this.elsewhere.get(path) ?? -1);
      this.elsewhere.set(path, claim);
    }
  }

  /** The first claim on the path of tree node `id` (one holding an entry), or -1. */
  at(id: number): number {
    return this.head[id]!;
  }

  /** The first claim on `path`, or -1. */
  first(path: string): number {
    const id = this.tree.node(path);
    return id >= 0 ? this.head[id]! : (this.elsewhere.get(path) ?? -1);
  }

  /** True when a claim of the list records a digest the content can be checked against. */
  anyDigest(first: number): boolean {
    for (let c = first; c >= 0; c = this.next[c]!) {
      const file = this.file[c]!;
      if (file.digest && !file.ghost) return true;
    }
    return false;
  }

  anyConfig(first: number): boolean {
    for (let c = first; c >= 0; c = this.next[c]!) if (this.file[c]!.config) return true;
    return false;
  }

  list(first: number, owners: readonly PackageId[]): Claim[] {
    const out: Claim[] = [];
    for (let c = first; c >= 0; c = this.next[c]!)
      out.push({ owner: owners[this.owner[c]!]!, file: this.file[c]! });
    return out;
  }
}

export function resolveOwnership(
  tree: FileTree,
  packages: readonly Package[],
  stateGlobs: readonly string[],
): OwnershipResult {
  const nodes =
    tree.entries instanceof CompactTree ? tree.entries : CompactTree.fromEntries(tree.entries.values());
  const problems: Problem[] = [];
  const real = new RealPaths(tree, (dir, layer) => {
    const problem: Problem = {
      code: 'SYMLINK_LOOP',
      path: dir,
      message: `symlink loop (more than ${MAX_SYMLINK_HOPS} links) while resolving ${dir}`,
    };
    if (layer !== undefined) problem.layer = layer;
    problems.push(problem);
  });

  const claims = new Claims(nodes);
  // One id object per package name, shared by every claim and owners list that names it.
  const owners: PackageId[] = [];
  const ownerNumber = new Map<string, number>();
  for (const pkg of packages) {
    const key = packageIdKey(pkg);
    let owner = ownerNumber.get(key);
    if (owner === undefined) {
      owner = owners.length;
      owners.push({ ecosystem: pkg.ecosystem, name: pkg.name });
      ownerNumber.set(key, owner);
    }
    for (const file of pkg.files) {
      const path = real.of(file.path, pkg.layer);
      if (path !== undefined) claims.add(path, owner, file);
    }
  }

  const isState = stateGlobs.length > 0 ? globMatcher([...stateGlobs], { dot: true }) : () => false;
  // One owners array per distinct set of owners: most files share theirs with thousands of others.
  const ownerLists: PackageId[][] = [];
  const listNumber = new Map<string, number>();
  const soleList = new Int32Array(owners.length).fill(-1);
  const listOf = (first: number): number => {
    if (claims.next[first]! < 0) {
      const owner = claims.owner[first]!;
      if (soleList[owner]! < 0) {
        soleList[owner] = ownerLists.length;
        ownerLists.push([owners[owner]!]);
      }
      return soleList[owner]!;
    }
    const distinct = new Set<number>();
    for (let c = first; c >= 0; c = claims.next[c]!) distinct.add(claims.owner[c]!);
    const sorted = [...distinct].sort((a, b) => comparePackageIds(owners[a]!, owners[b]!));
    const key = sorted.join(',');
    let list = listNumber.get(key);
    if (list === undefined) {
      list = ownerLists.length;
      ownerLists.push(sorted.map((o) => owners[o]!));
      listNumber.set(key, list);
    }
    return list;
  };

  const order = nodes.sortedNodes();
  const facts = new Uint8Array(nodes.nodeCount);
  const ownerOf = new Int32Array(nodes.nodeCount).fill(-1);
  const unverified: UnverifiedFile[] = [];
  for (const id of order) {
    const type = nodes.type(id);
    if (type === 'dir') continue; // never owned: 'none'
    const path = nodes.paths[id]!;
    // The directory is the parent node's path: no cut per path. A path's own claims are its node's.
    const parent = nodes.parent[id]!;
    const resolved = (parent > 0 ? real.in(nodes.paths[parent]!, path, nodes.layer(id)) : path) ?? path;
    let first = resolved === path ? claims.at(id) : claims.first(resolved);
    if (first < 0 && resolved !== path) first = claims.at(id);
    if (first < 0) {
      if (isState(path) || (resolved !== path && isState(resolved))) facts[id] = OWNERSHIP_CODE.state;
      continue;
    }
    ownerOf[id] = listOf(first);
    facts[id] = OWNERSHIP_CODE.package | (claims.anyConfig(first) ? FLAG_CONFIG : 0);
    // Only files a claim records a digest for are looked at further (none of a language package's).
    if ((type !== 'file' && type !== 'hardlink') || !claims.anyDigest(first)) continue;
    const entry = nodes.entry(id);
    const here = claims.list(first, owners);
    const stored = type === 'hardlink' ? entry.link : path;
    if (stored !== undefined && needsSecondPass(nodes, entry, here)) {
      unverified.push({
        layer: entry.layer,
        path: stored,
        settle: (digests) => {
          if (isModified(entry, here, (algorithm) => knownDigest(entry, algorithm, digests)))
            facts[id]! |= FLAG_MODIFIED;
        },
      });
    } else if (isModified(entry, here, (algorithm) => actualDigest(nodes, entry, algorithm))) {
      facts[id] |= FLAG_MODIFIED;
    }
  }
  return { files: new TreeFileList(nodes, order, facts, ownerOf, ownerLists), problems, unverified };
}

/**
 * A file the first pass left without a digest a claim records, on purpose: it lies outside the
 * package locations, or its layer had shown a package manager whose databases record another digest
 * (a Debian layer hashes MD5 alone; see file-digests.ts). Within the cap, the second pass hashes it.
 */
function needsSecondPass(
  tree: ReadonlyMap<string, TreeEntry>,
  entry: TreeEntry,
  claims: readonly Claim[],
): boolean {
  if (entry.type !== 'file' && entry.type !== 'hardlink') return false;
  if (entry.size === 0 || entry.size > DEFAULT_FILE_DIGESTS_MAX_BYTES) return false;
  return claims.some(({ file }) => {
    const algorithm = file.digest?.algorithm;
    if (file.ghost || (algorithm !== 'md5' && algorithm !== 'sha1')) return false;
    return actualDigest(tree, entry, algorithm) === undefined;
  });
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

function actualDigest(
  tree: ReadonlyMap<string, TreeEntry>,
  entry: TreeEntry,
  algorithm: DigestAlgorithm,
): string | undefined {
  if (algorithm === 'sha256') return entry.sha256;
  if (algorithm !== 'md5' && algorithm !== 'sha1') return undefined;
  if (entry.size === 0 && entry.sha256 !== undefined) return EMPTY_FILE_DIGESTS[algorithm];
  // A hardlink's content (and so its probe results) belongs to the entry it links to.
  const source =
    entry.type === 'hardlink' && entry.link !== undefined ? (tree.get(entry.link) ?? entry) : entry;
  const digests = (entry.probes?.[FILE_DIGESTS_PROBE_ID] ?? source.probes?.[FILE_DIGESTS_PROBE_ID]) as
    Partial<FileDigests> | undefined;
  const value = digests?.[algorithm];
  return typeof value === 'string' ? value : undefined;
}
