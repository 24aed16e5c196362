import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './world.js';

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
  const stamp = join(attentionPairDir, '.complete');
  const want = createHash('sha256').update(readFileSync(script)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return;
  process.stderr.write('building the Debian Attention pair (once; cached in .cache/attention-pair)...\n');
  execFileSync('bash', [script, attentionPairDir], { stdio: ['ignore', 'inherit', 'inherit'] });
  writeFileSync(stamp, `${want}\n`);
}
