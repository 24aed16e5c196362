import type { Cataloger, CatalogContext, CatalogResult, OwnedFile, Package, Problem } from '../types.js';
import { linkMetadata, packageChangelogIn } from './package-changelog.js';
import { parsePathList, parsePythonMetadata, parseRecord } from './python-metadata.js';
import { dirname, ownedFilesUnder, parseFiles, uniqueFiles } from './tree-paths.js';

/**
 * Python: wheels install `<name>-<version>.dist-info/` (METADATA + RECORD); setuptools/eggs install
 * `<name>.egg-info/` (PKG-INFO, installed-files.txt, SOURCES.txt) or a single `<name>.egg-info` file
 * (distutils, as Debian's python3-* packages ship). Every package also owns its own metadata folder.
 */
export const pythonGlobs = [
  '**/*.dist-info/METADATA',
  '**/*.dist-info/RECORD',
  '**/*.egg-info/PKG-INFO',
  '**/*.egg-info/installed-files.txt',
  '**/*.egg-info/SOURCES.txt',
  '**/*.egg-info',
] as const;

/** The files that name a package (the others list its files). */
function isMetadata(path: string): boolean {
  return (
    path.endsWith('.dist-info/METADATA') || path.endsWith('.egg-info/PKG-INFO') || path.endsWith('.egg-info')
  );
}

export function catalogPython(ctx: CatalogContext): CatalogResult {
  const packages: Package[] = [];
  const problems: Problem[] = [];
  for (const { location, layer, value: meta } of parseFiles(
    ctx.files.filter((f) => isMetadata(f.path)),
    parsePythonMetadata,
    { code: 'PYTHON_METADATA_INVALID', what: 'Python package metadata' },
    problems,
  )) {
    const files = location.endsWith('/METADATA')
      ? distInfoFiles(ctx, dirname(location), problems)
      : location.endsWith('/PKG-INFO')
        ? eggInfoFiles(ctx, dirname(location))
        : [{ path: location }];
    const pkg: Package = {
      ecosystem: 'python',
      name: meta.name,
      version: meta.version,
      location,
      layer,
      files,
    };
    if (meta.license !== undefined) pkg.license = meta.license;
    if (meta.links) pkg.metadata = linkMetadata(meta.links);
    // A CHANGELOG shipped in the .dist-info / .egg-info folder (a lone .egg-info file has no folder).
    if (!location.endsWith('.egg-info')) {
      const changelog = packageChangelogIn(ctx, dirname(location), 'python');
      if (changelog) pkg.changelog = changelog;
    }
    packages.push(pkg);
  }
  return { packages, problems };
}

/** RECORD's files (with digests) plus whatever else sits in the .dist-info folder. */
function distInfoFiles(ctx: CatalogContext, distInfo: string, problems: Problem[]): OwnedFile[] {
  const own = ownedFilesUnder(ctx.tree, distInfo);
  const recordPath = `${distInfo}/RECORD`;
  const record = ctx.file(recordPath);
  if (!record) return own;
  const { files, rejected } = parseRecord(record.content.toString('utf8'), dirname(distInfo));
  if (rejected.length > 0) {
    problems.push({
      code: 'PYTHON_RECORD_INVALID',
      path: recordPath,
      layer: record.layer,
      message: `${rejected.length} unusable RECORD line(s), first: ${rejected[0] ?? ''}`,
    });
  }
  return uniqueFiles([files, own]);
}

/**
 * installed-files.txt lists paths relative to the .egg-info folder. Without it, SOURCES.txt lists the
 * project's source paths relative to the source root, which for an installed egg is usually the
 * site-packages folder: only the entries that exist in the image are kept, so a guess never claims
 * a path that is not there.
 */
function eggInfoFiles(ctx: CatalogContext, eggInfo: string): OwnedFile[] {
  const own = ownedFilesUnder(ctx.tree, eggInfo);
  const installed = ctx.file(`${eggInfo}/installed-files.txt`);
  if (installed)
    return uniqueFiles([
      parsePathList(installed.content.toString('utf8'), eggInfo).map((path) => ({ path })),
      own,
    ]);
  const sources = ctx.file(`${eggInfo}/SOURCES.txt`);
  if (sources) {
    const existing = parsePathList(sources.content.toString('utf8'), dirname(eggInfo))
      .filter((path) => {
        const type = ctx.tree.entries.get(path)?.type;
        return type !== undefined && type !== 'dir';
      })
      .map((path) => ({ path }));
    return uniqueFiles([existing, own]);
  }
  return own;
}

export const pythonCataloger: Cataloger = {
  id: 'python',
  ecosystem: 'python',
  globs: pythonGlobs,
  stateGlobs: [],
  catalog: catalogPython,
};
