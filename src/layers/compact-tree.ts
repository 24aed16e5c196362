import { EntryTable } from './entry-table.js';
import { parentPath } from './paths.js';
import type { EntryType, TreeEntry } from './types.js';
import { compareCodeUnits } from '../util/code-unit-order.js';

/**
 * The squashed tree's nodes, without one object per path: each node is a path (the layer table's own
 * string), the layer and row of the entry that last wrote it, and for a hardlink the layer and row its
 * content comes from, all in typed arrays. Paths are found through one Map from path to node.
 * Implicit directories (never listed, or replaced under a later entry) are nodes without a row.
 *
 * It is the tree's `entries` map: `get` builds a TreeEntry from the columns (a new object each call).
 * Whole-tree passes use the accessors (`type`, `layer`, `sha256`...) instead, which build nothing.
 */
export class CompactTree implements ReadonlyMap<string, TreeEntry> {
  /** Live nodes by path (entries and implicit directories; the root '' is node 0). */
  readonly ids = new Map<string, number>([['', 0]]);
  paths: string[] = [''];
  /** Layer of the entry at the node; -1 for an implicit directory, -2 for a removed node. */
  layerOf = new Int32Array(1024);
  rowOf = new Int32Array(1024);
  /** Where a hardlink's content facts come from (its target's source at the time it was added). */
  srcLayer = new Int32Array(1024);
  srcRow = new Int32Array(1024);
  parent = new Int32Array(1024);
  firstChild = new Int32Array(1024);
  nextSibling = new Int32Array(1024);
  prevSibling = new Int32Array(1024);
  private count = 1;
  private entryCount = 0;

  constructor(readonly tables: readonly EntryTable[]) {
    this.layerOf[0] = -1;
    this.parent[0] = -1;
    this.firstChild[0] = -1;
    this.nextSibling[0] = -1;
    this.prevSibling[0] = -1;
    this.srcLayer[0] = -1;
  }

  /**
   * A tree over entries given by hand (tests, and callers that build a tree as a plain Map): each entry
   * is a row of its layer's table, with its own content facts (a hardlink's are already on it).
   */
  static fromEntries(entries: Iterable<TreeEntry>): CompactTree {
    const list = [...entries];
    const layers = list.reduce((n, e) => Math.max(n, e.layer + 1), 0);
    const tables = Array.from({ length: layers }, () => new EntryTable());
    const tree = new CompactTree(tables);
    for (const e of list) {
      const row = tables[e.layer]!.push(e);
      tree.setEntry(tree.ensure(e.path, parentPath), e.layer, row);
    }
    return tree;
  }

  /** Nodes made so far (live, implicit and removed): the length of arrays indexed by node id. */
  get nodeCount(): number {
    return this.count;
  }

  // ---- ReadonlyMap<string, TreeEntry> ----

  get size(): number {
    return this.entryCount;
  }

  has(path: string): boolean {
    const id = this.ids.get(path);
    return id !== undefined && this.layerOf[id]! >= 0;
  }

  get(path: string): TreeEntry | undefined {
    const id = this.ids.get(path);
    return id !== undefined && this.layerOf[id]! >= 0 ? this.entry(id) : undefined;
  }

  *keys(): MapIterator<string> {
    for (const [path, id] of this.ids) if (this.layerOf[id]! >= 0) yield path;
  }

  *values(): MapIterator<TreeEntry> {
    for (const id of this.ids.values()) if (this.layerOf[id]! >= 0) yield this.entry(id);
  }

  *entries(): MapIterator<[string, TreeEntry]> {
    for (const [path, id] of this.ids) if (this.layerOf[id]! >= 0) yield [path, this.entry(id)];
  }

  [Symbol.iterator](): MapIterator<[string, TreeEntry]> {
    return this.entries();
  }

  forEach(fn: (value: TreeEntry, key: string, map: ReadonlyMap<string, TreeEntry>) => void): void {
    for (const [path, entry] of this.entries()) fn(entry, path, this);
  }

  // ---- node accessors (no objects built) ----

