import { describe, expect, it } from 'vitest';
import { diffInventories } from '../../src/diff/diff.js';
import type { DiffOptions } from '../../src/diff/types.js';
import type { Verdict } from '../../src/policy/types.js';
import { markerLine, renderMarkdown, renderReleaseNotes } from '../../src/render/markdown.js';
import { InventoryBuilder } from '../helpers/inventory-builder.js';
import { tables } from './markdown-checks.js';

const OPTIONS: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };

function base(): InventoryBuilder {
  return new InventoryBuilder('registry.example/app:1.0')
    .os('debian', '12.5', 'Debian GNU/Linux 12 (bookworm)')
    .layers('debian', 'app')
    .config({ User: 'app', Env: ['PATH=/usr/bin'] })
    .pkg('dpkg', 'openssl', '3.0.11-1~deb12u2', {
      files: ['usr/bin/openssl', 'usr/lib/x86_64-linux-gnu/libssl.so.3'],
    })
    .pkg('dpkg', 'tzdata', '2024a-0+deb12u1', { files: ['usr/share/zoneinfo/UTC'] })
    .pkg('dpkg', 'bash', '5.2.15-2+b2', { files: ['usr/bin/bash'] })
    .file('etc/app.conf', { content: 'a' });
}

function pair() {
  return diffInventories(base().build(), pair2(), OPTIONS);
}

function pair2() {
  return base()
    .reference('registry.example/app:1.1', `sha256:${'e'.repeat(64)}`)
    .os('debian', '12.6', 'Debian GNU/Linux 12 (bookworm)')
    .layers('debian', 'app2')
    .config({ User: 'root' })
    .pkg('dpkg', 'openssl', '3.0.13-1~deb12u1', {
      files: ['usr/bin/openssl', 'usr/lib/x86_64-linux-gnu/libssl.so.3'],
    })
    .pkg('dpkg', 'tzdata', '2023c-5', { files: ['usr/share/zoneinfo/UTC'] })
    .unpkg('dpkg', 'bash')
    .pkg('dpkg', 'curl', '7.88.1-10', { files: ['usr/bin/curl'] })
    .file('etc/app.conf', { content: 'b' })
    .file('etc/extra.conf')
    .file('usr/local/bin/tool', { mode: 0o4755 })
    .file('var/log/build.log')
    .build();
}

const VERDICT: Verdict = {
  result: 'stop',
  policy: 'recommended',
  violations: [
    { rule: 'warn-root', action: 'warn', subject: 'user', message: 'the image switched to root' },
    { rule: 'no-downgrade', action: 'stop', subject: 'dpkg:tzdata', message: 'tzdata was downgraded' },
  ],
};

