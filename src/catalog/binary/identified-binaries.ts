import type { FileTree, TreeEntry } from '../../layers/types.js';
import { entriesWithProbe } from '../../layers/squash.js';
import { BINARY_IDENTITY_PROBE_ID, type BinaryIdentity } from '../probes/binary-identity.js';

/**
 * Regular files the binary-identity probe found something in, sorted by path. Hardlinks carry their
 * target's probe results after squash; they are the same binary, so they are left to their target.
 */
export function identifiedBinaries(tree: FileTree): Array<{ entry: TreeEntry; id: BinaryIdentity }> {
  const out: Array<{ entry: TreeEntry; id: BinaryIdentity }> = [];
  for (const entry of entriesWithProbe(tree, BINARY_IDENTITY_PROBE_ID)) {
    if (entry.type !== 'file') continue;
    const id = entry.probes?.[BINARY_IDENTITY_PROBE_ID];
    if (typeof id === 'object' && id !== null) out.push({ entry, id: id });
  }
  return out;
}
