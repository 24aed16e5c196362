import { describe, expect, it } from 'vitest';
import { SURFACE_LIMITS, type Surface } from '../../src/render/budget.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown, renderReleaseNotes } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import {
  HOSTILE,
  hostileChanges,
  hostileVerdict,
  hugeChanges,
  hugeVerdict,
} from '../helpers/hostile-changes.js';
import { injectionProblems, tables } from './markdown-checks.js';

const SURFACES: Surface[] = ['comment', 'summary', 'release'];

describe('renderers with hostile image strings', () => {
  const changes = hostileChanges();
  const verdict = hostileVerdict();

  it('builds a fixture where the hostile strings really reach every field', () => {
    expect(changes.packages.filter((p) => p.kind === 'downgraded')).toHaveLength(HOSTILE.length);
    expect(changes.settings.some((s) => s.key.startsWith('label.') && s.after === HOSTILE[1])).toBe(true);
    expect(changes.files.some((f) => f.path.includes('<script>'))).toBe(true);
    expect(changes.counts.unexplained).toBeGreaterThan(0);
  });

  it.each(SURFACES)(
    'keeps the %s markdown inert: no HTML, mentions, references, links or broken rows',
    (surface) => {
      const md = renderMarkdown(changes, { surface, verdict, marker: 'image-changelog:k' });
      expect(injectionProblems(md)).toEqual([]);
      expect(md).not.toMatch(/<script|<img|<!-- hidden|<\/details><details/i);
      for (const t of tables(md)) expect(new Set(t)).toEqual(new Set([t[0]]));
      // 10,000-character strings are cut.
      expect(md).not.toMatch(/x{250}/);
      expect(md).toContain('…');
    },
  );

  it('keeps release notes inert', () => {
    const md = renderReleaseNotes(changes, verdict);
    expect(injectionProblems(md)).toEqual([]);
    expect(md.length).toBeLessThanOrEqual(SURFACE_LIMITS.release.limit);
  });

  it('shows hostile characters as visible text instead of dropping them', () => {
    const md = renderMarkdown(changes, { surface: 'summary', verdict });
    expect(md).toContain('\\u202Egnp.exe');
    expect(md).toContain('\\x1B[2J');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;'); // escaped text (OS, platform)
    expect(md).toContain('<code>down1&lt;script&gt;alert(1)&lt;/script&gt;</code>'); // a name with `<`: escaped <code>
    expect(md).toContain('`pipe\\|in\\|name`'); // in a table cell code span: `\|`
    expect(md).toContain('@\u200Borg/team');
  });

  it('never lets a terminal escape through the text renderer, with or without colour', () => {
    for (const color of [false, true]) {
      const text = renderText(changes, { color, verdict });
      // Only our own SGR colour codes may carry ESC.
      expect(text.replace(/\u001b\[\d+m/g, '')).not.toMatch(
        /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
      );
      expect(text).toContain('\\x1B[2J');
      if (!color) expect(text).not.toContain('\u001b');
    }
  });

  it('keeps every hostile string intact as data in the JSON report', () => {
    const report = JSON.parse(renderJson(changes, verdict)) as {
      packages: Array<{ name: string }>;
      verdict: { violations: unknown[] };
    };
    const names = new Set(report.packages.map((p) => p.name));
    for (const [i, s] of HOSTILE.entries()) expect(names.has(`down${i}${s}`)).toBe(true);
    expect(report.verdict.violations).toHaveLength(HOSTILE.length);
  });
});

describe('budgets', () => {
  const huge = hugeChanges();
  const verdict = hugeVerdict(huge);

  it('builds a pair with 50,000 changed files and 5,000 packages', () => {
    expect(huge.counts.nonPackaged.added).toBe(50_000);
    expect(huge.packages).toHaveLength(5_000);
    expect(huge.counts.packages.downgraded).toBe(30);
  });

  it.each(SURFACES)('fits the %s and still shows downgrades and the verdict', (surface) => {
    const md = renderMarkdown(huge, {
      surface,
      verdict,
      marker: 'image-changelog:k',
      fullReportHint: ' in the job summary',
    });
    const { limit, unit } = SURFACE_LIMITS[surface];
    const size = unit === 'bytes' ? Buffer.byteLength(md) : md.length;
    expect(size).toBeLessThanOrEqual(limit);
    expect(md).toContain('[!CAUTION]');
    expect(md).toContain('**Downgraded** (30)');
    for (let i = 0; i < 10; i++) expect(md).toContain(`\`pkg${String(i).padStart(5, '0')}\``);
    expect(md).toContain('more (see the full JSON report in the job summary)');
    expect(md).toContain('**5000 packages changed** (30 downgraded, 4970 upgraded)');
    expect(injectionProblems(md)).toEqual([]);
  });

  it('drops the least important rows first', () => {
    const md = renderMarkdown(huge, { surface: 'comment', verdict });
    // Downgrades are kept whole long after the file list was cut.
    expect(md.match(/\| `pkg000\d\d` \(dpkg\) \| `2\.0` \| `1\.0` \|/g)).toHaveLength(30);
    const shownFiles = (md.match(/\| added \| `opt\//g) ?? []).length;
    expect(shownFiles).toBeLessThan(1_000);
  });

  it('fits when every name is 10,000 characters long', () => {
    const long = hugeChanges(2_000, 500, 30, true);
    const v = hugeVerdict(long);
    for (const surface of SURFACES) {
      const md = renderMarkdown(long, { surface, verdict: v });
      const { limit, unit } = SURFACE_LIMITS[surface];
      expect(unit === 'bytes' ? Buffer.byteLength(md) : md.length).toBeLessThanOrEqual(limit);
      expect(md).toContain('**Downgraded** (30)');
      expect(md).toContain('[!CAUTION]');
      expect(injectionProblems(md)).toEqual([]);
    }
  });

  it('honours a smaller caller budget (room left in a release body), down to a tiny one', () => {
    for (const budget of [20_000, 3_000, 1_000, 200, 0]) {
      const md = renderMarkdown(huge, { surface: 'release', verdict, budget });
      expect(md.length).toBeLessThanOrEqual(budget);
    }
    expect(renderMarkdown(huge, { surface: 'release', verdict, budget: 3_000 })).toContain(
      '**Downgraded** (30)',
    );
    expect(renderMarkdown(huge, { surface: 'release', verdict, budget: 1_000 })).toContain(
      'The details do not fit here',
    );
  });
});
