import type { Cataloger, CatalogContext, CatalogResult, Package, Problem } from '../types.js';
import { dirname, parseFiles } from '../lang/tree-paths.js';
import { runtimePackage, treesUnder, under } from './runtime-package.js';

/**
 * The Go toolchain from a release tree (the official `golang` images put it in `/usr/local/go`): the
 * root's `VERSION` file starts with `goX.Y[.Z]` (Go 1.21+ adds a `time ...` line). A `VERSION` file is
 * taken as Go's only where the root also holds `bin/go` or `src/runtime`. The runtime owns its root.
 */
export const goRuntimeGlobs = ['**/go*/VERSION'] as const;

/** The version without its `go` prefix; undefined when the file is not a Go toolchain's. */
export function parseGoVersionFile(text: string): string | undefined {
  const m = /^go(\d+(?:\.\d+)*(?:(?:rc|beta)\d+)?)\s*(?:\n|$)/.exec(text);
  return m?.[1];
}

export function catalogGoRuntime(ctx: CatalogContext): CatalogResult {
  const problems: Problem[] = [];
  const packages: Package[] = [];
  for (const { location, layer, value: version } of parseFiles(
    ctx.files,
    parseGoVersionFile,
    { code: 'RUNTIME_RECORD_INVALID', what: 'Go VERSION file' },
    problems,
  )) {
    const root = dirname(location);
    if (version === undefined) continue;
    const entries = ctx.tree.entries;
    if (!entries.has(under(root, 'bin/go')) && !entries.has(under(root, 'src/runtime'))) continue;
    packages.push(
      runtimePackage('go', version, root, { path: location, layer }, treesUnder(ctx.tree, root, [''])),
    );
  }
  return { packages, problems };
}

export const goRuntimeCataloger: Cataloger = {
  id: 'runtime-go',
  ecosystem: 'runtime',
  globs: goRuntimeGlobs,
  stateGlobs: [],
  catalog: catalogGoRuntime,
};
