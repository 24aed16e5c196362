import { describe, expect, it } from 'vitest';
import type { ChangelogEntry, Package } from '../../src/catalog/types.js';
import { diffPackages } from '../../src/diff/packages.js';
import { summarizeSecurity } from '../../src/diff/security-summary.js';
import type { Changes } from '../../src/diff/types.js';
import { SURFACE_LIMITS, type Surface } from '../../src/render/budget.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { parseTextChangelog } from '../../src/catalog/changelog/text-changelog.js';
import { HOSTILE, hostileChanges } from '../helpers/hostile-changes.js';
import { injectionProblems, tables } from './markdown-checks.js';

const SURFACES: Surface[] = ['comment', 'summary', 'release'];

const pkg = (name: string, version: string, entries?: ChangelogEntry[]): Package => ({
  ecosystem: 'dpkg',
  name,
  version,
  location: 'var/lib/dpkg/status',
  layer: 0,
  files: [],
  ...(entries
    ? { changelog: { format: 'debian' as const, path: `usr/share/doc/${name}/changelog.Debian.gz`, entries } }
    : {}),
});

/** Changes whose changelog entries carry every hostile string, in every field of an entry. */
function withChangelogs(entriesPerPackage: number, packages: number): Changes {
  const base = hostileChanges();
  const before: Package[] = [];
  const after: Package[] = [];
  for (let p = 0; p < packages; p++) {
    const entries: ChangelogEntry[] = [];
    for (let i = entriesPerPackage; i > 0; i--) {
      const hostile = HOSTILE[(p + i) % HOSTILE.length]!;
      entries.push({
        version: `2.0-${i}`,
        distribution: `${hostile}-security`,
        author: `${hostile} <a@example.com>`,
        text: `  * ${hostile} fixes CVE-2024-${1000 + i} (Closes: #${i}) @someone\n  * ${hostile}`,
      });
    }
    before.push(pkg(`pkg${p}`, '1.0-1'));
    after.push(pkg(`pkg${p}`, `2.0-${entriesPerPackage}`, entries));
  }
  // And a downgrade undoing fixes.
  before.push(
    pkg('downer', '2.0-2', [{ version: '2.0-2', text: '  * CVE-2025-0001 remote code execution @admin #1' }]),
  );
  after.push(pkg('downer', '2.0-1'));
  const changed = diffPackages(before, after);
  return { ...base, packages: [...changed, ...base.packages], security: summarizeSecurity(changed) };
}

describe('changelog entries in markdown, from hostile images', () => {
  const changes = withChangelogs(30, 5);

  it.each(SURFACES)('keep the %s inert: no HTML, mentions, references, links or broken rows', (surface) => {
    const md = renderMarkdown(changes, { surface });
    expect(md).toContain('Why they changed');
    expect(md).toContain('CVE-2024-1030');
    expect(injectionProblems(md)).toEqual([]);
    expect(md).not.toMatch(/<script|<img|<!-- hidden|<\/details><details open>/i);
    expect(md).not.toMatch(/@someone|@admin/); // mentions are broken by a zero-width space
    for (const t of tables(md)) expect(new Set(t)).toEqual(new Set([t[0]]));
  });

  it('names the CVE count on the first screen, before any folded section', () => {
    // The downgrade's reopened CVE is named in the Attention block: __tests__/diff/attention/downgrade-cves.test.ts.
    const md = renderMarkdown(changes, { surface: 'comment' });
    const first = md.slice(0, md.indexOf('<details'));
    expect(first).toMatch(/🔒 \*\*30 CVEs fixed\*\*/);
  });

  it('still names the reopened CVE when the budget leaves the Attention block only its count', () => {
    const md = renderMarkdown(changes, { surface: 'comment', budget: 1600 });
    expect(md.length).toBeLessThanOrEqual(1600);
    expect(md).toContain('The details do not fit here');
    expect(md).toMatch(/Downgrade reopens 1 CVE.*`downer`.*`CVE-2025-0001`/);
  });

  it('fits every surface with hundreds of packages of long changelogs, folds cut with "… and N more"', () => {
    // 400 packages of 40 entries each: past what any surface holds (the catalogers bound each changelog).
    const big = withChangelogs(40, 400);
    for (const surface of SURFACES) {
      const md = renderMarkdown(big, { surface });
      const size = surface === 'summary' ? Buffer.byteLength(md) : md.length;
      expect(size).toBeLessThanOrEqual(SURFACE_LIMITS[surface].budget);
      expect(md).toMatch(/🔒 \*\*40 CVEs fixed\*\*/);
    }
    const comment = renderMarkdown(big, { surface: 'comment' });
    expect(comment).toMatch(/… and \d+ more/);
  });

  it.each(SURFACES)('keep the %s inert when a package CHANGELOG.md is hostile markdown', (surface) => {
    // Every hostile string as a section of an npm package's CHANGELOG, and as markup around its headings.
    const text = HOSTILE.map(
      (h, i) =>
        `## [2.0.${HOSTILE.length - i}](javascript:alert(1)) <script>${h}</script>\n\n### ${h}\n* ${h} fixes CVE-2024-${2000 + i} [#${i}](https://evil.example/${h}) @someone\n\`\`\`\n${h}\n\`\`\`\n`,
    ).join('\n');
    const entries = parseTextChangelog(`# Changelog\n${text}`).entries;
    // A heading line over 200 characters (the 10,000-character string) is no heading: its section joins the one before.
    expect(entries).toHaveLength(HOSTILE.filter((h) => h.length < 150).length);
    const npm = (version: string, withLog: boolean): Package => ({
      ecosystem: 'npm',
      name: 'evil',
      version,
      location: 'app/node_modules/evil/package.json',
      layer: 0,
      files: [],
      ...(withLog
        ? { changelog: { format: 'text' as const, path: 'app/node_modules/evil/CHANGELOG.md', entries } }
        : {}),
    });
    const changed = diffPackages([npm('2.0.0', false)], [npm(`2.0.${HOSTILE.length}`, true)]);
    expect(changed[0]!.changelog?.cves).toContain('CVE-2024-2000');
    const base = hostileChanges();
    const md = renderMarkdown(
      { ...base, packages: [...changed, ...base.packages], security: summarizeSecurity(changed) },
      { surface },
    );
    expect(md).toContain('CVE-2024-2000');
    expect(injectionProblems(md)).toEqual([]);
    expect(md.match(/<script|<img|@someone|<!-- hidden|<\/details><details open>/gi) ?? []).toEqual([]);
    for (const t of tables(md)) expect(new Set(t)).toEqual(new Set([t[0]]));
  });
});
