import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskLayerIndexCache } from '../../src/cache/layer-index-cache.js';
import { defaultCaptureSpec } from '../../src/catalog/registry.js';
import { compareImages } from '../../src/scan/compare-images.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import type { Changes, DiffOptions, PackageChange } from '../../src/diff/types.js';
import { ensureNpmChangelogPair, npmChangelogPair } from '../world/npm-changelog-pair.js';

/**
 * An app folder npm installed from the npm registry (axios 1.5.1 -> 1.6.0, express 4.19.2 -> 4.21.2,
 * and the dependencies npm picked for each), against what GNU diff says: for every upgraded package
 * whose folder holds a changelog file in both images, the CVE ids the report names equal those in
 * the lines the new file adds to the old one (a package's changelog grows at the top).
 */
const CVE = /CVE-\d{4}-\d{4,}/gi;
const DIFF: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };

/** Lines of `newer` that `older` does not have, as GNU diff finds them. */
function addedLines(older: string, newer: string): string {
  try {
    return execFileSync(
      'diff',
      ['--unchanged-line-format=', '--old-line-format=', '--new-line-format=%L', older, newer],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (err) {
    // diff exits 1 when the files differ: its output is still the answer.
    const e = err as { status?: number; stdout?: string };
    if (e.status === 1 && typeof e.stdout === 'string') return e.stdout;
    throw err;
  }
}

const idsIn = (text: string) => [...new Set((text.match(CVE) ?? []).map((s) => s.toUpperCase()))].sort();
const sorted = (ids: readonly string[]) => [...ids].sort();
const CHANGELOG_NAME = /^(?:change[-_]?log|changes|history|news|release[-_]?notes)(?:\.\w+)?$/i;

describe('language-package changelogs of an npm pair (axios, express and their dependencies)', () => {
  let changes: Changes;
  let cacheDir: string;
  let upgraded: PackageChange[];
  beforeAll(async () => {
    ensureNpmChangelogPair();
    cacheDir = mkdtempSync(join(tmpdir(), 'ic-npm-changelogs-'));
    const capture = defaultCaptureSpec();
    ({ changes } = await compareImages(npmChangelogPair.ref('old'), npmChangelogPair.ref('new'), DIFF, {
      cache: new DiskLayerIndexCache(cacheDir, capture),
      capture,
    }));
    upgraded = changes.packages.filter((p) => p.ecosystem === 'npm' && p.kind === 'upgraded');
  }, 600_000);
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('names, per upgraded package with a changelog file, exactly the CVEs of the lines its new file adds', () => {
    const root = (tag: 'old' | 'new') => npmChangelogPair.rootfs(tag);
    let compared = 0;
    for (const p of upgraded) {
      const dir = join('app/node_modules', p.name);
      const file = readdirSync(join(root('new'), dir)).find((f) => CHANGELOG_NAME.test(f));
      if (file === undefined || !existsSync(join(root('old'), dir, file))) continue;
      compared++;
      const truth = idsIn(addedLines(join(root('old'), dir, file), join(root('new'), dir, file)));
      expect(p.changelog, p.name).toBeDefined();
      expect(sorted(p.changelog!.cves), p.name).toEqual(truth);
    }
    expect(compared).toBeGreaterThanOrEqual(5);
  });

  it('reads the sections between the two versions of axios (CHANGELOG.md) and express (History.md)', () => {
    const axios = upgraded.find((p) => p.name === 'axios')!;
    expect(axios.changelog).toMatchObject({
      source: 'app/node_modules/axios/CHANGELOG.md',
      cves: ['CVE-2023-45857'],
      security: true,
    });
    expect(axios.changelog!.entries.map((e) => e.version)).toEqual(['1.6.0']);
    const express = upgraded.find((p) => p.name === 'express')!;
    expect(express.changelog!.source).toBe('app/node_modules/express/History.md');
    expect(express.changelog!.entries.map((e) => e.version)).toEqual([
      '4.21.2',
      '4.21.1',
      '4.21.0',
      '4.20.0',
    ]);
    expect(express.changelog!.cves).toEqual(['CVE-2024-47764']);
    expect(changes.security?.fixed.map((m) => m.id).sort()).toEqual(['CVE-2023-45857', 'CVE-2024-47764']);
  });

  it('links the repository from package.json when the package folder holds no changelog to match', () => {
    const without = upgraded.filter((p) => p.changelog !== undefined && p.changelog.entries.length === 0);
    expect(without.length).toBeGreaterThan(0);
    for (const p of without) {
      const manifest = JSON.parse(
        readFileSync(
          join(npmChangelogPair.rootfs('new'), 'app/node_modules', p.name, 'package.json'),
          'utf8',
        ),
      ) as { repository?: string | { url?: string } };
      const repo = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
      // npm writes `git+https://github.com/o/r.git` or the `o/r` shorthand: the link is the same repository.
      const slug = /github\.com[/:]([^/]+\/[^/.]+)|^([\w.-]+\/[\w.-]+)$/.exec(repo ?? '');
      expect(p.changelog!.link, p.name).toBe(`https://github.com/${slug?.[1] ?? slug?.[2] ?? '?'}`);
    }
  });

  it('says on the first screen of the comment how many CVEs the upgrades fix', () => {
    const md = renderMarkdown(changes, { surface: 'comment' });
    const first = md.slice(0, md.indexOf('<details'));
    expect(first).toMatch(/🔒 \*\*2 CVEs fixed\*\*/);
    expect(md).toContain('<b>axios</b> 1.5.1 → 1.6.0: 1 entry, 🔒 1 CVE');
  });

  it('reads no layer on a warm run: the changelog heads come from the layer-index cache', async () => {
    const capture = defaultCaptureSpec();
    const cache = new DiskLayerIndexCache(cacheDir, capture);
    const warm = await compareImages(npmChangelogPair.ref('old'), npmChangelogPair.ref('new'), DIFF, {
      cache,
      capture,
    });
    expect(cache.stats.misses).toBe(0);
    expect(cache.stats.hits).toBe(2);
    expect(warm.changes.packages).toEqual(changes.packages);
    expect(warm.changes.security).toEqual(changes.security);
  });
});
