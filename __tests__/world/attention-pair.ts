import { join } from 'node:path';
import { repoRoot } from './world.js';
import { buildOnce } from './build-once.js';

/**
 * The Debian pair of the Attention tests (see build-attention-pair.sh): bookworm minbase against a
 * layer that installs ca-certificates, libcap2-bin and mksh, gives a file a capability with setcap,
 * adds a user with a password hash, removes another, and points the entrypoint at a missing file.
 * Built once, cached in .cache/attention-pair and rebuilt when the script changes.
 */
export const attentionPairDir = join(repoRoot, '.cache', 'attention-pair');
const script = join(repoRoot, '__tests__', 'world', 'build-attention-pair.sh');

export const attentionPair = {
  ref: (tag: 'old' | 'new') => `oci:${join(attentionPairDir, 'layout')}:${tag}`,
};

export function ensureAttentionPair(): void {
  buildOnce(script, attentionPairDir, 'the Debian Attention pair');
}
