import type { FileTree } from '../../layers/types.js';
import { entriesWithProbe, typeAt } from '../../layers/squash.js';
import type { Cataloger, CatalogContext, CatalogResult, OwnedFile, Package, Problem } from '../types.js';
import { BINARY_IDENTITY_PROBE_ID, type BinaryIdentity } from '../probes/binary-identity.js';
import { basename, dirname, parseFiles, pathsUnder } from '../lang/tree-paths.js';
import { cDefine, existing, runtimePackage, treesUnder, under } from './runtime-package.js';

/**
 * CPython built from source (the official `python` images build it into `/usr/local`):
 * `<prefix>/include/pythonX.Y[abiflags]/patchlevel.h` states `PY_VERSION`. The runtime owns its headers,
 * its standard library `lib/pythonX.Y/` (except `site-packages`: those are Python packages), its
 * interpreter and tools (`bin/pythonX.Y`, `pydocX.Y`, `idleX.Y`, `pythonX.Y-config`, the unversioned
 * links to them), `libpythonX.Y*`, its pkg-config files and man page. Slim images delete the headers:
 * there the interpreter's own `PY_VERSION` (read from `bin/pythonX.Y` or `lib/libpythonX.Y*.so*` by the
 * binary-identity probe) names the runtime, provided its standard library `lib/pythonX.Y/os.py` is
 * beside it; where both exist the binary is a second witness and a disagreement is a problem.
 */
export const pythonGlobs = ['**/include/python[23].*/patchlevel.h'] as const;

export function parsePatchlevel(text: string): string {
  const version = cDefine(text, 'PY_VERSION');
  if (!version || !/^\d+\.\d+/.test(version)) throw new Error('no PY_VERSION define');
  return version;
}

/** The files a CPython installation under `prefix` owns (headers included when `include` names them). */
function pythonFiles(tree: FileTree, prefix: string, xy: string, include: string | undefined): OwnedFile[][] {
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
  const libs = pathsUnder(tree, libDir).filter(
    (p) => dirname(p) === libDir && basename(p).startsWith(`libpython${xy}`) && typeAt(tree, p) !== 'dir',
  );
  return [
    ...(include !== undefined ? treesUnder(tree, prefix, [`include/${include}`]) : []),
    ...treesUnder(tree, prefix, [`lib/python${xy}`], (rel) => /^(site|dist)-packages\//.test(rel)),
    existing(tree, prefix, [...versioned, ...links]),
    libs.map((path) => ({ path })),
  ];
}

const PYTHON_BINARY =
  /^(?:(.*)\/)?(?:bin\/python(\d+\.\d+)|lib(?:64)?\/libpython(\d+\.\d+)[a-z]*\.so(?:\.[0-9.]+)?)$/;

export function catalogPython(ctx: CatalogContext): CatalogResult {
  const problems: Problem[] = [];
  const byPrefix = new Map<string, Package>();
  for (const { location, layer, value: version } of parseFiles(
    ctx.files,
    parsePatchlevel,
    { code: 'RUNTIME_RECORD_INVALID', what: 'patchlevel.h' },
    problems,
  )) {
    const include = dirname(location);
    const prefix = dirname(dirname(include));
    const xy = /^(\d+\.\d+)/.exec(version)?.[1] ?? '';
    const files = pythonFiles(ctx.tree, prefix, xy, basename(include));
    byPrefix.set(prefix, runtimePackage('python', version, prefix, { path: location, layer }, files));
  }
  // The interpreter's own PY_VERSION: the only record left where the headers were deleted. Regular
  // files only (a hardlink carries its target's probe result and would name the runtime again).
  const binaries = entriesWithProbe(ctx.tree, BINARY_IDENTITY_PROBE_ID).filter(
    (e) => e.type === 'file' && PYTHON_BINARY.test(e.path),
  );
  for (const entry of binaries) {
    const said = (entry.probes?.[BINARY_IDENTITY_PROBE_ID] as BinaryIdentity | undefined)?.python;
    if (typeof said !== 'string') continue;
    const m = PYTHON_BINARY.exec(entry.path)!;
    const prefix = m[1] ?? '';
    const xy = m[2] ?? m[3] ?? '';
    if (!said.startsWith(`${xy}.`)) continue;
    const known = byPrefix.get(prefix);
    if (known) {
      if (known.metadata?.binaryVersion !== undefined) continue;
      known.metadata = { ...known.metadata, binaryVersion: said };
      if (said !== known.version)
        problems.push({
          code: 'RUNTIME_VERSION_MISMATCH',
          path: entry.path,
          layer: entry.layer,
          message: `${entry.path} says ${said}, ${known.metadata.versionFile ?? prefix} says ${known.version}`,
        });
      continue;
    }
    // A python binary alone is not an installation: its standard library must be beside it.
    if (ctx.tree.entries.get(under(prefix, `lib/python${xy}/os.py`))?.type !== 'file') continue;
    const files = pythonFiles(ctx.tree, prefix, xy, undefined);
    byPrefix.set(prefix, runtimePackage('python', said, prefix, entry, files));
  }
  return { packages: [...byPrefix.values()], problems };
}

export const pythonRuntimeCataloger: Cataloger = {
  id: 'runtime-python',
  ecosystem: 'runtime',
  globs: pythonGlobs,
  stateGlobs: [],
  catalog: catalogPython,
};
