import type { FileTree } from '../../layers/types.js';
import { ownedFilesUnder, uniqueFiles } from '../lang/tree-paths.js';
import type { OwnedFile, Package } from '../types.js';

/**
 * What the runtime catalogers share. A runtime is a package of the `runtime` ecosystem: its name
 * (`node`, `python`, `go`, `java`, `ruby`), the version its own record states, located at its
 * installation directory (`usr/local`, `opt/java/openjdk`: where it is, stable across an upgrade), with
 * `versionFile` the record the version was read from. It owns the files of its tree, so they
 * are not "non-packaged" and a change to them is attributed to the runtime.
 */

export function under(prefix: string, relative: string): string {
  if (relative === '') return prefix;
  return prefix === '' ? relative : `${prefix}/${relative}`;
}

/** The paths among `candidates` (relative to `prefix`) that exist in the tree and are not directories. */
export function existing(tree: FileTree, prefix: string, candidates: readonly string[]): OwnedFile[] {
  const out: OwnedFile[] = [];
  for (const rel of candidates) {
    const path = under(prefix, rel);
    const entry = tree.entries.get(path);
    if (entry && entry.type !== 'dir') out.push({ path });
  }
  return out;
}

/** Every file and link below each of `dirs` (relative to `prefix`). */
export function treesUnder(
  tree: FileTree,
  prefix: string,
  dirs: readonly string[],
  skip?: (relative: string) => boolean,
): OwnedFile[][] {
  return dirs.map((d) => ownedFilesUnder(tree, under(prefix, d), skip));
}

export function runtimePackage(
  name: string,
  version: string,
  home: string,
  versionFile: { path: string; layer: number },
  files: readonly OwnedFile[][],
  metadata: Record<string, string> = {},
): Package {
  return {
    ecosystem: 'runtime',
    name,
    version,
    location: home,
    layer: versionFile.layer,
    files: uniqueFiles([...files, [{ path: versionFile.path }]]),
    metadata: { ...metadata, versionFile: versionFile.path },
  };
}

/** `#define NAME value` in a C header (value without quotes). */
export function cDefine(text: string, name: string): string | undefined {
  const m = new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${name}[ \\t]+("([^"\\n]*)"|(\\S+))`, 'm').exec(text);
  return m ? (m[2] ?? m[3]) : undefined;
}
