import { CompactTree } from './compact-tree.js';
import { parentPath } from './paths.js';
import type { EntryType, FileTree, LayerIndex, LayerWarning, TreeEntry, Whiteout } from './types.js';
import { compareByPath } from '../util/code-unit-order.js';

/**
 * Apply layers bottom first and return the image's file tree.
 *
 * Per layer: its whiteouts first (so they only ever hit lower layers), then its entries in tar order.
 * - `.wh..wh..opq` in D removes everything below D from lower layers; D itself stays.
 *   The root's marker (path '') clears the whole lower tree.
 * - `.wh.NAME` removes NAME and everything below it.
 * - An entry replaces any earlier one at its path (so within a layer the last one wins); a
 *   non-directory replacing a directory removes everything below it; directory over directory merges.
 * - An entry whose parent (or a higher ancestor) is currently a non-directory: that ancestor is
 *   dropped and becomes an implicit directory, with a PARENT_NOT_DIR warning. A real extractor would
 *   fail (or follow a symlink out of the layer); keeping the entry at its literal path loses nothing.
 * - Parent directories never listed in any layer stay implicit: no synthetic entries are made.
 * - A hardlink takes sha256, probe results, xattrs, size, mode, uid and gid from its target as the tree
 *   holds it at that moment (same layer or lower), and keeps type 'hardlink' and its `link`. A missing
 *   target leaves it without sha256, with a HARDLINK_TARGET_MISSING warning.
 *
 * The tree is a CompactTree over the layers' entry tables: it references their rows and never changes
 * them, so one index can serve both images of a diff. `entries` is not sorted; `sortedPaths(tree)`
 * gives the sorted paths. Cost is linear in the number of entries: removals walk only the removed
 * subtree, through the nodes' child lists.
 */
export function squashLayers(indexes: readonly LayerIndex[]): FileTree {
  const tree = new CompactTree(indexes.map((i) => i.entries));
  const warnings: LayerWarning[] = [];
  indexes.forEach((index, layer) => {
    for (const whiteout of index.whiteouts) applyWhiteout(tree, whiteout);
    const table = index.entries;
    for (let row = 0; row < table.length; row++) add(tree, layer, row, warnings);
  });
  const captured = new Map<string, { content: Buffer; layer: number }>();
  indexes.forEach((index, layer) => {
    for (const [path, content] of index.captured) {
      const id = tree.node(path);
      // Only the version from the layer that last wrote the path, and only while it is a file.
      if (id >= 0 && tree.layer(id) === layer) {
        const type = tree.type(id);
        if (type === 'file' || type === 'hardlink') captured.set(path, { content, layer });
      }
    }
  });
  return { entries: tree, captured, warnings };
}

/**
 * The tree's entries that a content probe found something in, sorted by path. On a squashed tree
 * this looks at the columns and builds only the matching entries (a handful of binaries or jars
 * among a few hundred thousand files); on a hand-built Map it filters.
 */
export function entriesWithProbe(tree: FileTree, probeId: string): TreeEntry[] {
  const found =
    tree.entries instanceof CompactTree
      ? tree.entries.withProbe(probeId)
      : [...tree.entries.values()].filter((e) => e.probes?.[probeId] !== undefined);
  return found.sort(compareByPath);
}

/** The type of the entry at `path`, or undefined; on a squashed tree this builds no entry object. */
export function typeAt(tree: FileTree, path: string): EntryType | undefined {
  const entries = tree.entries;
  if (entries instanceof CompactTree) {
    const id = entries.node(path);
    return id < 0 ? undefined : entries.type(id);
  }
  return entries.get(path)?.type;
}

/**
 * Every entry's path and type, in no particular order: for whole-tree passes that look at a few
 * entries only (links, binaries), without building an object per entry on a squashed tree.
 */
