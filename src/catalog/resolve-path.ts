import { CompactTree } from '../layers/compact-tree.js';
import type { FileTree } from '../layers/types.js';

/** Linux gives up after 40 symlinks in one lookup (ELOOP); so do we. */
export const MAX_SYMLINK_HOPS = 40;

export interface ResolveOptions {
  /** Also follow the last component when it is a symlink (default false: parents only). */
  followFinal?: boolean;
  maxHops?: number;
}

/**
 * The tree's symlinks as a trie of path segments. Resolution walks it one segment at a time beside
 * the path, so each step is one lookup of one segment: a path of n segments costs O(n) (plus the
 * targets it follows), where looking every prefix up in the tree would cost O(n²) characters, and
 * O(n³) over a chain of n nested directories (4,000 of them took 189 s). Once the walk leaves the
 * trie, no later segment can be a symlink until `..` or an absolute target brings it back.
 */
interface TrieNode {
  children: Map<string, TrieNode> | undefined;
  /** The symlink's target when the node's path is a symlink. */
  link: string | undefined;
}

interface SymlinkIndex {
  root: TrieNode;
  /** The tree's size when the index was built: a test's plain Map may change between calls. */
  size: number;
}

const indexes = new WeakMap<object, SymlinkIndex>();

function symlinkIndex(tree: FileTree): SymlinkIndex {
  const entries = tree.entries;
  const known = indexes.get(entries);
  if (known !== undefined && known.size === entries.size) return known;
  const root: TrieNode = { children: undefined, link: undefined };
  const add = (path: string, link: string): void => {
    let node = root;
    for (const seg of path.split('/')) {
      if (seg === '') continue;
      node.children ??= new Map();
      let next = node.children.get(seg);
      if (next === undefined) {
        next = { children: undefined, link: undefined };
        node.children.set(seg, next);
      }
      node = next;
    }
    node.link = link;
  };
  if (entries instanceof CompactTree) {
    for (const [path, id] of entries.ids) {
      if (entries.layer(id) < 0 || entries.type(id) !== 'symlink') continue;
      const link = entries.link(id);
      if (link !== undefined) add(path, link);
    }
  } else {
    for (const [path, entry] of entries) {
      if (entry.type === 'symlink' && entry.link !== undefined) add(path, entry.link);
    }
  }
  const index = { root, size: entries.size };
  indexes.set(entries, index);
  return index;
}

const meaningful = (seg: string): boolean => seg !== '' && seg !== '.';

/**
 * The real path of `path` in the tree: symlinked components are replaced by their targets (absolute
 * targets from the root, relative ones from the link's directory; `..` never climbs above the root),
 * as the kernel would inside the image. Components that do not exist are kept as written.
 * Returns undefined for a symlink loop (more than `maxHops` links); '' is the root.
 * Linear in the length of the path and of the targets followed.
 */
export function resolvePath(tree: FileTree, path: string, options: ResolveOptions = {}): string | undefined {
  const maxHops = options.maxHops ?? MAX_SYMLINK_HOPS;
  const { root } = symlinkIndex(tree);
  const todo = path.split('/').reverse(); // a stack: next component last
  let remaining = 0; // meaningful components left in `todo`
  for (const seg of todo) if (meaningful(seg)) remaining++;
  const done: string[] = [];
  // nodes[i] is the trie node of done[0..i) (nodes[0] the root); undefined once off the trie.
  const nodes: (TrieNode | undefined)[] = [root];
  let hops = 0;
  while (todo.length > 0) {
    const seg = todo.pop() as string;
    if (!meaningful(seg)) continue;
    remaining--;
    if (seg === '..') {
      if (done.length > 0) {
        done.pop();
        nodes.pop();
      }
      continue;
    }
    const node = nodes[nodes.length - 1]?.children?.get(seg);
    done.push(seg);
    nodes.push(node);
    if (!options.followFinal && remaining === 0) break;
    if (node?.link === undefined) continue;
    if (++hops > maxHops) return undefined;
    done.pop();
    nodes.pop();
    if (node.link.startsWith('/')) {
      done.length = 0;
      nodes.length = 1;
    }
    const target = node.link.split('/');
    for (let i = target.length - 1; i >= 0; i--) {
      const t = target[i] as string;
      todo.push(t);
      if (meaningful(t)) remaining++;
    }
  }
  return done.join('/');
}

/**
 * Paths with their directory resolved through the tree's symlinks, the last component kept as it is (a
 * package may own a symlink), memoised per directory: how ownership and the shadowing check compare a
 * package's listed paths with the tree's (usrmerge: `bin/bash` is `usr/bin/bash`). `onLoop` hears once
 * of each directory inside a symlink loop (with the layer of the path that met it); its paths give
 * undefined.
 */
export class RealPaths {
  private readonly dirs = new Map<string, string | undefined>();

  constructor(
    private readonly tree: FileTree,
    private readonly onLoop?: (dir: string, layer: number | undefined) => void,
  ) {}

  /** `dir` resolved, or undefined inside a symlink loop. */
  dir(dir: string, layer?: number): string | undefined {
    if (this.dirs.has(dir)) return this.dirs.get(dir);
    const real = resolvePath(this.tree, dir, { followFinal: true });
    this.dirs.set(dir, real);
    if (real === undefined) this.onLoop?.(dir, layer);
    return real;
  }

  /** `path`, whose directory is `dir` (the part before its last `/`), with that directory resolved. */
  in(dir: string, path: string, layer?: number): string | undefined {
    const real = this.dir(dir, layer);
    if (real === undefined) return undefined;
    if (real === dir) return path;
    const name = path.slice(dir.length + 1);
    return real === '' ? name : `${real}/${name}`;
  }

  /** `path` with its directory resolved. */
  of(path: string, layer?: number): string | undefined {
    const cut = path.lastIndexOf('/');
    return cut < 0 ? path : this.in(path.slice(0, cut), path, layer);
  }
}
