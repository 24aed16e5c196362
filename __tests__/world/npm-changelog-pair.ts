import { join } from 'node:path';
import { repoRoot } from './world.js';
import { buildOnce } from './build-once.js';

/**
 * The npm pair of the language-package changelog tests (see build-npm-changelog-pair.sh): an app
 * folder npm installed from the npm registry, axios and express in an old and a new version. Built
 * once, cached in .cache/npm-changelog-pair and rebuilt when the script changes.
 */
export const npmChangelogPairDir = join(repoRoot, '.cache', 'npm-changelog-pair');
const script = join(repoRoot, '__tests__', 'world', 'build-npm-changelog-pair.sh');

export const npmChangelogPair = {
  ref: (tag: 'old' | 'new') => `oci:${join(npmChangelogPairDir, 'layout')}:${tag}`,
  rootfs: (tag: 'old' | 'new') => join(npmChangelogPairDir, 'unpacked', tag, 'rootfs'),
};

export function ensureNpmChangelogPair(): void {
  buildOnce(script, npmChangelogPairDir, 'the npm changelog pair');
}
