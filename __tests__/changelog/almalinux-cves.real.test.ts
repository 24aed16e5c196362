import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareImages } from '../../src/scan/compare-images.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import type { Changes } from '../../src/diff/types.js';
import { commandExists, rpmAt } from '../helpers/rpm-truth.js';
import { hasSharedFixtures, sharedFixtures } from '../world/world.js';

/**
 * The AlmaLinux 9.2 -> 9.3 pair against rpm itself: for every upgraded package, the CVE ids in the
 * changelog entries `rpm -q --changelog` shows for the new package and not for the old one (on copies
 * of both databases) must be exactly the ids the report names.
 */
const ready = hasSharedFixtures && commandExists('rpm');
if (!ready)
  console.warn(`skipping the AlmaLinux changelog tier: ${sharedFixtures} or Debian's rpm is absent`);

const image = (name: string) => `oci-archive:${join(sharedFixtures, 'images', name)}`;
const rootfs = (name: string) => join(sharedFixtures, 'rootfs', name);
const CVE = /CVE-\d{4}-\d{4,}/gi;

/** `rpm -q --changelog NAME`'s entries, one string each (time, author, text), as rpm prints them. */
function rpmChangelog(dbpath: string, name: string): string[] {
  const out = rpmAt(dbpath, 'sqlite', [
    '-q',
    '--qf',
    '[%{CHANGELOGTIME}\x1f%{CHANGELOGNAME}\x1f%{CHANGELOGTEXT}\x1e]',
    name,
  ]);
  return out.split('\x1e').filter((e) => e !== '');
}

describe.skipIf(!ready)('package changelogs of AlmaLinux 9.2 -> 9.3 (rpm header tags)', () => {
  let dir: string;
  let changes: Changes;
  const db = (v: string) => join(dir, v, 'var', 'lib', 'rpm');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'i15-rpmdb-'));
    for (const [v, tarball] of [
      ['92', 'almalinux-9.2-micro-aarch64.tar.xz'],
      ['93', 'almalinux-9.3-micro-aarch64.tar.xz'],
    ] as const) {
      execFileSync('mkdir', ['-p', join(dir, v)]);
      execFileSync('tar', ['-xaf', rootfs(tarball), '-C', join(dir, v), 'var/lib/rpm']);
    }
    ({ changes } = await compareImages(
      image('almalinux-9.2-micro-arm64.oci.tar'),
      image('almalinux-9.3-micro-arm64.oci.tar'),
      { exclude: [], defaultExcludes: true, depth: 2 },
    ));
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names, per upgraded package, exactly the CVEs of the entries rpm shows for the new package and not the old', () => {
    const upgraded = changes.packages.filter((p) => p.kind === 'upgraded');
    expect(upgraded.length).toBe(10);
    for (const p of upgraded) {
      const old = new Set(rpmChangelog(db('92'), p.name));
      const fresh = rpmChangelog(db('93'), p.name).filter((e) => !old.has(e));
      const truth = [...new Set(fresh.join('\n').match(CVE) ?? [])].map((id) => id.toUpperCase()).sort();
      expect([...(p.changelog?.cves ?? [])].sort(), p.name).toEqual(truth);
      expect(p.changelog?.entries.length, p.name).toBe(fresh.length);
      expect(p.changelog?.incomplete, p.name).toBeUndefined();
    }
  });

  it('counts the seven CVEs of the pair once each, and no other', () => {
    const all = new Set<string>();
    for (const p of changes.packages) {
      const old = new Set(rpmChangelog(db('92'), p.name));
      for (const e of rpmChangelog(db('93'), p.name).filter((x) => !old.has(x)))
        for (const id of e.match(CVE) ?? []) all.add(id.toUpperCase());
    }
    expect(changes.security?.fixed.map((m) => m.id).sort()).toEqual([...all].sort());
    expect(all.size).toBe(7);
  });

  it('names CVE-2023-4911 on the first screen of the comment, before any folded section', () => {
    const comment = renderMarkdown(changes, { surface: 'comment' });
    const firstScreen = comment.slice(0, comment.indexOf('<details'));
    expect(firstScreen).toContain('`CVE-2023-4911`');
    expect(firstScreen).toMatch(/7 CVEs fixed/);
    expect(changes.security?.fixed[0]?.id).toBe('CVE-2023-4911');
  });
});
