import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildChangelog, inspect } from '../../src/core/index.js';
import { hasSharedFixtures, sharedFixtures } from '../world/world.js';

if (!hasSharedFixtures) console.warn(`skipping the busybox fixtures: ${sharedFixtures} is absent`);

const image = (name: string) =>
  `oci-archive:${join(sharedFixtures, 'images', `busybox-glibc-${name}.oci.tar`)}`;

/** The version the busybox binary itself prints, run inside its own root filesystem. */
function busyboxSays(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'busybox-'));
  try {
    execFileSync('tar', ['-xzf', join(sharedFixtures, 'rootfs', `busybox-glibc-${name}.tar.gz`), '-C', dir]);
    const out = execFileSync('chroot', [dir, '/bin/busybox'], { encoding: 'utf8' });
    return /^BusyBox v(\S+)/.exec(out)?.[1] ?? out.split('\n')[0]!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!hasSharedFixtures)('busybox images (no package database)', () => {
  it('names busybox with the version the binary prints, and owns its ~400 links', async () => {
    for (const name of ['latest-1', 'latest']) {
      const inv = await inspect(image(name));
      const bb = inv.packages.filter((p) => p.name === 'busybox');
      expect(bb.map((p) => [p.ecosystem, p.version, p.location])).toEqual([
        ['binary', busyboxSays(name), 'bin/busybox'],
      ]);
      expect(bb[0]!.files.length).toBeGreaterThan(300);
      const loose = [...inv.files].filter(
        (f) => f.type !== 'dir' && f.ownership === 'none' && f.path.startsWith('bin/'),
      );
      expect(loose.map((f) => f.path)).toEqual(['bin/getconf']);
    }
  });

  it('reads the pair as busybox 1.37.0 -> 1.38.0', async () => {
    const { changes } = await buildChangelog({ image: image('latest'), previous: image('latest-1') });
    expect(busyboxSays('latest-1')).toBe('1.37.0');
    expect(busyboxSays('latest')).toBe('1.38.0');
    expect(
      changes.packages.map((p) => [p.kind, p.ecosystem, p.name, p.before?.version, p.after?.version, p.bump]),
    ).toEqual([['upgraded', 'binary', 'busybox', '1.37.0', '1.38.0', 'minor']]);
  });
});
