import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './world.js';

/**
 * The Debian pair of the changelog tests (see build-changelog-pair.sh): bookworm's release pocket
 * against bookworm + updates + security, curl and openssl installed, changelogs kept. Built once,
 * cached in .cache/changelog-pair and rebuilt when the script changes.
 */
export const changelogPairDir = join(repoRoot, '.cache', 'changelog-pair');
const script = join(repoRoot, '__tests__', 'world', 'build-changelog-pair.sh');

export const changelogPair = {
  ref: (tag: 'old' | 'new') => `oci:${join(changelogPairDir, 'layout')}:${tag}`,
  rootfs: (tag: 'old' | 'new') => join(changelogPairDir, 'unpacked', tag, 'rootfs'),
};

export function ensureChangelogPair(): void {
  const stamp = join(changelogPairDir, '.complete');
  const want = createHash('sha256').update(readFileSync(script)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return;
  process.stderr.write('building the Debian changelog pair (once; cached in .cache/changelog-pair)...\n');
  execFileSync('bash', [script, changelogPairDir], { stdio: ['ignore', 'inherit', 'inherit'] });
  writeFileSync(stamp, `${want}\n`);
}
