import type { Cataloger, CatalogContext, CatalogResult, Package, Problem } from '../types.js';
import type { JarManifest, JarMavenInfo, PomProperties } from '../probes/jar-maven.js';
import { entriesWithProbe } from '../../layers/squash.js';
import { basename } from './tree-paths.js';
import { compareByPath } from '../../util/code-unit-order.js';

/**
 * Maven: Java archives found by the `jar-maven` content probe, and the archives nested in them. Each
 * pom.properties inside an archive is a package `groupId:artifactId`; an archive without one but with
 * Implementation-Title and -Version (or Bundle-SymbolicName and -Version) in its manifest becomes a
 * package named after those; else its file name, when it carries a version (`name-1.2.3.jar`).
 * `identifiedBy` says which. Packages own the file on disk; a nested archive's package is located at
 * `outer.war!/WEB-INF/lib/inner.jar` (`nestedIn` names the outer file).
 */
export const jarMavenProbeId = 'jar-maven';

function isJarInfo(v: unknown): v is JarMavenInfo {
  return typeof v === 'object' && v !== null && Array.isArray((v as JarMavenInfo).poms);
}

/** `commons-lang3-3.12.0.jar` -> commons-lang3 3.12.0: a version starts at the first `-<digit>`. */
export function nameFromFileName(file: string): { name: string; version: string } | undefined {
  // A scan for the first `-<digit>` after the last `/`, not a lazy regex (`^(.+?)-(\d[^/]*)\.jar$` is
  // quadratic in a name of many `-1`: 20,000 characters took 1.6 s).
  if (!/\.(?:jar|war|ear)$/i.test(file)) return undefined;
  const stem = file.slice(0, -4);
  let at = Math.max(1, stem.lastIndexOf('/') + 1);
  for (;;) {
    at = stem.indexOf('-', at);
    if (at < 0 || at + 1 >= stem.length) return undefined;
    const c = stem.charCodeAt(at + 1);
    if (c >= 48 && c <= 57) return { name: stem.slice(0, at), version: stem.slice(at + 1) };
    at++;
  }
}

interface Identified {
  name: string;
  version: string;
  metadata: Record<string, string>;
}

/** The packages one archive names: its pom.properties, else its manifest, else its file name. */
export function identify(archivePath: string, poms: readonly PomProperties[], m?: JarManifest): Identified[] {
  if (poms.length > 0)
    return poms.map((pom) => ({
      name: `${pom.groupId}:${pom.artifactId}`,
      version: pom.version,
      metadata: {
        identifiedBy: 'pom.properties',
        groupId: pom.groupId,
        artifactId: pom.artifactId,
        pomProperties: pom.path,
      },
    }));
  if (m) {
    const byTitle = m.title && m.version;
    const name = byTitle ? m.title : m.bundleVersion ? m.bundleName?.split(';')[0]?.trim() : undefined;
    const version = byTitle ? m.version : m.bundleVersion;
    if (name && version) {
      const metadata: Record<string, string> = { identifiedBy: 'MANIFEST.MF' };
      if (m.vendor) metadata.vendor = m.vendor;
      return [{ name, version, metadata }];
    }
  }
  const byName = nameFromFileName(basename(archivePath));
  return byName ? [{ ...byName, metadata: { identifiedBy: 'file name' } }] : [];
}

export function catalogMaven(ctx: CatalogContext): CatalogResult {
  const packages: Package[] = [];
  const problems: Problem[] = [];
  const archives = entriesWithProbe(ctx.tree, jarMavenProbeId);
  for (const entry of archives) {
    const info = entry.probes?.[jarMavenProbeId];
    if (!isJarInfo(info)) {
      problems.push({
        code: 'MAVEN_ARCHIVE_INVALID',
        path: entry.path,
        layer: entry.layer,
        message: 'Java archive probe result has an unexpected shape',
      });
      continue;
    }
    for (const message of info.problems ?? []) {
      problems.push({
        code: 'MAVEN_ARCHIVE_INVALID',
        path: entry.path,
        layer: entry.layer,
        message: `Java archive: ${message}`,
      });
    }
    const add = (location: string, found: Identified[], nested?: string): void => {
      for (const { name, version, metadata } of found) {
        packages.push({
          ecosystem: 'maven',
          name,
          version,
          location,
          layer: entry.layer,
          files: [{ path: entry.path }],
          metadata: nested === undefined ? metadata : { ...metadata, nestedIn: entry.path },
        });
      }
    };
    add(entry.path, identify(entry.path, info.poms, info.manifest));
    const nested = Array.isArray(info.archives) ? info.archives : [];
    for (const a of [...nested].sort(compareByPath))
      add(`${entry.path}!/${a.path}`, identify(a.path, a.poms ?? [], a.manifest), a.path);
  }
  return { packages, problems };
}

export const mavenCataloger: Cataloger = {
  id: 'maven',
  ecosystem: 'maven',
  globs: [],
  stateGlobs: [],
  catalog: catalogMaven,
};
