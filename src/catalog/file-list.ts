import type { CompactTree } from '../layers/compact-tree.js';
import type { EntryType } from '../layers/types.js';
import type { FileList, InventoryFile, Ownership, PackageId, TreeEntry } from './types.js';
import { FILE_DIGESTS_PROBE_ID } from './probes/file-digests.js';
import {
  DEBIAN_CHANGELOG_PROBE_ID,
  debianChangelogText,
  isDebianChangelogHead,
} from './changelog/debian-changelog-probe.js';
import { defineLazy } from '../util/lazy-property.js';
import { compareByPath, compareCodeUnits } from '../util/code-unit-order.js';

/**
 * The two FileLists: one over the squashed tree's columns (what an image's inventory holds: a few
 * bytes per path beside the tree it already has), and one over plain objects (hand-built inventories).
 */

/** Per-node facts of ownership, packed in one byte: the ownership and two flags. */
export const OWNERSHIP_CODE: Readonly<Record<Ownership, number>> = { none: 0, package: 1, state: 2 };
const OWNERSHIPS: readonly Ownership[] = ['none', 'package', 'state'];
const OWNERSHIP_MASK = 3;
export const FLAG_CONFIG = 4;
export const FLAG_MODIFIED = 8;

/**
 * An image's files over its CompactTree: the nodes in path order, one byte of ownership and flags and
 * one owners-list number per node. Each InventoryFile is built from the columns when asked for.
 */
export class TreeFileList implements FileList {
  constructor(
    private readonly tree: CompactTree,
    /** Node ids of the tree's entries, sorted by path. */
    private readonly order: Int32Array,
    /** Per node: OWNERSHIP_CODE | FLAG_CONFIG | FLAG_MODIFIED. */
    private readonly facts: Uint8Array,
    /** Per node: index into `ownerLists` (-1: no owners). */
    private readonly ownerOf: Int32Array,
    private readonly ownerLists: readonly PackageId[][],
  ) {}

  get length(): number {
    return this.order.length;
  }

  get(path: string): InventoryFile | undefined {
    const id = this.tree.node(path);
    return id < 0 ? undefined : this.file(id);
  }

  *[Symbol.iterator](): Iterator<InventoryFile> {
    for (const id of this.order) yield this.file(id);
  }

  holdsEntries(dir: string): boolean {
    const id = this.tree.ids.get(dir);
    return id !== undefined && this.tree.holdsEntries(id);
  }

  inDirectory(dir: string): InventoryFile[] {
    const id = this.tree.ids.get(dir);
    const nodes = id === undefined ? [] : [...this.tree.entriesIn(id)];
    const paths = this.tree.paths;
    nodes.sort((a, b) => compareCodeUnits(paths[a]!, paths[b]!));
    return nodes.map((node) => this.file(node));
  }

  forEachShape(fn: (type: EntryType, size: number, ownership: Ownership) => void): void {
    const tree = this.tree;
    for (const id of this.order) {
      fn(
        tree.type(id),
        tree.contentTable(id).size(tree.contentRow(id)),
        OWNERSHIPS[this.facts[id]! & OWNERSHIP_MASK]!,
      );
    }
  }

  /**
   * Both lists' files in path order, side by side, leaving out the paths both hold with the same
   * facts (read from the columns: no object is built for an unchanged path).
   */
  static *changed(before: TreeFileList, after: TreeFileList): Generator<FilePair> {
    const [bt, at] = [before.tree, after.tree];
    const pairs = byPath(
      before.order,
      (id) => bt.paths[id]!,
      after.order,
      (id) => at.paths[id]!,
    );
    for (const [b, a] of pairs) {
      if (a === undefined) yield [before.file(b!), undefined];
      else if (b === undefined) yield [undefined, after.file(a)];
      else if (!bt.sameFacts(b, at, a)) yield [before.file(b), after.file(a)];
    }
  }

  private file(id: number): InventoryFile {
    const facts = this.facts[id]!;
    const list = this.ownerOf[id]!;
    const file = inventoryFile(
      this.tree.entry(id),
      OWNERSHIPS[facts & OWNERSHIP_MASK]!,
      list >= 0 ? this.ownerLists[list] : undefined,
    );
    if ((facts & FLAG_CONFIG) !== 0) file.config = true;
    if ((facts & FLAG_MODIFIED) !== 0) file.modifiedAfterInstall = true;
    return file;
  }
}