describe('renderMarkdown', () => {
  it('starts with the marker, then the title, the headline and the verdict', () => {
    const md = renderMarkdown(pair(), {
      surface: 'comment',
      marker: 'image-changelog:abc123',
      verdict: VERDICT,
    });
    const lines = md.split('\n');
    expect(lines[0]).toBe('<!-- image-changelog:abc123 -->');
    expect(lines[1]).toBe('### Image changelog: `registry.example/app:1.1`');
    expect(md).toContain('**4 packages changed** (1 downgraded, 1 upgraded, 1 added, 1 removed)');
    expect(md).toContain('**3 non-packaged files** (2 added, 1 modified)');
    expect(md).toContain(
      'settings: `user` changed.\n**Base OS changed (point release)**: Debian GNU/Linux 12 (bookworm) 12.5 → Debian GNU/Linux 12 (bookworm) 12.6.',
    );
    expect(md.indexOf('[!CAUTION]')).toBeGreaterThan(md.indexOf('packages changed'));
    expect(md.indexOf('[!CAUTION]')).toBeLessThan(md.indexOf('| Image |'));
    // Stops before warnings.
    expect(md.indexOf('`no-downgrade`')).toBeLessThan(md.indexOf('`warn-root`'));
  });

  it('sanitises the marker key so it cannot close the comment', () => {
    expect(markerLine('image-changelog:a --> <b>x</b>')).toBe('<!-- image-changelog:a_-___b_x_/b_ -->');
    expect(markerLine('k1')).toBe('<!-- image-changelog:k1 -->');
  });

  it('writes the overview with previous, new and change columns', () => {
    const md = renderMarkdown(pair(), { surface: 'summary' });
    expect(md).toContain('| Image | `registry.example/app:1.0` | `registry.example/app:1.1` | |');
    expect(md).toContain('| Packages | 3 | 3 | ±0 |');
    expect(md).toContain('| Layers | 2 | 2 | ±0 (1 shared) |');
    expect(md).toMatch(/\| Digest \| `sha256:dddddddddddd` \| `sha256:eeeeeeeeeeee` \|/);
  });

  it('groups package changes by kind with downgrades first', () => {
    const md = renderMarkdown(pair(), { surface: 'summary' });
    const order = ['**Downgraded** (1)', '**Upgraded** (1)', '**Added** (1)', '**Removed** (1)'].map((h) =>
      md.indexOf(h),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(md).toContain('| `openssl` (dpkg) | `3.0.11-1~deb12u2` | `3.0.13-1~deb12u1` | patch | 2 |');
    expect(md).toContain('| `tzdata` (dpkg) | `2024a-0+deb12u1` | `2023c-5` | **major** | 1 |');
  });

  it('lists non-packaged files one row per directory at the depth, excluded paths only as a count', () => {
    const md = renderMarkdown(pair(), { surface: 'summary' });
    // etc/ holds two changes at depth 2: one row with counts, added first.
    expect(md).toContain('| 1 added, 1 modified | `etc/` | 2 paths: `extra.conf`, `app.conf` |');
    expect(md).toContain('one row per directory at depth 2');
    // The setuid file is named by the Attention block: its own row, first.
    expect(md).toContain(
      '| :- | :- | :- |\n| added | `usr/local/bin/tool` | 18 B, mode 4755, setuid |\n| 1 added, 1 modified | `etc/` |',
    );
    // With depth all, every path is a row.
    const all = renderMarkdown(diffInventories(base().build(), pair2(), { ...OPTIONS, depth: 'all' }), {
      surface: 'summary',
    });
    expect(all).toContain('| added | `etc/extra.conf` | 1');
    expect(all).toContain('| modified | `etc/app.conf` | content (same size, 1 B) |');
    expect(md).not.toContain('build.log');
    expect(md).toContain('1 changed path matched the exclude globs');
  });

  it('shows settings with redacted values and the layers with their history', () => {
    const before = base()
      .config({ Env: ['API_TOKEN=one'] })
      .build();
    const after = base()
      .layers('debian', 'app', 'extra')
      .config({ Env: ['API_TOKEN=two'] })
      .build();
    const md = renderMarkdown(diffInventories(before, after, OPTIONS), { surface: 'summary' });
    expect(md).toContain('| `env.API_TOKEN` | *(redacted)* | *(redacted)* |');
    expect(md).not.toMatch(/one|two/);
    expect(md).toMatch(/\| 3 \| added \| `sha256:[0-9a-f]{12}` \| 1\.0 kB \| `RUN extra` \|/);
  });

  it('aligns every table column left or right, never the centred default', () => {
    const after = base()
      .file('usr/bin/bash', {
        content: 'patched',
        owners: [{ ecosystem: 'dpkg', name: 'bash' }],
        modifiedAfterInstall: true,
      })
      .build();
    const md = [
      renderMarkdown(pair(), { surface: 'summary' }),
      renderMarkdown(diffInventories(base().build(), after, OPTIONS), { surface: 'summary' }),
    ].join('\n');
    const delimiters = md.split('\n').filter((l) => /^\|(?: *:?-+:? *\|)+$/.test(l));
    // overview ×2, four package kinds, files, settings, layers, package files changed
    expect(delimiters.length).toBeGreaterThanOrEqual(9);
    for (const d of delimiters) expect(d).toMatch(/^\|(?: (?::-|-:) \|)+$/);
  });

  it('lists added and removed packages with one version column', () => {
    const md = renderMarkdown(pair(), { surface: 'summary' });
    expect(md).toContain(
      '**Added** (1)\n\n| Package | Version | Files |\n| :- | :- | -: |\n| `curl` (dpkg) | `7.88.1-10` | 1 |',
    );
    expect(md).toContain('**Removed** (1)\n\n| Package | Version | Files |');
  });

  it('leaves overview facts out of the settings table and marks unset values', () => {
    const after = base().layers('debian', 'app', 'extra').config({ WorkingDir: '/srv' }).build();
    const md = renderMarkdown(diffInventories(base().build(), after, OPTIONS), { surface: 'summary' });
    const settings = md.slice(md.indexOf('<b>Settings</b>'), md.indexOf('<b>Layers</b>'));
    expect(settings).toContain('| `workdir` | *(unset)* | `/srv` |');
    expect(settings).not.toMatch(/`(?:size\.compressed|size\.uncompressed|layers|os|platform)`/);
  });

  it("lists a first release's settings in one value column", () => {
    const md = renderMarkdown(diffInventories(undefined, base().build(), OPTIONS), { surface: 'summary' });
    expect(md).toContain('| Setting | Value |');
    expect(md).toContain('| `user` | `app` |');
  });

  it('calls out package files changed without a version change', () => {
    const after = base()
      .file('usr/bin/bash', {
        content: 'patched',
        owners: [{ ecosystem: 'dpkg', name: 'bash' }],
        modifiedAfterInstall: true,
      })
      .build();
    const md = renderMarkdown(diffInventories(base().build(), after, OPTIONS), { surface: 'comment' });
    expect(md).toContain('**1 package file changed without a package change**');
    expect(md).toContain('<summary><b>Package files that differ from their package</b>: 1</summary>');
    expect(md).toContain(
      '| `usr/bin/bash` | `bash` (dpkg) | modified (no package change) | content (29 B → 7 B), differs from its package |',
    );
  });

  it('lists a file that differs from its upgraded package in the same section, saying its package changed', () => {
    const after = base()
      .pkg('dpkg', 'bash', '5.2.21-2', { files: ['usr/bin/bash'] })
      .file('usr/bin/bash', {
        content: 'patched',
        owners: [{ ecosystem: 'dpkg', name: 'bash' }],
        modifiedAfterInstall: true,
      })
      .build();
    const md = renderMarkdown(diffInventories(base().build(), after, OPTIONS), { surface: 'comment' });
    expect(md).not.toContain('changed without a package change');
    expect(md).toContain('<summary><b>Package files that differ from their package</b>: 1</summary>');
    expect(md).toMatch(
      /\| `usr\/bin\/bash` \| `bash` \(dpkg\) \| modified \(package changed\) \| .*differs from its package \|/,
    );
  });

  it('says there are no changes when nothing changed', () => {
    const md = renderMarkdown(diffInventories(base().build(), base().build(), OPTIONS), {
      surface: 'comment',
    });
    expect(md).toContain('**No changes** in packages, non-packaged files or settings.');
    expect(md).not.toContain('<details');
  });

  it('renders a first release with its own headline and a one-column overview', () => {
    const md = renderMarkdown(diffInventories(undefined, base().build(), OPTIONS), { surface: 'comment' });
    expect(md).toContain(
      '**First release**: no previous image to compare with. **3 packages** (dpkg 3), **1 non-packaged file**',
    );
    expect(md).toContain('| | New image |');
    expect(md).not.toContain('Previous');
    expect(md).toContain('<b>Packages</b>: 3 in the image');
  });

  it('says plainly when the platform changed', () => {
    const after = base().platform('linux/arm64').build();
    const md = renderMarkdown(diffInventories(base().build(), after, OPTIONS), { surface: 'comment' });
    expect(md).toContain('⚠️ **Platform changed**: linux/amd64 → linux/arm64.');
    expect(md).toContain('| Platform | linux/amd64 | linux/arm64 | **changed** |');
  });

  it('produces tables whose rows all have the header cell count', () => {
    const md = renderMarkdown(pair(), { surface: 'summary', verdict: VERDICT });
    const all = tables(md);
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const t of all) expect(new Set(t).size).toBe(1);
  });
});

