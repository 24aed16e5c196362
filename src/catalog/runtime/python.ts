import type { Cataloger, CatalogContext, CatalogResult, Package, Problem } from '../types.js';
import { basename, dirname, parseFiles, pathsUnder } from '../lang/tree-paths.js';
import { cDefine, existing, runtimePackage, treesUnder, under } from './runtime-package.js';

/**
 * CPython built from source (the official `python` images build it into `/usr/local`):
 * `<prefix>/include/pythonX.Y[abiflags]/patchlevel.h` states `PY_VERSION`. The runtime owns its headers,
 * its standard library `lib/pythonX.Y/` (except `site-packages`: those are Python packages), its
 * interpreter and tools (`bin/pythonX.Y`, `pydocX.Y`, `idleX.Y`, `pythonX.Y-config`, the unversioned
 * links to them), `libpythonX.Y*`, its pkg-config files and man page.
 */
export const pythonGlobs = ['**/include/python[23].*/patchlevel.h'] as const;

export function parsePatchlevel(text: string): string {
  const version = cDefine(text, 'PY_VERSION');
  if (!version || !/^\d+\.\d+/.test(version)) throw new Error('no PY_VERSION define');
  return version;
}

export function catalogPython(ctx: CatalogContext): CatalogResult {
  const problems: Problem[] = [];
  const packages: Package[] = [];
  for (const { location, layer, value: version } of parseFiles(
    ctx.files,
    parsePatchlevel,
    { code: 'RUNTIME_RECORD_INVALID', what: 'patchlevel.h' },
    problems,
  )) {
    const include = dirname(location);
    const prefix = dirname(dirname(include));
    const xy = /^(\d+\.\d+)/.exec(version)?.[1] ?? '';
    const versioned = [
      ...['python', 'pydoc', 'idle'].map((t) => `bin/${t}${xy}`),
      `bin/2to3-${xy}`,
      `bin/python${xy}-config`,
      `lib/pkgconfig/python-${xy}.pc`,
      `lib/pkgconfig/python-${xy}-embed.pc`,
      `share/man/man1/python${xy}.1`,
    ];
    const major = xy.split('.')[0] ?? '3';
    const links = [
      ...['python', 'pydoc', 'idle'].map((t) => `bin/${t}${major}`),
      'bin/python',
      `bin/python${major}-config`,
      'bin/2to3',
      `lib/pkgconfig/python${major}.pc`,
      `lib/pkgconfig/python${major}-embed.pc`,
      `share/man/man1/python${major}.1`,
    ];
    const libDir = under(prefix, 'lib');
    const libs = pathsUnder(ctx.tree, libDir).filter(
      (p) =>
        dirname(p) === libDir &&
        basename(p).startsWith(`libpython${xy}`) &&
        ctx.tree.entries.get(p)?.type !== 'dir',
    );
    const files = [
      ...treesUnder(ctx.tree, prefix, [`include/${basename(include)}`]),
      ...treesUnder(ctx.tree, prefix, [`lib/python${xy}`], (rel) => /^(site|dist)-packages\//.test(rel)),
      existing(ctx.tree, prefix, [...versioned, ...links]),
      libs.map((path) => ({ path })),
    ];
    packages.push(runtimePackage('python', version, prefix, { path: location, layer }, files));
  }
  return { packages, problems };
}

export const pythonRuntimeCataloger: Cataloger = {
  id: 'runtime-python',
  ecosystem: 'runtime',
  globs: pythonGlobs,
  stateGlobs: [],
  catalog: catalogPython,
};
