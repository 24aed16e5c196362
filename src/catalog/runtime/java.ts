import type { Cataloger, CatalogContext, CatalogResult, Package, Problem } from '../types.js';
import { dirname, parseFiles } from '../lang/tree-paths.js';
import { runtimePackage, treesUnder, under } from './runtime-package.js';

/**
 * A JDK or JRE home (the official `eclipse-temurin` images use `/opt/java/openjdk`; any vendor's tree
 * works): its `release` file, written by the JDK build, states `JAVA_VERSION="17.0.13"` and who built it
 * (`IMPLEMENTOR`), the full `JAVA_RUNTIME_VERSION` and, for some vendors, `IMAGE_TYPE` (JDK or JRE).
 * A `release` file counts only beside `bin/java` or `lib/modules`. The runtime owns its home.
 */
export const javaGlobs = ['**/release'] as const;

export interface JavaRelease {
  version: string;
  fields: Map<string, string>;
}

/** KEY="value" lines; undefined when there is no JAVA_VERSION (not a JDK's release file). */
export function parseJavaRelease(text: string): JavaRelease | undefined {
  const fields = new Map<string, string>();
  for (const line of text.split('\n', 200)) {
    const m = /^([A-Z_][A-Z0-9_]*)=(?:"([^"]*)"|(\S*))\s*$/.exec(line.trimEnd());
    if (m?.[1]) fields.set(m[1], m[2] ?? m[3] ?? '');
  }
  const version = fields.get('JAVA_VERSION');
  return version ? { version, fields } : undefined;
}

const METADATA: Array<[string, string]> = [
  ['implementor', 'IMPLEMENTOR'],
  ['implementorVersion', 'IMPLEMENTOR_VERSION'],
  ['runtimeVersion', 'JAVA_RUNTIME_VERSION'],
  ['imageType', 'IMAGE_TYPE'],
];

export function catalogJava(ctx: CatalogContext): CatalogResult {
  const problems: Problem[] = [];
  const packages: Package[] = [];
  for (const { location, layer, value } of parseFiles(
    ctx.files,
    parseJavaRelease,
    { code: 'RUNTIME_RECORD_INVALID', what: 'Java release file' },
    problems,
  )) {
    if (!value) continue;
    const home = dirname(location);
    const entries = ctx.tree.entries;
    if (!entries.has(under(home, 'bin/java')) && !entries.has(under(home, 'lib/modules'))) continue;
    const metadata: Record<string, string> = {};
    for (const [key, field] of METADATA) {
      const v = value.fields.get(field);
      if (v) metadata[key] = v;
    }
    packages.push(
      runtimePackage(
        'java',
        value.version,
        home,
        { path: location, layer },
        treesUnder(ctx.tree, home, ['']),
        metadata,
      ),
    );
  }
  return { packages, problems };
}

export const javaRuntimeCataloger: Cataloger = {
  id: 'runtime-java',
  ecosystem: 'runtime',
  globs: javaGlobs,
  stateGlobs: [],
  catalog: catalogJava,
};