describe('renderReleaseNotes', () => {
  it('opens with a human summary sentence, then the details', () => {
    const md = renderReleaseNotes(pair(), VERDICT);
    const summary = md.split('\n\n')[1]!;
    expect(summary).toBe(
      'Base OS Debian GNU/Linux 12 (bookworm) 12.5 → Debian GNU/Linux 12 (bookworm) 12.6; 1 package **downgraded**: `tzdata` `2024a-0+deb12u1` → `2023c-5`; ' +
        '1 package upgraded, including `openssl` `3.0.11-1~deb12u2` → `3.0.13-1~deb12u1`; 1 package added (`curl`); 1 package removed (`bash`); ' +
        '2 configuration files changed; 1 other non-packaged file changed; 1 setting changed (`user`).',
    );
    expect(md).toContain('<b>Packages</b>: 4 changed');
    expect(md).toContain('[!CAUTION]');
  });

  it('names the most significant upgrades first', () => {
    const mk = (v: [string, string, string, string]) =>
      new InventoryBuilder()
        .pkg('npm', 'a', v[0])
        .pkg('npm', 'b', v[1])
        .pkg('npm', 'c', v[2])
        .pkg('npm', 'd', v[3])
        .build();
    const md = renderReleaseNotes(
      diffInventories(
        mk(['1.0.0', '1.0.0', '1.0.0', '1.0.0']),
        mk(['1.0.1', '1.1.0', '2.0.0', '1.0.2']),
        OPTIONS,
      ),
    );
    expect(md).toContain('4 packages upgraded, including `c` `1.0.0` → `2.0.0`, `b` `1.0.0` → `1.1.0`.');
  });
});
