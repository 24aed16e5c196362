import { join } from 'node:path';
import { repoRoot } from './world.js';
import { buildOnce } from './build-once.js';

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
  buildOnce(script, changelogPairDir, 'the Debian changelog pair');
}
