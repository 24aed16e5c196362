import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasSharedFixtures, sharedFixtures } from '../world/world.js';
import { compareImages } from '../../src/scan/compare-images.js';
import { evaluatePolicy } from '../../src/policy/evaluate.js';
import { RECOMMENDED_POLICY } from '../../src/policy/recommended.js';

/**
 * The recommended policy over real distribution updates: a plain version update (new packages from
 * the distribution, nothing else) must give no stop and no warn.
 */
if (!hasSharedFixtures) console.warn(`recommended.real: skipped, ${sharedFixtures} is absent`);

const image = (file: string): string => `oci-archive:${join(sharedFixtures, 'images', file)}`;
const NOW = new Date('2026-06-01T00:00:00Z');

const PLAIN_UPDATES = [
  ['alpine 3.19.4 → 3.20.3', 'alpine-3.19.4.oci.tar', 'alpine-3.20.3.oci.tar'],
  ['almalinux 9.2 → 9.3 (arm64)', 'almalinux-9.2-micro-arm64.oci.tar', 'almalinux-9.3-micro-arm64.oci.tar'],
  ['almalinux 8.8 → 8.9 (s390x)', 'almalinux-8.8-micro-s390x.oci.tar', 'almalinux-8.9-micro-s390x.oci.tar'],
] as const;

describe.skipIf(!hasSharedFixtures)('recommended policy over real distribution updates', () => {
  it.each(PLAIN_UPDATES)('passes with no stop or warn on %s', async (_name, previous, current) => {
    const { changes, after } = await compareImages(
      image(previous),
      image(current),
      { exclude: [], defaultExcludes: true, depth: 2 },
      {},
    );
    // Not vacuous: a newer release of the same distribution, with many packages upgraded.
    expect(changes.before?.os?.id).toBe(after.os?.id);
    expect(changes.before?.os?.versionId).not.toBe(after.os?.versionId);
    expect(changes.packages.filter((p) => p.kind === 'upgraded').length).toBeGreaterThan(5);
    const verdict = evaluatePolicy(RECOMMENDED_POLICY, changes, after, NOW);
    expect(verdict.violations.map((v) => `${v.action} ${v.rule} ${v.subject}`)).toEqual([]);
    expect(verdict.result).toBe('pass');
  });

  it('warns only on the new port of the layered Alpine update (user 65534, port 8080, env APP_MODE)', async () => {
    const { changes, after } = await compareImages(
      image('alpine-3.19.4.oci.tar'),
      image('alpine-3.19.4-to-3.20.3.oci.tar'),
      { exclude: [], defaultExcludes: true, depth: 2 },
      {},
    );
    const verdict = evaluatePolicy(RECOMMENDED_POLICY, changes, after, NOW);
    expect(verdict.violations.map((v) => [v.action, v.rule, v.subject])).toEqual([
      ['warn', 'new-exposed-port', 'port:8080/tcp'],
    ]);
  });
});
