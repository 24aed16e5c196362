import { parentPath } from './paths.js';
import type { FileEntry, FileTree, LayerIndex, LayerWarning, TreeEntry, Whiteout } from './types.js';

export interface SquashOptions {
  /**
   * Layers (by position) whose index no other tree uses and nobody reads afterwards: their entry
   * objects become the tree's entries in place (given their `layer`) instead of being copied, which
   * halves the objects a large image keeps while it is catalogued. Default: none (always copy).
   */
  exclusive?: (layer: number) => boolean;
}

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
 * - A hardlink takes sha256, probe results, xattrs, size, mode, uid and gid from its target as the tree holds it at that
 *   moment (same layer or lower), and keeps type 'hardlink' and its `link`. A missing target leaves
 *   it without sha256, with a HARDLINK_TARGET_MISSING warning.
 *
 * `entries` is in insertion order; `sortedPaths(tree)` gives the sorted paths. Cost is linear in the
 * number of entries: removals walk only the removed subtree, through a parent -> children index.
 */
export function squashLayers(indexes: readonly LayerIndex[], options: SquashOptions = {}): FileTree {
  const tree = new TreeBuilder();
  indexes.forEach((index, layer) => {
    const inPlace = options.exclusive?.(layer) ?? false;
    for (const whiteout of index.whiteouts) tree.applyWhiteout(whiteout);
    for (const entry of index.entries) tree.add(entry, layer, inPlace);
  });
  const captured = new Map<string, { content: Buffer; layer: number }>();
  indexes.forEach((index, layer) => {
    for (const [path, content] of index.captured) {
      const entry = tree.entries.get(path);
      // Only the version from the layer that last wrote the path, and only while it is a file.
      if (
        entry !== undefined &&
        entry.layer === layer &&
        (entry.type === 'file' || entry.type === 'hardlink')
      ) {
        captured.set(path, { content, layer });
      }
    }
  });
  return { entries: tree.entries, captured, warnings: tree.warnings };
}

/** Paths of the tree in code-unit order (byte order for all but astral characters). */
export function sortedPaths(tree: FileTree): string[] {
  return [...tree.entries.keys()].sort();
}

class TreeBuilder {
  readonly entries = new Map<string, TreeEntry>();
  readonly warnings: LayerWarning[] = [];
  /**
   * Every node (a path with an entry, or an implicit directory) is listed under its parent; '' is the
   * root. Invariant: a non-directory entry has no children, so every ancestor of a node is a directory.
   */
  private readonly children = new Map<string, Set<string>>();

  applyWhiteout(whiteout: Whiteout): void {
    if (whiteout.kind === 'opaque') {
      if (whiteout.path === '') {
        this.entries.clear();
        this.children.clear();
      } else {
        this.removeBelow(whiteout.path);
      }
    } else {
      this.remove(whiteout.path);
    }
  }

  add(entry: FileEntry, layer: number, inPlace: boolean): void {
    const path = entry.path;
    if (entry.type !== 'dir') this.removeBelow(path);
    this.attach(path, layer);
    const node: TreeEntry = inPlace ? Object.assign(entry, { layer }) : { ...entry, layer };
    if (node.type === 'hardlink') this.resolveHardlink(node);
    this.entries.set(path, node);
  }

  /** List `path` under its parent, making implicit ancestors as needed (see the invariant). */
  private attach(path: string, layer: number): void {
    let child = path;
    let parent = parentPath(path);
    for (;;) {
      let siblings = this.children.get(parent);
      const parentKnown = parent === '' || siblings !== undefined || this.entries.has(parent);
      if (siblings === undefined) {
        siblings = new Set();
        this.children.set(parent, siblings);
      }
      siblings.add(child);
      if (parentKnown) {
        const existing = this.entries.get(parent);
        if (existing !== undefined && existing.type !== 'dir') {
          this.entries.delete(parent);
          this.warnings.push({
            code: 'PARENT_NOT_DIR',
            path,
            message: `layer ${layer}: ${path} lies under ${parent}, a ${existing.type} from layer ${existing.layer}; ${parent} is treated as a directory`,
          });
        }
        return;
      }
      child = parent;
      parent = parentPath(parent);
    }
  }

  private resolveHardlink(node: TreeEntry): void {
    const targetPath = node.link ?? '';
    const target = this.entries.get(targetPath);
    if (target === undefined || (target.type === 'hardlink' && target.sha256 === undefined)) {
      this.warnings.push({
        code: 'HARDLINK_TARGET_MISSING',
        path: node.path,
        message: `layer ${node.layer}: hardlink ${node.path} points to ${targetPath || '/'}, which is not in the image`,
      });
      return;
    }
    if (target.type === 'dir') {
      this.warnings.push({
        code: 'HARDLINK_TO_DIR',
        path: node.path,
        message: `layer ${node.layer}: hardlink ${node.path} points to the directory ${targetPath}`,
      });
      return;
    }
    if (target.sha256 !== undefined) node.sha256 = target.sha256;
    // Same inode, same content: what probes found in the target (secrets, digests) holds here too.
    if (target.probes !== undefined) node.probes = target.probes;
    // Xattrs (file capabilities) belong to the inode too.
    if (target.xattrs !== undefined) node.xattrs = target.xattrs;
    else delete node.xattrs;
    node.size = target.size;
    node.mode = target.mode;
    node.uid = target.uid;
    node.gid = target.gid;
  }

  /** Remove `path` and everything below it. */
  private remove(path: string): void {
    this.removeBelow(path);
    this.entries.delete(path);
    this.children.get(parentPath(path))?.delete(path);
  }

  /** Remove everything below `path`, keeping `path` itself. Walks only the removed subtree. */
  private removeBelow(path: string): void {
    const top = this.children.get(path);
    if (top === undefined) return;
    this.children.delete(path);
    const stack = [...top];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      this.entries.delete(node);
      const below = this.children.get(node);
      if (below !== undefined) {
        this.children.delete(node);
        for (const child of below) stack.push(child);
      }
    }
  }
}
