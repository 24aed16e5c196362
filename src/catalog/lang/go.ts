import type { Cataloger, CatalogContext, CatalogResult, Package, Problem } from '../types.js';
import type { GoBuildInfo, GoModule } from '../probes/go-buildinfo.js';
import { entriesWithProbe } from '../../layers/squash.js';

/**
 * Go: modules compiled into binaries, read from the build info the `go-buildinfo` content probe found
 * while the layer streamed (no globs: binaries are not captured). Every dependency and the main module
 * become packages located at the binary, each owning the binary.
 */
export const goBuildInfoProbeId = 'go-buildinfo';

function isBuildInfo(v: unknown): v is GoBuildInfo {
  return typeof v === 'object' && v !== null && Array.isArray((v as GoBuildInfo).deps);
}

function packageOf(
  mod: GoModule,
  info: GoBuildInfo,
  location: string,
  layer: number,
  main: boolean,
): Package {
  const metadata: Record<string, string> = {};
  if (info.goVersion) metadata.goVersion = info.goVersion;
  if (main) metadata.mainModule = 'true';
  if (mod.sum) metadata.sum = mod.sum;
  // A replaced module was built from the replacement: its version is what the binary holds.
  let version = mod.version;
  if (mod.replace) {
    metadata.replacedBy = mod.replace.version
      ? `${mod.replace.path} ${mod.replace.version}`
      : mod.replace.path;
    if (mod.replace.version && mod.replace.version !== '(devel)') version = mod.replace.version;
    if (mod.replace.sum) metadata.sum = mod.replace.sum;
  }
  return {
    ecosystem: 'go',
    name: mod.path,
    version: version || '(devel)',
    location,
    layer,
    files: [{ path: location }],
    metadata,
  };
}

export function catalogGo(ctx: CatalogContext): CatalogResult {
  const packages: Package[] = [];
  const problems: Problem[] = [];
  const binaries = entriesWithProbe(ctx.tree, goBuildInfoProbeId);
  for (const entry of binaries) {
    const info = entry.probes?.[goBuildInfoProbeId];
    if (!isBuildInfo(info)) {
      problems.push({
        code: 'GO_BUILDINFO_INVALID',
        path: entry.path,
        layer: entry.layer,
        message: 'Go build info result has an unexpected shape',
      });
      continue;
    }
    if (info.problem !== undefined) {
      problems.push({
        code: 'GO_BUILDINFO_UNREADABLE',
        path: entry.path,
        layer: entry.layer,
        message: `Go binary: ${info.problem}`,
      });
      continue;
    }
    if (info.main?.path) packages.push(packageOf(info.main, info, entry.path, entry.layer, true));
    for (const dep of info.deps)
      if (dep.path) packages.push(packageOf(dep, info, entry.path, entry.layer, false));
  }
  return { packages, problems };
}

export const goCataloger: Cataloger = {
  id: 'go',
  ecosystem: 'go',
  globs: [],
  stateGlobs: [],
  catalog: catalogGo,
};