export function* pathTypes(tree: FileTree): Generator<[path: string, type: EntryType]> {
  const entries = tree.entries;
  if (entries instanceof CompactTree) {
    for (const [path, id] of entries.ids) if (entries.layer(id) >= 0) yield [path, entries.type(id)];
  } else for (const [path, entry] of entries) yield [path, entry.type];
}

/** Paths of the tree in code-unit order (byte order for all but astral characters). */
export function sortedPaths(tree: FileTree): string[] {
  return [...tree.entries.keys()].sort();
}

function applyWhiteout(tree: CompactTree, whiteout: Whiteout): void {
  if (whiteout.kind === 'opaque' && whiteout.path === '') {
    tree.clear();
    return;
  }
  const id = tree.ids.get(whiteout.path);
  if (id === undefined) return;
  if (whiteout.kind === 'opaque') tree.removeBelow(id);
  else tree.remove(id);
}

function add(tree: CompactTree, layer: number, row: number, warnings: LayerWarning[]): void {
  const table = tree.tables[layer]!;
  const path = table.path(row);
  const type = table.type(row);
  let id = tree.ids.get(path);
  if (id !== undefined && type !== 'dir') tree.removeBelow(id);
  if (id === undefined) {
    id = attach(tree, path, layer, warnings);
  } else {
    checkParent(tree, tree.parent[id]!, path, layer, warnings);
  }
  // The target as the tree holds it before this entry lands (a link to its own path sees the old file).
  const source =
    type === 'hardlink' ? hardlinkSource(tree, path, table.link(row) ?? '', layer, warnings) : null;
  tree.setEntry(id, layer, row);
  if (source !== null) tree.setSource(id, source[0], source[1]);
}

/**
 * A new node for `path`, with implicit ancestors as needed. Invariant: a non-directory entry has no
 * children, so the first ancestor that already exists is checked (and made implicit if it is not a
 * directory); ancestors made here are implicit directories.
 */
function attach(tree: CompactTree, path: string, layer: number, warnings: LayerWarning[]): number {
  let ancestor = parentPath(path);
  let known = tree.ids.get(ancestor);
  while (known === undefined) {
    ancestor = parentPath(ancestor);
    known = tree.ids.get(ancestor);
  }
  checkParent(tree, known, path, layer, warnings);
  return tree.ensure(path, parentPath);
}

function checkParent(
  tree: CompactTree,
  parent: number,
  path: string,
  layer: number,
  warnings: LayerWarning[],
): void {
  if (parent <= 0 || tree.layer(parent) < 0) return;
  const type = tree.type(parent);
  if (type === 'dir') return;
  const parentName = tree.paths[parent]!;
  warnings.push({
    code: 'PARENT_NOT_DIR',
    layer,
    path,
    message: `layer ${layer}: ${path} lies under ${parentName}, a ${type} from layer ${tree.layer(parent)}; ${parentName} is treated as a directory`,
  });
  tree.makeImplicit(parent);
}

/** The layer and row a hardlink's content comes from, or null (with a warning) when there is none. */
function hardlinkSource(
  tree: CompactTree,
  path: string,
  targetPath: string,
  layer: number,
  warnings: LayerWarning[],
): [number, number] | null {
  const target = tree.node(targetPath);
  const targetType = target >= 0 ? tree.type(target) : undefined;
  if (
    target < 0 ||
    (targetType === 'hardlink' && !tree.contentTable(target).hasSha256(tree.contentRow(target)))
  ) {
    warnings.push({
      code: 'HARDLINK_TARGET_MISSING',
      layer,
      path,
      message: `layer ${layer}: hardlink ${path} points to ${targetPath || '/'}, which is not in the image`,
    });
    return null;
  }
  if (targetType === 'dir') {
    warnings.push({
      code: 'HARDLINK_TO_DIR',
      layer,
      path,
      message: `layer ${layer}: hardlink ${path} points to the directory ${targetPath}`,
    });
    return null;
  }
  const srcLayer = tree.srcLayer[target]! >= 0 ? tree.srcLayer[target]! : tree.layer(target);
  return [srcLayer, tree.contentRow(target)];
}
