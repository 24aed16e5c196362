import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { OVERVIEW_SETTING_KEYS } from '../../src/diff/settings.js';
import type { Changes } from '../../src/diff/types.js';
import { goldenCase, renderGoldenCase } from '../golden/golden-cases.js';
import { HOSTILE, hostileChanges, hostileVerdict } from '../helpers/hostile-changes.js';
import { repoRoot } from '../world/world.js';
import {
  CHROMIUM,
  allOpen,
  githubPage,
  hasChromium,
  htmlTables,
  liveMarkup,
  markdownToHtml,
  screenshot,
  textOf,
  type HtmlTable,
} from '../helpers/github-html.js';

const outDir = join(repoRoot, '.cache', 'visual');
const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;
const headed = (tables: HtmlTable[], first: string) => tables.filter((t) => t.header[0] === first);

if (!hasChromium)
  console.warn(`skipping the screenshots: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

describe('the PR comment as GitHub renders it (marked GFM, raw HTML passed through)', () => {
  let changes: Changes;
  let html: string;
  let hostileHtml: string;

  beforeAll(async () => {
    ({ changes } = await renderGoldenCase(goldenCase('bookworm-old-new')));
    html = markdownToHtml(renderMarkdown(changes, { surface: 'comment' }));
    hostileHtml = markdownToHtml(
      renderMarkdown(hostileChanges(), { surface: 'comment', verdict: hostileVerdict() }),
    );
  });

  it('lays out the overview, package, settings and layer tables with their columns when the Debian pair is posted', () => {
    const tables = htmlTables(html);
    for (const t of tables)
      for (const row of t.rows) expect(row.length, t.header.join('|')).toBe(t.header.length);
    expect(tables[0]!.header).toEqual(['', 'Previous', 'New', 'Change']);
    expect(tables[0]!.rows.map((r) => r[0])).toEqual(
      expect.arrayContaining(['Image', 'Digest', 'Platform', 'OS', 'Packages', 'Files', 'Layers']),
    );

    // Upgrades, downgrades and rebuilds show both versions; additions and removals their one version.
    const twoVersions = headed(tables, 'Package').filter(
      (t) => t.header.join('|') === 'Package|Before|After|Bump|Files',
    );
    const oneVersion = headed(tables, 'Package').filter(
      (t) => t.header.join('|') === 'Package|Version|Files',
    );
    expect(twoVersions.length + oneVersion.length).toBe(headed(tables, 'Package').length);
    const name = (p: Changes['packages'][number]) => `${p.name} (${p.ecosystem}, ${p.arch ?? ''})`;
    const single = changes.packages.filter((p) => p.kind === 'added' || p.kind === 'removed');
    expect(oneVersion.flatMap((t) => t.rows).map((r) => [r[0], r[1]])).toEqual(
      expect.arrayContaining(single.map((p) => [name(p), (p.after ?? p.before)?.version ?? ''])),
    );
    expect(twoVersions.flatMap((t) => t.rows).map((r) => [r[0], r[1], r[2]])).toEqual(
      expect.arrayContaining(
        changes.packages
          .filter((p) => !single.includes(p))
          .map((p) => [name(p), p.before?.version ?? '', p.after?.version ?? '']),
      ),
    );
    expect(headed(tables, 'Package').flatMap((t) => t.rows)).toHaveLength(changes.packages.length);

    const settings = headed(tables, 'Setting');
    expect(settings).toHaveLength(1);
    // `history` is told in the layers table instead, sizes, layers and OS in the overview.
    expect(settings[0]!.rows.map((r) => r[0])).toEqual(
      changes.settings.filter((s) => !OVERVIEW_SETTING_KEYS.has(s.key)).map((s) => s.key),
    );
    const layers = headed(tables, 'Layer');
    expect(layers[0]!.header).toEqual(['Layer', 'Change', 'Digest', 'Size', 'Created by']);
    expect(layers[0]!.rows).toHaveLength(changes.layers.added.length + changes.layers.removed.length);
  });

  it('puts each section in a <details> with its <summary>, the packages open', () => {
    expect(count(html, /<details[ >]/g)).toBeGreaterThanOrEqual(4);
    expect(count(html, /<summary>/g)).toBe(count(html, /<details[ >]/g));
    expect(count(html, /<\/details>/g)).toBe(count(html, /<details[ >]/g));
    expect(html).toMatch(/<details open>\s*<summary><b>Packages<\/b>/);
    expect(liveMarkup(html)).toEqual([]);
  });

  it('keeps every image string of the hostile pair inert: no script, image, link, list, heading or hidden comment', () => {
    expect(liveMarkup(hostileHtml)).toEqual([]);
    expect(count(hostileHtml, /<details[ >]/g)).toBe(count(hostileHtml, /<\/details>/g));
    expect(count(hostileHtml, /<summary>/g)).toBe(count(hostileHtml, /<details[ >]/g));
    // The payloads are shown as text, not dropped.
    expect(textOf(hostileHtml)).toContain(HOSTILE[1]);
    expect(textOf(hostileHtml)).toContain(HOSTILE[2]);
    for (const t of htmlTables(hostileHtml))
      for (const row of t.rows) expect(row.length, t.header.join('|')).toBe(t.header.length);
  });

  describe.skipIf(!hasChromium)(
    'screenshots (headless Chromium, saved under .cache/visual for a human to look at)',
    () => {
      it('writes a PNG of the Debian comment as posted, with every section opened, and of the hostile comment', () => {
        mkdirSync(outDir, { recursive: true });
        const shots = [
          { name: 'debian-comment', page: githubPage('Debian old -> new, PR comment', html) },
          {
            name: 'debian-comment-open',
            page: githubPage('Debian old -> new, every section open', allOpen(html)),
          },
          {
            name: 'hostile-comment-open',
            page: githubPage('hostile pair, every section open', allOpen(hostileHtml)),
          },
        ];
        for (const s of shots) {
          const png = join(outDir, `${s.name}.png`);
          screenshot(s.page, join(outDir, `${s.name}.html`), png);
          const bytes = readFileSync(png);
          expect(bytes.subarray(0, 8).toString('hex'), png).toBe('89504e470d0a1a0a');
          expect(bytes.length, png).toBeGreaterThan(20_000);
        }
      });
    },
  );
});
