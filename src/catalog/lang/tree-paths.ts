import type { FileTree } from '../../layers/types.js';
import { sortedPaths, typeAt } from '../../layers/squash.js';
import type { CatalogFile, OwnedFile, Problem } from '../types.js';
import { compareByPath } from '../../util/code-unit-order.js';

/**
 * Path helpers shared by the language catalogers. Language packages own "everything under their
 * directory", so we need fast prefix queries over the tree: a sorted path list (cached per tree)
 * answers each one with a binary search instead of a scan of every entry per package.
 */

const sortedCache = new WeakMap<FileTree, string[]>();

/** The tree's sorted paths, sorted once per tree. */
function cachedSortedPaths(tree: FileTree): string[] {
  let paths = sortedCache.get(tree);
  if (!paths) {
    paths = sortedPaths(tree);
    sortedCache.set(tree, paths);
  }
  return paths;
}

/** Every tree path strictly below `dir` (any type), in sorted order. */
export function pathsUnder(tree: FileTree, dir: string): string[] {
  const paths = cachedSortedPaths(tree);
  const prefix = dir === '' ? '' : `${dir}/`;
  let lo = 0;
  let hi = paths.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((paths[mid] as string) < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < paths.length; i++) {
    const p = paths[i] as string;
    if (!p.startsWith(prefix)) break;
    if (p !== dir) out.push(p);
  }
  return out;
}

/** Files and links (never directories) below `dir`, optionally skipping some relative paths. */
export function ownedFilesUnder(
  tree: FileTree,
  dir: string,
  skip?: (relative: string) => boolean,
): OwnedFile[] {
  const out: OwnedFile[] = [];
  const cut = dir === '' ? 0 : dir.length + 1;
  for (const path of pathsUnder(tree, dir)) {
    const type = typeAt(tree, path);
    if (type === undefined || type === 'dir') continue;
    if (skip?.(path.slice(cut))) continue;
    out.push({ path });
  }
  return out;
}

/** A handed file that parsed: where it is, the layer that wrote it, and what `parse` made of it. */
export interface ParsedManifest<T> {
  location: string;
  layer: number;
  value: T;
}

/**
 * Each of `files` (what the runner handed a cataloger), parsed. A file `parse` throws on becomes one
 * problem (`code`, "unreadable WHAT: reason") and is left out.
 */
export function parseFiles<T>(
  files: readonly CatalogFile[],
  parse: (text: string) => T,
  unreadable: { code: string; what: string },
  problems: Problem[],
): Array<ParsedManifest<T>> {
  const out: Array<ParsedManifest<T>> = [];
  for (const { path: location, layer, content } of files) {
    try {
      out.push({ location, layer, value: parse(content.toString('utf8')) });
    } catch (err) {
      problems.push({
        code: unreadable.code,
        path: location,
        layer,
        message: `unreadable ${unreadable.what}: ${(err as Error).message}`,
      });
    }
  }
  return out;
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Join `relative` onto directory `base` and normalise lexically (`.`, `..`, duplicate slashes).
 * A leading `/` makes `relative` absolute (from the image root). Returns undefined when the result
 * would climb above the root or is empty: manifests are untrusted and must not point outside the image.
 */
export function joinPath(base: string, relative: string): string | undefined {
  const parts = relative.startsWith('/') ? [] : base.split('/').filter((s) => s !== '');
  for (const seg of relative.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.length === 0 ? undefined : parts.join('/');
}

/** Merge owned-file lists, first occurrence of a path wins (it carries the digest when there is one). */
export function uniqueFiles(lists: readonly OwnedFile[][]): OwnedFile[] {
  const seen = new Map<string, OwnedFile>();
  for (const list of lists) for (const f of list) if (!seen.has(f.path)) seen.set(f.path, f);
  return [...seen.values()].sort(compareByPath);
}