  /** The node at a path holding an entry, or -1. */
  node(path: string): number {
    const id = this.ids.get(path);
    return id !== undefined && this.layerOf[id]! >= 0 ? id : -1;
  }

  /** Node ids of every entry, sorted by path (code-unit order). */
  sortedNodes(): Int32Array {
    const out = new Int32Array(this.entryCount);
    let n = 0;
    for (const id of this.ids.values()) if (this.layerOf[id]! >= 0) out[n++] = id;
    const paths = this.paths;
    return out.sort((a, b) => compareCodeUnits(paths[a]!, paths[b]!));
  }

  /** Entries that have a result of probe `probeId`, in no particular order (builds only those). */
  withProbe(probeId: string): TreeEntry[] {
    const out: TreeEntry[] = [];
    for (const id of this.ids.values()) {
      if (this.layerOf[id]! < 0) continue;
      if (this.contentTable(id).hasProbe(this.contentRow(id), probeId)) out.push(this.entry(id));
    }
    return out;
  }

  /** True when a node has a live child (a directory with content). */
  hasChildren(id: number): boolean {
    return this.firstChild[id]! >= 0;
  }

  type(id: number): EntryType {
    return this.tables[this.layerOf[id]!]!.type(this.rowOf[id]!);
  }

  layer(id: number): number {
    return this.layerOf[id]!;
  }

  link(id: number): string | undefined {
    return this.tables[this.layerOf[id]!]!.link(this.rowOf[id]!);
  }

  /** The table and row the node's content facts (digests, size, mode, owner, probes) come from. */
  contentTable(id: number): EntryTable {
    const src = this.srcLayer[id]!;
    return this.tables[src >= 0 ? src : this.layerOf[id]!]!;
  }

  contentRow(id: number): number {
    return this.srcLayer[id]! >= 0 ? this.srcRow[id]! : this.rowOf[id]!;
  }

  /**
   * True when two nodes (of this tree and `other`) have the same type, link, device, mode, owner, size
   * and content digest, and neither has xattrs: everything a file comparison looks at, read from the
   * columns. False says only "look closer" (xattrs are never compared here).
   */
  sameFacts(id: number, other: CompactTree, otherId: number): boolean {
    const t = this.tables[this.layerOf[id]!]!;
    const r = this.rowOf[id]!;
    const ot = other.tables[other.layerOf[otherId]!]!;
    const or = other.rowOf[otherId]!;
    if (t.type(r) !== ot.type(or) || t.link(r) !== ot.link(or)) return false;
    const dev = t.device(r);
    const odev = ot.device(or);
    if (dev !== odev && (dev?.[0] !== odev?.[0] || dev?.[1] !== odev?.[1])) return false;
    const ct = this.contentTable(id);
    const cr = this.contentRow(id);
    const oct = other.contentTable(otherId);
    const ocr = other.contentRow(otherId);
    if (
      ct.mode(cr) !== oct.mode(ocr) ||
      ct.uid(cr) !== oct.uid(ocr) ||
      ct.gid(cr) !== oct.gid(ocr) ||
      ct.size(cr) !== oct.size(ocr) ||
      ct.xattrs(cr) !== undefined ||
      oct.xattrs(ocr) !== undefined
    )
      return false;
    if (!ct.hasSha256(cr) && !oct.hasSha256(ocr)) return true;
    return ct.sameSha256(cr, oct, ocr);
  }

  /** Nodes of the entries directly under node `id` (not implicit directories), in no order. */
  *entriesIn(id: number): Generator<number> {
    for (let c = this.firstChild[id]!; c >= 0; c = this.nextSibling[c]!) if (this.layerOf[c]! >= 0) yield c;
  }

  /** True when some entry (not only an implicit directory) lies directly under node `id`. */
  holdsEntries(id: number): boolean {
    return this.entriesIn(id).next().done !== true;
  }

