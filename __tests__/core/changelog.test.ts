import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildChangelog, DEFAULT_DEPTH, inspect } from '../../src/core/index.js';
import { scanOptions } from '../../src/core/changelog.js';
import { DiskLayerIndexCache } from '../../src/cache/layer-index-cache.js';
import type { Cataloger } from '../../src/catalog/types.js';

const examples = resolve(import.meta.dirname, '../../examples');
const v1 = `oci-archive:${join(examples, 'v1.oci.tar')}`;
const v2 = `oci-archive:${join(examples, 'v2.oci.tar')}`;

/** Every set of paths the runner handed confCataloger, one per call. */
const handed: string[][] = [];

/** A cataloger the built-in list does not have: one package per `etc/app/*.conf`, named by its first word. */
const confCataloger: Cataloger = {
  id: 'app-conf',
  ecosystem: 'npm',
  globs: ['etc/app/*.conf'],
  stateGlobs: [],
  catalog(ctx) {
    handed.push(ctx.files.map((f) => f.path));
    const packages = ctx.files.map((f) => ({
      ecosystem: 'npm' as const,
      name: `conf:${f.content.toString('utf8').split(/\s/)[0]}`,
      version: '1.0.0',
      location: f.path,
      layer: f.layer,
      files: [],
    }));
    return { packages, problems: [] };
  },
};

describe('buildChangelog', () => {
  it('applies the defaults: depth 2, the default excludes, no policy', async () => {
    const changelog = await buildChangelog({ image: v2, previous: v1 });
    expect(changelog.changes.options).toEqual({ exclude: [], defaultExcludes: true, depth: DEFAULT_DEPTH });
    expect(changelog.previous).toBe(v1);
    expect(changelog.verdict).toBeUndefined();
    const p = changelog.changes.counts.packages;
    expect(changelog.totals.packagesChanged).toBe(
      p.added + p.removed + p.upgraded + p.downgraded + p.rebuilt,
    );
    expect(changelog.totals.packagesChanged).toBeGreaterThan(0);
    expect(changelog.layerDiffIDs.length).toBeGreaterThan(0);
    expect([...changelog.layerDiffIDs].sort()).toEqual(changelog.layerDiffIDs);
  });

  it('checks the recommended policy when asked', async () => {
    const changelog = await buildChangelog({ image: v2, previous: v1, policy: 'recommended' });
    expect(changelog.verdict?.policy).toBe('recommended');
  });

  it('fails on an unreadable policy file before reading any image', async () => {
    await expect(
      buildChangelog({ image: 'oci:/nonexistent/layout', policy: { path: '/nonexistent/policy.yml' } }),
    ).rejects.toMatchObject({ code: 'POLICY_NOT_FOUND', subject: '/nonexistent/policy.yml' });
  });

  it("hands an extra cataloger its files, also through a persistent cache keyed by the run's spec", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'ic-core-'));
    for (const run of ['cold', 'warm']) {
      const changelog = await buildChangelog({ image: v2, extraCatalogers: [confCataloger] }, { cacheDir });
      const names = changelog.changes.packages.map((c) => c.name);
      expect(names, run).toContain('conf:listen=0.0.0.0:8080');
    }
    // It was handed its own files only (the runner matched its globs), on every run.
    expect(handed.length).toBeGreaterThan(0);
    for (const paths of handed) {
      expect(paths.length).toBeGreaterThan(0);
      for (const path of paths) expect(path).toMatch(/^etc\/app\/[^/]+\.conf$/);
    }
    // Without the extra cataloger, the same cache directory answers without its package.
    const plain = await inspect(v2, {}, { cacheDir });
    expect(plain.packages.map((p) => p.name)).not.toContain('conf:listen=0.0.0.0:8080');
  });
});

describe('scanOptions', () => {
  it('hands the layer reader and the persistent cache one and the same capture spec, with the extra globs', () => {
    const options = scanOptions({ extraCatalogers: [confCataloger] }, { cacheDir: tmpdir() }, undefined);
    expect(options.cache).toBeInstanceOf(DiskLayerIndexCache);
    expect((options.cache as DiskLayerIndexCache).spec).toBe(options.capture);
    expect(options.capture?.globs).toContain('etc/app/*.conf');
    expect(options.catalogers).toContain(confCataloger);
  });

  it('without extra catalogers, captures only what the built-in ones ask for', () => {
    const options = scanOptions({}, { cacheDir: tmpdir() }, undefined);
    expect((options.cache as DiskLayerIndexCache).spec).toBe(options.capture);
    expect(options.capture?.globs).not.toContain('etc/app/*.conf');
  });
});
