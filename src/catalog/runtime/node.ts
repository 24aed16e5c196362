import { entriesWithProbe } from '../../layers/squash.js';
import type { Cataloger, CatalogContext, CatalogResult, Package, Problem } from '../types.js';
import { BINARY_IDENTITY_PROBE_ID, type BinaryIdentity } from '../probes/binary-identity.js';
import { dirname, parseFiles } from '../lang/tree-paths.js';
import { cDefine, existing, runtimePackage, treesUnder } from './runtime-package.js';

/**
 * Node.js installed from a release tree (the official `node` images extract it into `/usr/local`):
 * `<prefix>/include/node/node_version.h` states the version (NODE_MAJOR/MINOR/PATCH_VERSION, and
 * NODE_VERSION_IS_RELEASE 0 for a pre-release). Trees without headers (distroless `nodejs/bin/node`) are
 * named by the version the `node` binary carries (its release URL, read by the binary-identity probe).
 * The runtime owns the binary, the headers, its docs, man page and systemtap tapset, and the `npm`,
 * `npx` and `corepack` links into `lib/node_modules` (npm and corepack themselves are npm packages).
 */
export const nodeGlobs = ['**/include/node/node_version.h'] as const;

const OWNED = [
  'bin/node',
  'bin/npm',
  'bin/npx',
  'bin/corepack',
  'share/man/man1/node.1',
  'share/systemtap/tapset/node.stp',
];

export function parseNodeVersionHeader(text: string): string {
  const [major, minor, patch] = ['MAJOR', 'MINOR', 'PATCH'].map((k) => cDefine(text, `NODE_${k}_VERSION`));
  if (!major || !minor || !patch || ![major, minor, patch].every((n) => /^\d+$/.test(n)))
    throw new Error('no NODE_MAJOR/MINOR/PATCH_VERSION defines');
  const release = cDefine(text, 'NODE_VERSION_IS_RELEASE');
  return `${major}.${minor}.${patch}${release === '0' ? '-pre' : ''}`;
}

export function catalogNode(ctx: CatalogContext): CatalogResult {
  const problems: Problem[] = [];
  const byPrefix = new Map<string, Package>();
  for (const { location, layer, value: version } of parseFiles(
    ctx.files,
    parseNodeVersionHeader,
    { code: 'RUNTIME_RECORD_INVALID', what: 'node_version.h' },
    problems,
  )) {
    const prefix = dirname(dirname(dirname(location)));
    const files = [
      ...treesUnder(ctx.tree, prefix, ['include/node', 'share/doc/node']),
      existing(ctx.tree, prefix, OWNED),
    ];
    byPrefix.set(prefix, runtimePackage('node', version, prefix, { path: location, layer }, files));
  }
  // The binary's own version: a second witness where headers exist, the only one where they do not.
  for (const entry of entriesWithProbe(ctx.tree, BINARY_IDENTITY_PROBE_ID)) {
    const id = entry.probes?.[BINARY_IDENTITY_PROBE_ID] as BinaryIdentity | undefined;
    if (typeof id?.node !== 'string' || !/(^|\/)bin\/node(js)?$/.test(entry.path)) continue;
    const prefix = dirname(dirname(entry.path));
    const known = byPrefix.get(prefix);
    if (known) {
      known.metadata = { ...known.metadata, binaryVersion: id.node };
      if (id.node !== known.version)
        problems.push({
          code: 'RUNTIME_VERSION_MISMATCH',
          path: entry.path,
          layer: entry.layer,
          message: `node binary says ${id.node}, ${known.metadata?.versionFile ?? prefix} says ${known.version}`,
        });
      continue;
    }
    const files = [existing(ctx.tree, prefix, OWNED)];
    byPrefix.set(prefix, runtimePackage('node', id.node, prefix, entry, files));
  }
  return { packages: [...byPrefix.values()], problems };
}

export const nodeRuntimeCataloger: Cataloger = {
  id: 'runtime-node',
  ecosystem: 'runtime',
  globs: nodeGlobs,
  stateGlobs: [],
  catalog: catalogNode,
};
