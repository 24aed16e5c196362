import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../src/image/open.js';
import { OCI_INDEX, OCI_MANIFEST } from '../../src/oci/media-types.js';
import { parsePlatform } from '../../src/oci/platform.js';
import type { Image } from '../../src/image/types.js';
import { ImageChangelogError } from '../../src/util/errors.js';
import {
  buildOciLayoutFiles,
  writeDockerArchive,
  writeLayoutFiles,
  writeOciArchive,
  writeOciLayout,
} from '../helpers/image-builder.js';
import { makeTar } from '../helpers/tar.js';

let tmp: string;
let layer: Buffer;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'resolve-image-'));
  layer = await makeTar([{ name: 'hello', content: 'world' }]);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function errorOf(p: Promise<Image>): Promise<ImageChangelogError> {
  const err: unknown = await p.then(
    async (img) => {
      await img.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  if (!(err instanceof ImageChangelogError))
    throw new Error(`expected an ImageChangelogError, got ${String(err)}`);
  return err;
}

const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = parsePlatform('linux/arm64');

describe('one resolver for every source', () => {
  it('refuses a platform a single-platform image does not have, in every local form, naming the one it has', async () => {
    const dir = join(tmp, 'single');
    await writeOciLayout(dir, { layers: [layer], platform: amd64 });
    const ociTar = join(tmp, 'single.oci.tar');
    await writeOciArchive(ociTar, { layers: [layer], platform: amd64 });
    const dockerTar = join(tmp, 'single.docker.tar');
    await writeDockerArchive(dockerTar, { layers: [layer], platform: amd64, repoTags: ['app:1'] });
    for (const reference of [dir, `oci:${dir}`, ociTar, `oci-archive:${ociTar}`, dockerTar]) {
      const err = await errorOf(openImage(reference, { platform: arm64 }));
      expect(err.code).toBe('PLATFORM_NOT_FOUND');
      expect(err.oneLine()).toContain('platform linux/arm64 is not available');
      expect(err.oneLine()).toContain('available: linux/amd64');
      expect(err.oneLine()).toContain('--platform');
      // The platform it has opens, and so does no platform at all.
      const same = await openImage(reference, { platform: amd64 });
      expect(same.platform).toEqual(amd64);
      await same.close();
    }
  });

  it('accepts a compatible variant of a single-platform image (arm64 is arm64/v8)', async () => {
    const dir = join(tmp, 'arm');
    await writeOciLayout(dir, { layers: [layer], platform: arm64 });
    const img = await openImage(dir, { platform: parsePlatform('linux/arm64/v8') });
    expect(img.platform).toEqual(arm64);
    await img.close();
  });

  it('hands out a read-only image', async () => {
    const dir = join(tmp, 'frozen');
    await writeOciLayout(dir, { layers: [layer] });
    const img = await openImage(dir);
    expect(Object.isFrozen(img)).toBe(true);
    expect(Object.isFrozen(img.layers[0])).toBe(true);
    expect(() => {
      (img as { reference: string }).reference = 'other';
    }).toThrow(TypeError);
    await img.close();
  });

  it('cuts a long list of platforms with a count', async () => {
    const built = buildOciLayoutFiles({ layers: [layer], platforms: [amd64] });
    const entry = built.tags[0]!.index!.manifests[0]!;
    const manifests = Array.from({ length: 18_000 }, (_, i) => ({
      ...entry,
      platform: { os: 'linux', architecture: `arch${i}` },
    }));
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
    built.files.set('index.json', index);
    const dir = join(tmp, 'many');
    await writeLayoutFiles(dir, built.files);
    const err = await errorOf(openImage(dir, { platform: parsePlatform('linux/s390x') }));
    expect(err.code).toBe('PLATFORM_NOT_FOUND');
    expect(err.oneLine()).toContain('available: linux/arch0, linux/arch1,');
    expect(err.oneLine()).toContain('(and 17,980 more)');
    expect(err.oneLine().length).toBeLessThan(1000);
  });

  it('refuses an index.json that is a FIFO instead of hanging on it', async () => {
    const dir = join(tmp, 'fifo');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    execFileSync('mkfifo', [join(dir, 'index.json')]);
    const err = await errorOf(openImage(dir));
    expect(err.code).toBe('IMAGE_NOT_FOUND');
    expect(err.oneLine()).toContain(`${dir} index.json is not a regular file`);
    const archive = join(tmp, 'image.tar');
    execFileSync('mkfifo', [archive]);
    for (const reference of [archive, `oci-archive:${archive}`, `docker-archive:${archive}`]) {
      const archiveErr = await errorOf(openImage(reference));
      expect(archiveErr.oneLine()).toContain(`cannot open archive ${archive}: it is not a regular file`);
    }
  });

  it('refuses a blob that is not a regular file', async () => {
    const built = buildOciLayoutFiles({ layers: [layer] });
    const dir = join(tmp, 'fifo-blob');
    const manifestPath = `blobs/sha256/${built.image.manifestDigest.slice(7)}`;
    built.files.delete(manifestPath);
    await writeLayoutFiles(dir, built.files);
    execFileSync('mkfifo', [join(dir, manifestPath)]);
    const err = await errorOf(openImage(dir));
    expect(err.oneLine()).toContain(`${built.image.manifestDigest} is not a regular file`);
  });

  it('says "no such file" for a reference written as a path, naming it, and never asks a registry', async () => {
    const asked: string[] = [];
    const registry = {
      transport: 'docker',
      open: (reference: string): Promise<Image> => {
        asked.push(reference);
        return Promise.reject(new Error('asked the registry'));
      },
    };
    for (const reference of [
      'app.tar',
      './app',
      '../x/app.tgz',
      '/nowhere/app',
      '~/app.tar',
      'dir/app.tar.gz',
    ]) {
      const err = await errorOf(openImage(reference, { extraSources: [registry] }));
      expect(err.code).toBe('IMAGE_NOT_FOUND');
      expect(err.message).toContain(`no such file or directory: ${reference}`);
    }
    expect((await errorOf(openImage('~/app.tar'))).message).toContain('~ is not expanded');
    expect(asked).toEqual([]);
  });

  it('resolves a manifest reached through the layout exactly as before (index digest, platforms)', async () => {
    const built = buildOciLayoutFiles({ layers: [layer], platforms: [amd64, arm64] });
    const dir = join(tmp, 'multi');
    await writeLayoutFiles(dir, built.files);
    const img = await openImage(dir, { platform: arm64 });
    expect(img.indexDigest).toBe(built.tags[0]!.indexDigest);
    expect(img.availablePlatforms).toEqual([amd64, arm64]);
    expect(img.manifest.mediaType ?? OCI_MANIFEST).toBe(OCI_MANIFEST);
    await img.close();
  });
});
