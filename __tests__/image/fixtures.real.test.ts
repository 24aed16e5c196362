import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openImage } from '../../src/image/open.js';
import { formatPlatform, parsePlatform } from '../../src/oci/platform.js';
import type { Image } from '../../src/image/types.js';
import { readLayer } from '../../src/layers/read-layer.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const imagesDir = resolve(repoRoot, '../shared/fixtures/images');
const present = existsSync(imagesDir);
if (!present) console.warn(`fixtures.real: ${imagesDir} is absent; skipping the real-image checks`);

const amd64 = { os: 'linux', architecture: 'amd64' };
const capture = { globs: [], maxFileBytes: 1024, probes: [] };

/** What the fixtures README says each single-platform image is. */
const EXPECTED: Record<string, { platform: string; layers: number }> = {
  'alpine-3.19.4.oci.tar': { platform: 'linux/amd64', layers: 1 },
  'alpine-3.20.3.oci.tar': { platform: 'linux/amd64', layers: 1 },
  'alpine-3.19.4-to-3.20.3.oci.tar': { platform: 'linux/amd64', layers: 2 },
  'alpine-3.19.4-to-3.20.3.docker.tar': { platform: 'linux/amd64', layers: 2 },
  'almalinux-9.2-micro-arm64.oci.tar': { platform: 'linux/arm64', layers: 1 },
  'almalinux-9.3-micro-arm64.oci.tar': { platform: 'linux/arm64', layers: 1 },
  'almalinux-9.2-to-9.3-micro-arm64.oci.tar': { platform: 'linux/arm64', layers: 2 },
  'almalinux-8.8-micro-s390x.oci.tar': { platform: 'linux/s390x', layers: 1 },
  'almalinux-8.9-micro-s390x.oci.tar': { platform: 'linux/s390x', layers: 1 },
  'busybox-glibc-latest.oci.tar': { platform: 'linux/amd64', layers: 1 },
  'busybox-glibc-latest-1.oci.tar': { platform: 'linux/amd64', layers: 1 },
};
const MULTIARCH = 'almalinux-9.3-micro-multiarch.oci.tar';

async function withImage<T>(
  reference: string,
  options: Parameters<typeof openImage>[1],
  fn: (img: Image) => T | Promise<T>,
): Promise<T> {
  const img = await openImage(reference, options);
  try {
    return await fn(img);
  } finally {
    await img.close();
  }
}

describe.skipIf(!present)('real fixture images', () => {
  const files = present ? readdirSync(imagesDir).filter((f) => f.endsWith('.tar')) : [];

  it('knows every image in the fixtures folder', () => {
    expect(files.sort()).toEqual([...Object.keys(EXPECTED), MULTIARCH].sort());
  });

  it.each(Object.entries(EXPECTED))(
    'opens %s by bare path with its platform and layers',
    async (file, expected) => {
      await withImage(join(imagesDir, file), { host: amd64 }, (img) => {
        expect(formatPlatform(img.platform)).toBe(expected.platform);
        expect(img.layers).toHaveLength(expected.layers);
        expect(img.config.rootfs.diff_ids).toEqual(img.layers.map((l) => l.diffID));
        expect(img.manifestDigest).toMatch(/^sha256:[a-f0-9]{64}$/);
        expect(img.availablePlatforms).toEqual([]);
        for (const layer of img.layers) expect(layer.size).toBeGreaterThan(0);
      });
    },
  );

  it('reads the same image from the docker-archive and the oci-archive of it', async () => {
    const [docker, oci] = await Promise.all([
      openImage(
        `docker-archive:${join(imagesDir, 'alpine-3.19.4-to-3.20.3.docker.tar')}:local/alpine:3.19.4-to-3.20.3`,
      ),
      openImage(`oci-archive:${join(imagesDir, 'alpine-3.19.4-to-3.20.3.oci.tar')}`),
    ]);
    try {
      expect(docker.configDigest).toBe(oci.configDigest);
      expect(docker.config).toEqual(oci.config);
      expect(docker.layers.map((l) => l.diffID)).toEqual(oci.layers.map((l) => l.diffID));
      // The docker-archive's layers are the uncompressed tars: reading them verifies the diffIDs.
      for (const layer of docker.layers) expect((await readLayer(layer, capture)).diffID).toBe(layer.diffID);
    } finally {
      await docker.close();
      await oci.close();
    }
  });

  it('verifies the gzip layers of a real OCI archive', async () => {
    await withImage(join(imagesDir, 'busybox-glibc-latest.oci.tar'), {}, async (img) => {
      const index = await readLayer(img.layers[0]!, capture);
      expect(index.digest).toBe(img.layers[0]!.digest);
      expect(index.compression).toBe('gzip');
      expect(index.entries.length).toBeGreaterThan(100);
    });
  });

  it('chooses linux/s390x and linux/arm64 from the multi-platform index', async () => {
    const path = join(imagesDir, MULTIARCH);
    const s390x = await withImage(path, { platform: parsePlatform('linux/s390x') }, (img) => img);
    const arm64 = await withImage(
      `oci-archive:${path}:9.3-micro`,
      { platform: parsePlatform('linux/arm64') },
      (img) => img,
    );
    expect(formatPlatform(s390x.platform)).toBe('linux/s390x');
    expect(formatPlatform(arm64.platform)).toBe('linux/arm64');
    expect(s390x.manifestDigest).not.toBe(arm64.manifestDigest);
    expect(s390x.indexDigest).toBe(arm64.indexDigest);
    expect(s390x.availablePlatforms.map(formatPlatform)).toEqual(['linux/arm64', 'linux/s390x']);
    // The arm64 entry is the very image of the single-platform archive.
    const single = await withImage(
      join(imagesDir, 'almalinux-9.3-micro-arm64.oci.tar'),
      {},
      (img) => img.manifestDigest,
    );
    expect(arm64.manifestDigest).toBe(single);
  });

  it('lists the platforms of the multi-platform index when the one asked for is missing', async () => {
    const path = join(imagesDir, MULTIARCH);
    await expect(openImage(path, { platform: parsePlatform('linux/amd64') })).rejects.toMatchObject({
      code: 'PLATFORM_NOT_FOUND',
      message: expect.stringContaining('available: linux/arm64, linux/s390x'),
    });
    await expect(openImage(path, { host: amd64 })).rejects.toMatchObject({ code: 'PLATFORM_NOT_FOUND' });
  });
});
