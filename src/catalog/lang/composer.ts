import type { Cataloger, CatalogContext, CatalogResult, Package, Problem } from '../types.js';
import { dirname, joinPath, ownedFilesUnder, parseFiles } from './tree-paths.js';

/**
 * PHP Composer: `vendor/composer/installed.json` lists every installed package. Composer 1 writes a
 * JSON array; Composer 2 writes `{ "packages": [...], "dev-package-names": [...] }` and records each
 * package's `install-path` relative to `vendor/composer`. A package owns its install folder.
 */
export const composerGlobs = ['**/vendor/composer/installed.json'] as const;

export interface ComposerPackage {
  name: string;
  version: string;
  license?: string;
  /** Install folder relative to vendor/composer, when recorded (Composer 2). */
  installPath?: string;
  dev: boolean;
}

export interface ComposerParse {
  packages: ComposerPackage[];
  /** Entries skipped because they had no name or version. */
  skipped: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseInstalledJson(text: string): ComposerParse {
  const doc: unknown = JSON.parse(text);
  let list: unknown[];
  const dev = new Set<string>();
  if (Array.isArray(doc)) list = doc;
  else if (isRecord(doc) && Array.isArray(doc.packages)) {
    list = doc.packages;
    if (Array.isArray(doc['dev-package-names']))
      for (const n of doc['dev-package-names']) if (typeof n === 'string') dev.add(n);
  } else throw new Error('neither a package array (Composer 1) nor an object with "packages" (Composer 2)');
  const packages: ComposerPackage[] = [];
  let skipped = 0;
  for (const item of list) {
    if (
      !isRecord(item) ||
      typeof item.name !== 'string' ||
      item.name === '' ||
      typeof item.version !== 'string' ||
      item.version === ''
    ) {
      skipped++;
      continue;
    }
    const pkg: ComposerPackage = { name: item.name, version: item.version, dev: dev.has(item.name) };
    const licenses = Array.isArray(item.license)
      ? item.license.filter((l): l is string => typeof l === 'string')
      : typeof item.license === 'string'
        ? [item.license]
        : [];
    // Composer's license array means "any of these" (disjunctive).
    if (licenses.length > 0) pkg.license = licenses.length === 1 ? licenses[0] : `(${licenses.join(' OR ')})`;
    if (typeof item['install-path'] === 'string') pkg.installPath = item['install-path'];
    packages.push(pkg);
  }
  return { packages, skipped };
}

export function catalogComposer(ctx: CatalogContext): CatalogResult {
  const packages: Package[] = [];
  const problems: Problem[] = [];
  for (const { location, layer, value: parsed } of parseFiles(
    ctx.files,
    parseInstalledJson,
    { code: 'COMPOSER_INSTALLED_JSON_INVALID', what: 'installed.json' },
    problems,
  )) {
    if (parsed.skipped > 0) {
      problems.push({
        code: 'COMPOSER_INSTALLED_JSON_INVALID',
        path: location,
        layer,
        message: `${parsed.skipped} package entr${parsed.skipped === 1 ? 'y' : 'ies'} without a name or version skipped`,
      });
    }
    const composerDir = dirname(location);
    const vendorDir = dirname(composerDir);
    for (const p of parsed.packages) {
      // A recorded install path must stay inside the image; otherwise fall back to vendor/<name>.
      const installDir =
        (p.installPath !== undefined ? joinPath(composerDir, p.installPath) : undefined) ??
        joinPath(vendorDir, p.name);
      const pkg: Package = {
        ecosystem: 'composer',
        name: p.name,
        version: p.version,
        location,
        layer,
        files: installDir === undefined ? [] : ownedFilesUnder(ctx.tree, installDir),
      };
      if (p.license !== undefined) pkg.license = p.license;
      if (p.dev) pkg.metadata = { dev: 'true' };
      packages.push(pkg);
    }
  }
  return { packages, problems };
}

export const composerCataloger: Cataloger = {
  id: 'composer',
  ecosystem: 'composer',
  globs: composerGlobs,
  // Composer writes these itself on every install.
  stateGlobs: [
    '**/vendor/composer/installed.json',
    '**/vendor/composer/installed.php',
    '**/vendor/composer/autoload_*.php',
    '**/vendor/composer/platform_check.php',
    '**/vendor/composer/ClassLoader.php',
    '**/vendor/composer/InstalledVersions.php',
    '**/vendor/composer/LICENSE',
    '**/vendor/autoload.php',
  ],
  catalog: catalogComposer,
};
