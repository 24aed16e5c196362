import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareImages } from '../../src/scan/compare-images.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import type { Changes } from '../../src/diff/types.js';
import { changelogPair, ensureChangelogPair } from '../world/changelog-pair.js';

/**
 * bookworm's release pocket against bookworm + updates + security (curl and openssl installed, every
 * changelog kept), against Debian's own tools: for every upgraded package, the CVE ids the report
 * names equal those in `dpkg-parsechangelog --since OLD` of the new image's changelog.Debian.gz
 * (and of its binNMU changelog.Debian.<arch>.gz, when the new package has one), or of changelog.gz
 * for a Debian-native package (apt), which has no changelog.Debian.gz.
 */
const CVE = /CVE-\d{4}-\d{4,}/gi;

function installed(tag: 'old' | 'new'): Map<string, { version: string; arch: string }> {
  const out = execFileSync(
    'dpkg-query',
    [
      `--admindir=${join(changelogPair.rootfs(tag), 'var/lib/dpkg')}`,
      '-W',
      '-f',
      '${Package}\\t${Version}\\t${Architecture}\\n',
    ],
    { encoding: 'utf8' },
  );
  return new Map(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [name = '', version = '', arch = ''] = l.split('\t');
        return [name, { version, arch }];
      }),
  );
}

/** `dpkg-parsechangelog --since` over the new image's changelog files of one package. */
function truthCves(name: string, arch: string, since: string): string[] {
  const root = changelogPair.rootfs('new');
  const doc = realpathSync(join(root, 'usr/share/doc', name));
  const ids = new Set<string>();
  const native = !existsSync(join(doc, 'changelog.Debian.gz'));
  for (const file of [`changelog.Debian.${arch}.gz`, native ? 'changelog.gz' : 'changelog.Debian.gz']) {
    const path = join(doc, file);
    if (!existsSync(path)) continue;
    const changes = execFileSync('dpkg-parsechangelog', ['-l', path, '--since', since, '-S', 'Changes'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    for (const id of changes.match(CVE) ?? []) ids.add(id.toUpperCase());
  }
  return [...ids].sort();
}

describe('package changelogs of a Debian pair (bookworm release pocket -> updates + security)', () => {
  let changes: Changes;
  beforeAll(async () => {
    ensureChangelogPair();
    ({ changes } = await compareImages(changelogPair.ref('old'), changelogPair.ref('new'), {
      exclude: [],
      defaultExcludes: true,
      depth: 2,
    }));
  }, 900_000);

  it('names, per upgraded package, exactly the CVEs dpkg-parsechangelog --since OLD gives', () => {
    const before = installed('old');
    const after = installed('new');
    const upgraded = [...after].filter(
      ([name, a]) => before.has(name) && before.get(name)!.version !== a.version,
    );
    expect(upgraded.length).toBeGreaterThan(5);
    expect(upgraded.map(([n]) => n)).toContain('openssl');
    const all = new Set<string>();
    for (const [name, { arch }] of upgraded) {
      const change = changes.packages.find((p) => p.name === name && p.kind === 'upgraded');
      expect(change, name).toBeDefined();
      const truth = truthCves(name, arch, before.get(name)!.version);
      truth.forEach((id) => all.add(id));
      expect([...(change?.changelog?.cves ?? [])].sort(), name).toEqual(truth);
      expect(change?.changelog?.incomplete, name).toBeUndefined();
    }
    expect(all.size).toBeGreaterThan(0);
    expect(changes.security?.fixed.map((m) => m.id).sort()).toEqual([...all].sort());
  });

  it("reads a Debian-native package's changelog.gz (apt has no changelog.Debian.gz)", () => {
    const apt = changes.packages.find((p) => p.name === 'apt' && p.kind === 'upgraded');
    expect(apt, 'apt is upgraded in this pair').toBeDefined();
    expect(apt?.changelog?.source).toBe('usr/share/doc/apt/changelog.gz');
    expect(apt?.changelog?.entries.length).toBeGreaterThan(0);
    expect(apt?.changelog?.entries[0]?.version).toBe(installed('new').get('apt')?.version);
  });

  it('labels updates from the security pocket, CVEs or not', () => {
    const openssl = changes.packages.find((p) => p.name === 'openssl');
    expect(openssl?.changelog?.security).toBe(true);
    expect(openssl?.changelog?.entries.every((e) => e.distribution === 'bookworm-security')).toBe(true);
    expect(openssl?.changelog?.source).toBe('usr/share/doc/openssl/changelog.Debian.gz');
  });

  it('says on the first screen how many CVEs the upgrades fix', () => {
    const md = renderMarkdown(changes, { surface: 'comment' });
    const first = md.slice(0, md.indexOf('<details'));
    expect(first).toContain(`**${changes.security?.fixed.length} CVEs fixed**`);
  });
});