  /** The TreeEntry of a node (a new object). */
  entry(id: number): TreeEntry {
    const layer = this.layerOf[id]!;
    const own = this.tables[layer]!.entry(this.rowOf[id]!) as TreeEntry;
    own.layer = layer;
    const srcLayer = this.srcLayer[id]!;
    if (srcLayer < 0) return own;
    // A hardlink: same inode as its target, so the target's content facts.
    const src = this.tables[srcLayer]!;
    const row = this.srcRow[id]!;
    const sha256 = src.sha256(row);
    if (sha256 !== undefined) own.sha256 = sha256;
    const probes = src.probes(row);
    if (probes !== undefined) own.probes = probes;
    own.size = src.size(row);
    own.mode = src.mode(row);
    own.uid = src.uid(row);
    own.gid = src.gid(row);
    const xattrs = src.xattrs(row);
    if (xattrs !== undefined) own.xattrs = xattrs;
    else delete own.xattrs;
    return own;
  }

  // ---- building (used by squash) ----

  /** Node of `path`, created (with implicit ancestors) when absent; also returns its parent. */
  ensure(path: string, parentOf: (path: string) => string): number {
    const found = this.ids.get(path);
    if (found !== undefined) return found;
    const parent = this.ensure(parentOf(path), parentOf);
    const id = this.newNode(path);
    this.linkUnder(id, parent);
    return id;
  }

  setEntry(id: number, layer: number, row: number): void {
    if (this.layerOf[id]! < 0) this.entryCount++;
    this.layerOf[id] = layer;
    this.rowOf[id] = row;
    this.srcLayer[id] = -1;
  }

  setSource(id: number, layer: number, row: number): void {
    this.srcLayer[id] = layer;
    this.srcRow[id] = row;
  }

  /** Keep the node (its children stay) but drop its entry: it becomes an implicit directory. */
  makeImplicit(id: number): void {
    if (this.layerOf[id]! >= 0) this.entryCount--;
    this.layerOf[id] = -1;
    this.srcLayer[id] = -1;
  }

  /** Remove every node below `id` (not `id` itself). Walks only that subtree. */
  removeBelow(id: number): void {
    const stack: number[] = [];
    for (let c = this.firstChild[id]!; c >= 0; c = this.nextSibling[c]!) stack.push(c);
    this.firstChild[id] = -1;
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      for (let c = this.firstChild[node]!; c >= 0; c = this.nextSibling[c]!) stack.push(c);
      this.drop(node);
    }
  }

  /** Remove `id` and everything below it. */
  remove(id: number): void {
    this.removeBelow(id);
    const prev = this.prevSibling[id]!;
    const next = this.nextSibling[id]!;
    if (prev >= 0) this.nextSibling[prev] = next;
    else this.firstChild[this.parent[id]!] = next;
    if (next >= 0) this.prevSibling[next] = prev;
    this.drop(id);
  }

  /** Everything goes (an opaque marker at the root). */
  clear(): void {
    for (const id of this.ids.values()) if (id !== 0) this.drop(id);
    this.firstChild[0] = -1;
  }

  private drop(id: number): void {
    if (this.layerOf[id]! >= 0) this.entryCount--;
    this.layerOf[id] = -2;
    this.firstChild[id] = -1;
    this.ids.delete(this.paths[id]!);
  }

  private newNode(path: string): number {
    if (this.count === this.layerOf.length) this.grow();
    const id = this.count++;
    this.paths.push(path);
    this.layerOf[id] = -1;
    this.srcLayer[id] = -1;
    this.firstChild[id] = -1;
    this.ids.set(path, id);
    return id;
  }

  private linkUnder(id: number, parent: number): void {
    this.parent[id] = parent;
    const first = this.firstChild[parent]!;
    this.nextSibling[id] = first;
    this.prevSibling[id] = -1;
    if (first >= 0) this.prevSibling[first] = id;
    this.firstChild[parent] = id;
  }

  private grow(): void {
    const cap = this.layerOf.length * 2;
    const grown = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.layerOf = grown(this.layerOf);
    this.rowOf = grown(this.rowOf);
    this.srcLayer = grown(this.srcLayer);
    this.srcRow = grown(this.srcRow);
    this.parent = grown(this.parent);
    this.firstChild = grown(this.firstChild);
    this.nextSibling = grown(this.nextSibling);
    this.prevSibling = grown(this.prevSibling);
  }
}
