import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareImages, inspectImage } from '../../src/scan/compare-images.js';
import { DiskLayerIndexCache, MemoryLayerIndexCache } from '../../src/cache/layer-index-cache.js';
import { defaultCaptureSpec } from '../../src/catalog/registry.js';
import type { LayerIndex } from '../../src/layers/types.js';

const examples = resolve(import.meta.dirname, '../../examples');
const v1 = `oci-archive:${join(examples, 'v1.oci.tar')}`;
const v2 = `oci-archive:${join(examples, 'v2.oci.tar')}`;
const diff = { exclude: [], defaultExcludes: true, depth: 3 as const };

/** A memory cache whose kept indexes can be looked at afterwards. */
class KeptIndexes extends MemoryLayerIndexCache {
  readonly kept: LayerIndex[] = [];
  override put(index: LayerIndex): Promise<void> {
    this.kept.push(index);
    return super.put(index);
  }
}

describe('compareImages and inspectImage', () => {
  it("give the same answer with a fresh per-run cache and with a caller's cache shared by two runs", async () => {
    // The squash only reads the indexes, so a shared cache's indexes serve every run unchanged.
    const fresh = await compareImages(v1, v2, diff);
    const shared = new KeptIndexes();
    const first = await compareImages(v1, v2, diff, { cache: shared });
    const second = await compareImages(v1, v2, diff, { cache: shared });
    expect(first.changes).toEqual(fresh.changes);
    expect(second.changes).toEqual(fresh.changes);
    expect(second.after.files).toEqual(fresh.after.files);
    expect(fresh.changes.packages.length).toBeGreaterThan(0);
    // The indexes the caller's cache keeps were never turned into tree entries.
    expect(shared.kept.length).toBeGreaterThan(0);
    for (const index of shared.kept) {
      for (const e of index.entries) {
        expect(e).not.toHaveProperty('layer');
        expect(e).not.toHaveProperty('ownership');
      }
    }
  });

  it("opens the previous image on its own platform when one is given (a stage's FROM --platform changed)", async () => {
    const amd64 = { os: 'linux', architecture: 'amd64' };
    const ok = await compareImages(v1, v2, diff, { previousPlatform: amd64 });
    expect(ok.before?.image.platform).toBe('linux/amd64');
    // The examples are amd64 only: asking for the previous image on arm64 must fail, not follow the new one.
    await expect(
      compareImages(v1, v2, diff, { previousPlatform: { os: 'linux', architecture: 'arm64' } }),
    ).rejects.toMatchObject({ code: 'PLATFORM_NOT_FOUND' });
  });

  it('reads fresh objects from a disk cache and can use them in place, with the same answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ic-scan-'));
    const cache = new DiskLayerIndexCache(dir, defaultCaptureSpec());
    const cold = await inspectImage(v2, { cache });
    const warm = await inspectImage(v2, { cache });
    expect(cache.stats.hits).toBeGreaterThan(0);
    expect(warm.files).toEqual(cold.files);
    expect(warm.packages).toEqual(cold.packages);
  });
});
