import type { Cataloger, CatalogContext, CatalogResult, Package } from '../types.js';
import { identifiedBinaries } from './identified-binaries.js';

/**
 * Rust crates compiled into binaries built with `cargo auditable` (the `.dep-v0` dependency tree read by
 * the binary-identity probe). Like Go modules: each crate is a package located at, and owning, the
 * binary; `kind` tells runtime from build-only dependencies and `root` marks the binary's own crate.
 */
export function catalogCargo(ctx: CatalogContext): CatalogResult {
  const packages: Package[] = [];
  for (const { entry, id } of identifiedBinaries(ctx.tree)) {
    const seen = new Set<string>();
    for (const crate of id.cargo ?? []) {
      const key = `${crate.name}\u0000${crate.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const metadata: Record<string, string> = { identifiedBy: 'cargo auditable' };
      if (crate.source) metadata.source = crate.source;
      if (crate.kind) metadata.kind = crate.kind;
      if (crate.root) metadata.root = 'true';
      packages.push({
        ecosystem: 'cargo',
        name: crate.name,
        version: crate.version,
        location: entry.path,
        layer: entry.layer,
        files: [{ path: entry.path }],
        metadata,
      });
    }
  }
  return { packages, problems: [] };
}

export const cargoCataloger: Cataloger = {
  id: 'cargo',
  ecosystem: 'cargo',
  globs: [],
  stateGlobs: [],
  catalog: catalogCargo,
};
