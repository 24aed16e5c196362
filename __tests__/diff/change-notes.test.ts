import { describe, expect, it } from 'vitest';
import type { ChangelogEntry, Package } from '../../src/catalog/types.js';
import { diffPackages } from '../../src/diff/packages.js';
import { summarizeSecurity } from '../../src/diff/security-summary.js';

const pkg = (over: Partial<Package> & Pick<Package, 'ecosystem' | 'name' | 'version'>): Package => ({
  location: 'db',
  layer: 0,
  files: [],
  ...over,
});
const rpmEntry = (time: number, version: string, text: string): ChangelogEntry => ({
  time,
  author: `Packager <p@example.org> - ${version}`,
  version,
  text,
});
const debEntry = (version: string, text: string, distribution = 'bookworm'): ChangelogEntry => ({
  version,
  distribution,
  text,
});
const rpmLog = (...entries: ChangelogEntry[]) => ({
  format: 'rpm' as const,
  path: 'var/lib/rpm/rpmdb.sqlite',
  entries,
});
const debLog = (...entries: ChangelogEntry[]) => ({
  format: 'debian' as const,
  path: 'usr/share/doc/openssl/changelog.Debian.gz',
  entries,
});

describe('change notes', () => {
  it('rpm: the entries of the new header that the old header does not have, with their CVEs and ids', () => {
    const shared = rpmEntry(100, '1.0-1', '- old fix (CVE-2020-0001)');
    const [change] = diffPackages(
      [pkg({ ecosystem: 'rpm', name: 'glibc', version: '1.0-1', changelog: rpmLog(shared) })],
      [
        pkg({
          ecosystem: 'rpm',
          name: 'glibc',
          version: '1.0-3',
          changelog: rpmLog(
            rpmEntry(300, '1.0-3', '- CVE-2023-4911 glibc: buffer overflow in ld.so (RHEL-3000)'),
            rpmEntry(200, '1.0-2', '- Fix tuning (#2213907)'),
            shared,
          ),
        }),
      ],
    );
    expect(change?.changelog).toMatchObject({
      cves: ['CVE-2023-4911'],
      advisories: ['RHEL-3000', 'rhbz#2213907'],
      security: true,
      source: 'var/lib/rpm/rpmdb.sqlite',
    });
    expect(change?.changelog?.entries.map((e) => e.version)).toEqual(['1.0-3', '1.0-2']);
  });

  it('rpm: falls back to the newest old entry time when the two changelogs share no entry', () => {
    const [change] = diffPackages(
      [pkg({ ecosystem: 'rpm', name: 'x', version: '1-1', changelog: rpmLog(rpmEntry(100, '1-1', '- a')) })],
      [
        pkg({
          ecosystem: 'rpm',
          name: 'x',
          version: '1-2',
          changelog: rpmLog(rpmEntry(200, '1-2', '- b (CVE-2024-1111)'), rpmEntry(90, '1-0', '- rewritten')),
        }),
      ],
    );
    expect(change?.changelog?.entries.map((e) => e.text)).toEqual(['- b (CVE-2024-1111)']);
  });

  it('dpkg: the entries after the old version (dpkg-parsechangelog --since), a security pocket labelled', () => {
    const [change] = diffPackages(
      [pkg({ ecosystem: 'dpkg', name: 'libbrotli1', version: '1.0.9-2+b6' })],
      [
        pkg({
          ecosystem: 'dpkg',
          name: 'libbrotli1',
          version: '1.0.9-2+deb12u1',
          changelog: debLog(
            debEntry('1.0.9-2+deb12u1', '  * Non-maintainer upload by the LTS Team.', 'bookworm-security'),
            debEntry('1.0.9-2', '  * Team upload (Closes: #969561)'),
          ),
        }),
      ],
    );
    expect(change?.changelog).toMatchObject({ cves: [], security: true, advisories: [] });
    expect(change?.changelog?.entries.map((e) => e.version)).toEqual(['1.0.9-2+deb12u1']);
  });

  it('dpkg: stops at the old version itself when the changelog names it', () => {
    const log = debLog(
      debEntry('3.0.15-1', '  * CVE-2024-9143'),
      debEntry('3.0.14-1', '  * CVE-2024-5535'),
      debEntry('3.0.13-1', '  * CVE-2024-0001'),
    );
    const [change] = diffPackages(
      [pkg({ ecosystem: 'dpkg', name: 'openssl', version: '3.0.14-1' })],
      [pkg({ ecosystem: 'dpkg', name: 'openssl', version: '3.0.15-1', changelog: log })],
    );
    expect(change?.changelog?.cves).toEqual(['CVE-2024-9143']);
  });

  it('a downgrade names the entries and CVEs it undoes, from the old image’s changelog', () => {
    const log = debLog(
      debEntry('3.0.15-1', '  * Fix CVE-2024-9143 (heap buffer overflow)'),
      debEntry('3.0.14-1', '  * x'),
    );
    const changes = diffPackages(
      [pkg({ ecosystem: 'dpkg', name: 'openssl', version: '3.0.15-1', changelog: log })],
      [pkg({ ecosystem: 'dpkg', name: 'openssl', version: '3.0.14-1' })],
    );
    expect(changes[0]?.kind).toBe('downgraded');
    expect(changes[0]?.changelog?.cves).toEqual(['CVE-2024-9143']);
    const summary = summarizeSecurity(changes);
    expect(summary.fixed).toEqual([]);
    expect(summary.reopened.map((m) => [m.id, m.packages, m.impact])).toEqual([
      ['CVE-2024-9143', ['openssl'], 3],
    ]);
  });

  it('marks entries incomplete when the kept head of a changelog never reaches the old version', () => {
    const log = { ...debLog(debEntry('2.0-3', '  * c'), debEntry('2.0-2', '  * b')), truncated: true };
    const [change] = diffPackages(
      [pkg({ ecosystem: 'dpkg', name: 'x', version: '1.0-1' })],
      [pkg({ ecosystem: 'dpkg', name: 'x', version: '2.0-3', changelog: log })],
    );
    expect(change?.changelog).toMatchObject({ incomplete: true });
    expect(change?.changelog?.entries.length).toBe(2);
  });

  it('without a changelog: says why and links the public changelog (Debian) or the aports commits (apk)', () => {
    const os = { id: 'debian', versionId: '12', path: 'etc/os-release' };
    const [deb] = diffPackages(
      [pkg({ ecosystem: 'dpkg', name: 'libssl3', version: '3.0.14-1' })],
      [
        pkg({
          ecosystem: 'dpkg',
          name: 'libssl3',
          version: '3.0.15-1',
          source: { name: 'openssl', version: '3.0.15-1' },
        }),
      ],
      { afterOs: os },
    );
    expect(deb?.changelog?.missing).toMatch(/no changelog in the image/);
    expect(deb?.changelog?.link).toBe(
      'https://metadata.ftp-master.debian.org/changelogs/main/o/openssl/openssl_3.0.15-1_changelog',
    );
    const [apk] = diffPackages(
      [pkg({ ecosystem: 'apk', name: 'musl', version: '1.2.4-r2', metadata: { commit: 'aaaaaaa1' } })],
      [pkg({ ecosystem: 'apk', name: 'musl', version: '1.2.5-r0', metadata: { commit: 'bbbbbbb2' } })],
    );
    expect(apk?.changelog?.link).toBe(
      'https://gitlab.alpinelinux.org/alpine/aports/-/compare/aaaaaaa1...bbbbbbb2',
    );
  });
});
