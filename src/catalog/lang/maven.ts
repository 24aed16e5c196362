import type { Cataloger, CatalogContext, CatalogResult, Package, Problem } from '../types.js';
import type { JarMavenInfo } from '../probes/jar-maven.js';
import { entriesWithProbe } from '../../layers/squash.js';

/**
 * Maven: Java archives found by the `jar-maven` content probe. Each pom.properties inside an archive is
 * a package `groupId:artifactId`; an archive without one but with Implementation-Title and -Version (or
 * Bundle-SymbolicName and -Version) in its manifest becomes a package named after those. Packages are
 * located at, and own, the archive.
 */
export const jarMavenProbeId = 'jar-maven';

function isJarInfo(v: unknown): v is JarMavenInfo {
  return typeof v === 'object' && v !== null && Array.isArray((v as JarMavenInfo).poms);
}

export function catalogMaven(ctx: CatalogContext): CatalogResult {
  const packages: Package[] = [];
  const problems: Problem[] = [];
  const archives = entriesWithProbe(ctx.tree, jarMavenProbeId);
  for (const entry of archives) {
    const info = entry.probes?.[jarMavenProbeId];
    const base = { location: entry.path, layer: entry.layer };
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
    for (const pom of info.poms) {
      packages.push({
        ecosystem: 'maven',
        name: `${pom.groupId}:${pom.artifactId}`,
        version: pom.version,
        ...base,
        files: [{ path: entry.path }],
        metadata: { groupId: pom.groupId, artifactId: pom.artifactId, pomProperties: pom.path },
      });
    }
    const m = info.manifest;
    if (info.poms.length === 0 && m) {
      const name =
        m.title && m.version
          ? m.title
          : m.bundleName && m.bundleVersion
            ? m.bundleName.split(';')[0]?.trim()
            : undefined;
      const version = m.title && m.version ? m.version : m.bundleVersion;
      if (name && version) {
        const metadata: Record<string, string> = { source: 'MANIFEST.MF' };
        if (m.vendor) metadata.vendor = m.vendor;
        packages.push({
          ecosystem: 'maven',
          name,
          version,
          ...base,
          files: [{ path: entry.path }],
          metadata,
        });
      }
    }
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
