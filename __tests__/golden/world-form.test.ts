import { describe, expect, it } from 'vitest';
import { FOLDED, worldForm, type ArchiveFacts } from './world-form.js';

const facts: ArchiveFacts = { moved: ['dpkg', 'perl'], versions: ['1.21.22', '1.22.21', '7.88.1-10+deb12u15'] };

/** Two renderings of the same build script's world, from two builds a week apart. */
const monday = [
  '**34 packages changed** (16 upgraded, 16 added, 1 removed)',
  '🔒 **19 CVEs fixed** by the upgrades; most notable: `CVE-2026-48962` in `perl`',
  '| Digest | `sha256:3aa9b206dbca` | `sha256:5082d3553367` | |',
  '| Size (compressed) | 63.6 MB | 89.2 MB | +25.7 MB (+40.4%) |',
  '| `dpkg` (dpkg, amd64) | `1.21.22` | `1.22.21` | minor | 12 |',
  '| `perl` (dpkg, amd64) | `5.36.0-7+deb12u3` | `5.36.0-7+deb12u4` | patch | 30 |',
  '| `curl` (dpkg, amd64) | `7.88.1-10+deb12u15` | 6 |',
  '| `user` | *(unset)* | `1000:1000` |',
  '| modified | `etc/motd` | content (286 B → 25 B) |',
].join('\n');
const friday = monday
  .replace('34 packages changed** (16', '35 packages changed** (17')
  .replace('19 CVEs', '21 CVEs')
  .replace('3aa9b206dbca', '203a4cacf6ee')
  .replace('63.6 MB', '63.5 MB')
  .replace('5.36.0-7+deb12u4', '5.36.0-7+deb12u5');

describe('world form', () => {
  it('is the same for two builds that differ only in what the archive and the build bytes decide', () => {
    expect(worldForm(friday, 'markdown', facts)).toBe(worldForm(monday, 'markdown', facts));
  });

  it('keeps what the build script decides and folds each run of archive lines into one', () => {
    const lines = worldForm(monday, 'markdown', facts).split('\n');
    expect(lines.slice(1, -1)).toEqual([
      '**# packages changed** (# upgraded, # added, # removed)',
      FOLDED,
      '| Digest | `sha256:<digest>` | `sha256:<digest>` | |',
      '| Size (compressed) | <size> | <size> | <size> (<pct>) |',
      FOLDED,
      '| `curl` (dpkg, amd64) | `<version>` | # |',
      '| `user` | *(unset)* | `1000:1000` |',
      '| modified | `etc/motd` | content (<size> → <size>) |',
    ]);
  });

  it('still differs when a line the build script decides changes', () => {
    for (const regression of [
      monday.replace('`user`', '`User`'),
      monday.replace('`etc/motd`', '`etc/motd2`'),
      monday.replace('| `curl` (dpkg, amd64) | `7.88.1-10+deb12u15` | 6 |\n', ''),
      monday.replace('(16 upgraded, 16 added, 1 removed)', '(16 upgraded, 16 added)'),
    ])
      expect(worldForm(regression, 'markdown', facts)).not.toBe(worldForm(monday, 'markdown', facts));
  });

  it('folds the JSON report the same way: package changes and files of moved packages, CVEs', () => {
    const report = (digest: string, perl: string): string =>
      JSON.stringify({
        after: { summary: { manifestDigest: `sha256:${digest.repeat(8)}`, compressedSize: 89243500, created: '2026-12-03T09:10:45Z' } },
        counts: { packages: { upgraded: 16, added: 16 } },
        packages: [
          { kind: 'upgraded', name: 'perl', after: { version: perl } },
          { kind: 'added', name: 'curl', after: { version: '7.88.1-10+deb12u15' } },
        ],
        files: [
          { path: 'usr/bin/perl', owners: ['dpkg:perl'], after: { mode: 493 } },
          { path: 'etc/app/app.conf', owners: [], after: { mode: 420, size: 26 } },
        ],
      });
    const a = JSON.parse(worldForm(report('3aa9b206', '5.36.0-7+deb12u4'), 'json', facts)) as { report: unknown };
    const b = worldForm(report('203a4cac', '5.36.0-7+deb12u5'), 'json', facts);
    expect(JSON.parse(b)).toEqual(a);
    expect(a.report).toEqual({
      after: { summary: { manifestDigest: 'sha256:<digest>', compressedSize: '#', created: '<date>' } },
      counts: { packages: { upgraded: '#', added: '#' } },
      packages: [FOLDED, { kind: 'added', name: 'curl', after: { version: '<version>' } }],
      files: [FOLDED, { path: 'etc/app/app.conf', owners: [], after: { mode: 420, size: '#' } }],
    });
  });
});
