import type { FileTree } from '../../layers/types.js';
import type { Cataloger, CatalogContext, CatalogResult, OwnedFile, Package, Problem } from '../types.js';
import { linkMetadata, packageChangelogIn } from './package-changelog.js';
import { npmProjectLinks, type ProjectLinks } from './project-links.js';
import {
  basename,
  dirname,
  joinPath,
  ownedFilesUnder,
  parseFiles,
  pathsUnder,
  uniqueFiles,
} from './tree-paths.js';

/**
 * npm: every installed package has `node_modules/<name>/package.json` (or `node_modules/@scope/<name>/`).
 * Applies to app trees and global installs alike. A package owns every file and link below its folder
 * except nested `node_modules` (those are other packages), plus the `node_modules/.bin` links that point
 * into it. A scope folder (`node_modules/@scope/`) is not a package: its own package.json is not read.
 */
export const npmGlobs = ['**/node_modules/[^@]*/package.json', '**/node_modules/@*/*/package.json'] as const;

export interface NpmManifest {
  name: string;
  version: string;
  license?: string;
  /** Its repository (or homepage) address, for a changelog link. */
  links?: ProjectLinks;
}

/** Parse a package.json. Returns undefined for JSON that is not an installed package (no name/version). */
export function parseNpmManifest(text: string): NpmManifest | undefined {
  const doc: unknown = JSON.parse(text);
  if (!isRecord(doc)) throw new Error('package.json is not a JSON object');
  const { name, version } = doc;
  if (typeof name !== 'string' || name === '' || typeof version !== 'string' || version === '')
    return undefined;
  const manifest: NpmManifest = { name, version };
  const license = licenseOf(doc);
  if (license !== undefined) manifest.license = license;
  const links = npmProjectLinks(doc);
  if (links.repositoryUrl !== undefined) manifest.links = links;
  return manifest;
}

function licenseOf(doc: Record<string, unknown>): string | undefined {
  const one = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : isRecord(v) && typeof v.type === 'string' ? v.type : undefined;
  const direct = one(doc.license);
  if (direct !== undefined) return direct;
  // Legacy `licenses: [{type, url}]`.
  if (Array.isArray(doc.licenses)) {
    const all = doc.licenses.map(one).filter((s): s is string => s !== undefined);
    if (all.length > 0) return all.length === 1 ? all[0] : `(${all.join(' OR ')})`;
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether a path relative to a package folder lies in a nested node_modules (another package). */
function inNestedModules(relative: string): boolean {
  return (
    relative === 'node_modules' || relative.startsWith('node_modules/') || relative.includes('/node_modules/')
  );
}

/** The node_modules folder holding a package folder (one level up, two for scoped packages). */
function nodeModulesOf(packageDir: string): string {
  const parent = dirname(packageDir);
  return basename(parent).startsWith('@') ? dirname(parent) : parent;
}

/** `.bin` links of a node_modules folder, as [link path, resolved target path]. */
function binLinks(tree: FileTree, nodeModules: string): Array<[string, string]> {
  const binDir = `${nodeModules}/.bin`;
  const out: Array<[string, string]> = [];
  for (const path of pathsUnder(tree, binDir)) {
    const entry = tree.entries.get(path);
    if (entry?.type !== 'symlink' || entry.link === undefined) continue;
    const target = joinPath(dirname(path), entry.link);
    if (target !== undefined) out.push([path, target]);
  }
  return out;
}

export function catalogNpm(ctx: CatalogContext): CatalogResult {
  const packages: Package[] = [];
  const problems: Problem[] = [];
  const binCache = new Map<string, Array<[string, string]>>();
  for (const { location, layer, value: manifest } of parseFiles(
    ctx.files,
    parseNpmManifest,
    { code: 'NPM_PACKAGE_JSON_INVALID', what: 'package.json' },
    problems,
  )) {
    if (!manifest) continue;
    const dir = dirname(location);
    const nodeModules = nodeModulesOf(dir);
    let links = binCache.get(nodeModules);
    if (!links) {
      links = binLinks(ctx.tree, nodeModules);
      binCache.set(nodeModules, links);
    }
    const bins: OwnedFile[] = links
      .filter(([, target]) => target.startsWith(`${dir}/`))
      .map(([path]) => ({ path }));
    const pkg: Package = {
      ecosystem: 'npm',
      name: manifest.name,
      version: manifest.version,
      location,
      layer,
      files: uniqueFiles([ownedFilesUnder(ctx.tree, dir, inNestedModules), bins]),
    };
    if (manifest.license !== undefined) pkg.license = manifest.license;
    if (manifest.links) pkg.metadata = linkMetadata(manifest.links);
    const changelog = packageChangelogIn(ctx, dir, 'npm');
    if (changelog) pkg.changelog = changelog;
    packages.push(pkg);
  }
  return { packages, problems };
}

export const npmCataloger: Cataloger = {
  id: 'npm',
  ecosystem: 'npm',
  globs: npmGlobs,
  stateGlobs: [
    '**/node_modules/.package-lock.json',
    '**/node_modules/.yarn-integrity',
    '**/node_modules/.modules.yaml',
  ],
  catalog: catalogNpm,
};