/** A FileList over InventoryFile objects (sorted here by path); iteration and `get` return those objects. */
export class ArrayFileList implements FileList {
  private readonly files: InventoryFile[];
  private readonly byPath: Map<string, InventoryFile>;
  /** Every directory that holds at least one path. */
  private readonly parents = new Set<string>();

  constructor(files: Iterable<InventoryFile>) {
    this.files = [...files].sort(compareByPath);
    this.byPath = new Map(this.files.map((f) => [f.path, f]));
    for (const f of this.files) {
      const i = f.path.lastIndexOf('/');
      this.parents.add(i > 0 ? f.path.slice(0, i) : '');
    }
  }

  get length(): number {
    return this.files.length;
  }

  get(path: string): InventoryFile | undefined {
    return this.byPath.get(path);
  }

  holdsEntries(dir: string): boolean {
    return this.parents.has(dir);
  }

  inDirectory(dir: string): InventoryFile[] {
    if (dir === '') return this.files.filter((f) => !f.path.includes('/'));
    return this.files.filter((f) => f.path.lastIndexOf('/') === dir.length && f.path.startsWith(`${dir}/`));
  }

  forEachShape(fn: (type: EntryType, size: number, ownership: Ownership) => void): void {
    for (const f of this.files) fn(f.type, f.size, f.ownership);
  }

  [Symbol.iterator](): Iterator<InventoryFile> {
    return this.files[Symbol.iterator]();
  }
}

/** One path of two lists: its file before and after (undefined where a list lacks the path). */
export type FilePair = [before: InventoryFile | undefined, after: InventoryFile | undefined];

/**
 * The paths of two lists in path order, side by side: every path, or (both over trees) only those
 * whose facts may differ. A path both lists hold unchanged may be left out, never one that changed.
 */
export function* alongside(before: FileList, after: FileList): Generator<FilePair> {
  if (before instanceof TreeFileList && after instanceof TreeFileList)
    yield* TreeFileList.changed(before, after);
  else
    yield* byPath(
      before,
      (f) => f.path,
      after,
      (f) => f.path,
    );
}

/** Two lists sorted by path, merged: each path once, with its item of each list (or undefined). */
function* byPath<A, B>(
  before: Iterable<A>,
  pathOfBefore: (item: A) => string,
  after: Iterable<B>,
  pathOfAfter: (item: B) => string,
): Generator<[A | undefined, B | undefined]> {
  const olds = before[Symbol.iterator]();
  const nows = after[Symbol.iterator]();
  let b = olds.next();
  let a = nows.next();
  while (b.done !== true || a.done !== true) {
    const bp = b.done === true ? undefined : pathOfBefore(b.value);
    const ap = a.done === true ? undefined : pathOfAfter(a.value);
    if (bp !== undefined && (ap === undefined || bp < ap)) {
      yield [b.value as A, undefined];
      b = olds.next();
    } else if (ap !== undefined && (bp === undefined || ap < bp)) {
      yield [undefined, a.value as B];
      a = nows.next();
    } else {
      yield [b.value as A, a.value as B];
      b = olds.next();
      a = nows.next();
    }
  }
}

/** A FileList of hand-built files. */
export function fileList(files: Iterable<InventoryFile> = []): FileList {
  return new ArrayFileList(files);
}

/**
 * The inventory's record of a tree entry: every fact but the MD5 / SHA-1 the file-digests probe
 * computed for the ownership check (two hex strings and two objects per file, used only there).
 * Built with one shape (and one key order, which the JSON output keeps) for every path.
 */
export function inventoryFile(entry: TreeEntry, ownership: Ownership, owners?: PackageId[]): InventoryFile {
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
      file.probes = readableProbes(rest);
      break;
    }
  }
  if (owners !== undefined) file.owners = owners;
  return file;
}

/**
 * A Debian changelog head as its text: the probe keeps it as the gzip bytes that hold it, and the
 * inventory shows it as it was before (`{ text, complete }`), inflated only when something reads it.
 */
function readableProbes(probes: Record<string, unknown>): Record<string, unknown> {
  const head = probes[DEBIAN_CHANGELOG_PROBE_ID];
  if (!isDebianChangelogHead(head) || head.gzip === undefined) return probes;
  defineLazy(probes, DEBIAN_CHANGELOG_PROBE_ID, () => ({
    text: debianChangelogText(head),
    complete: head.complete,
  }));
  return probes;
}
