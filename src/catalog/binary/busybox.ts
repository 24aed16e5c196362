import type { FileTree } from '../../layers/types.js';
import { pathTypes } from '../../layers/squash.js';
import { resolvePath } from '../ownership.js';
import { basename } from '../lang/tree-paths.js';
import type { Cataloger, CatalogContext, CatalogResult, OwnedFile, Package } from '../types.js';
import { identifiedBinaries } from './identified-binaries.js';

/**
 * busybox, named by the version banner its binary carries (`BusyBox v1.37.0 (build date)`), read by the
 * binary-identity probe. One binary serves hundreds of commands through hardlinks (the busybox images)
 * or symlinks (Alpine): the package owns the binary and every link to it, so they are not listed as
 * non-packaged files. It is located at the link named `busybox` when there is one (the binary itself may
 * be stored as `bin/[`).
 */
export function catalogBusybox(ctx: CatalogContext): CatalogResult {
  const packages: Package[] = [];
  const found = identifiedBinaries(ctx.tree).filter(({ id }) => typeof id.busybox === 'string');
  if (found.length === 0) return { packages, problems: [] };
  const links = linksTo(ctx.tree, new Set(found.map(({ entry }) => entry.path)));
  for (const { entry, id } of found) {
    const all = [entry.path, ...(links.get(entry.path) ?? [])].sort();
    const named = all.find((p) => basename(p) === 'busybox' && ctx.tree.entries.get(p)?.type !== 'symlink');
    const location = named ?? entry.path;
    const files: OwnedFile[] = all.map((path) => ({ path }));
    packages.push({
      ecosystem: 'binary',
      name: 'busybox',
      version: id.busybox as string,
      location,
      layer: entry.layer,
      files,
      metadata: { identifiedBy: 'version banner', binary: entry.path },
    });
  }
  return { packages, problems: [] };
}

/** Hardlinks to, and symlinks that resolve to, each of `targets`. */
function linksTo(tree: FileTree, targets: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (target: string, path: string): void => {
    const list = out.get(target);
    if (list) list.push(path);
    else out.set(target, [path]);
  };
  for (const [path, type] of pathTypes(tree)) {
    if (type !== 'hardlink' && type !== 'symlink') continue;
    const e = tree.entries.get(path)!;
    if (e.type === 'hardlink' && e.link !== undefined && targets.has(e.link)) add(e.link, e.path);
    else if (e.type === 'symlink') {
      const real = resolvePath(tree, e.path, { followFinal: true });
      if (real !== undefined && targets.has(real)) add(real, e.path);
      else if (real !== undefined) {
        // A link to a hardlink of the binary (Alpine-style links to `bin/busybox`, stored as a hardlink).
        const t = tree.entries.get(real);
        if (t?.type === 'hardlink' && t.link !== undefined && targets.has(t.link)) add(t.link, e.path);
      }
    }
  }
  return out;
}

export const busyboxCataloger: Cataloger = {
  id: 'busybox',
  ecosystem: 'binary',
  globs: [],
  stateGlobs: [],
  catalog: catalogBusybox,
};
