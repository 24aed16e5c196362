import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerArchiveSource, normalizeDockerName } from '../../src/image/docker-archive.js';
import { sha256Digest } from '../../src/oci/digest.js';
import type { Image, OpenImageOptions } from '../../src/image/types.js';
import { readLayer } from '../../src/layers/read-layer.js';
import { ImageChangelogError } from '../../src/util/errors.js';
import { tarOfFiles, writeDockerArchive } from '../helpers/image-builder.js';
import { compress } from '../helpers/memory-layer.js';
import { digestOf, makeTar } from '../helpers/tar.js';

let tmp: string;
let counter = 0;
let layerA: Buffer;
let layerB: Buffer;
const source = new DockerArchiveSource();
const capture = { globs: [], maxFileBytes: 1024, probes: [] };
const file = (): string => join(tmp, `archive-${counter++}.tar`);

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'docker-archive-'));
  layerA = await makeTar([{ name: 'etc/' }, { name: 'etc/hostname', content: 'a\n' }]);
  layerB = await makeTar([{ name: 'app/' }, { name: 'app/main.js', content: 'console.log(1)\n' }]);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function openError(reference: string, options: OpenImageOptions = {}): Promise<ImageChangelogError> {
  const err: unknown = await source.open(reference, options).then(
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

async function withImage<T>(reference: string, fn: (img: Image) => T | Promise<T>): Promise<T> {
  const img = await source.open(reference, {});
  try {
    return await fn(img);
  } finally {
    await img.close();
  }
}

describe('docker-archive', () => {
  it('opens a classic docker save tar: digests are the diffIDs, layers verify', async () => {
    const path = file();
    const built = await writeDockerArchive(
      path,
      {
        layers: [layerA, layerB],
        repoTags: ['app:1.0'],
        platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      },
      'classic',
    );
    const expected = built.images[0]!;
    for (const reference of [
      path,
      `docker-archive:${path}`,
      `docker-archive:${path}:app:1.0`,
      `docker-archive:${path}:docker.io/library/app:1.0`,
      `docker-archive:${path}:@0`,
    ]) {
      await withImage(reference, async (img) => {
        expect(img.reference).toBe(reference);
        expect(img.configDigest).toBe(expected.configDigest);
        expect(img.config).toEqual(expected.config);
        expect(img.platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
        expect(img.availablePlatforms).toEqual([]);
        expect(img.layers.map((l) => [l.digest, l.diffID, l.size, l.mediaType])).toEqual(
          [layerA, layerB].map((t) => [
            digestOf(t),
            digestOf(t),
            t.length,
            'application/vnd.docker.image.rootfs.diff.tar',
          ]),
        );
        for (const layer of img.layers) expect((await readLayer(layer, capture)).diffID).toBe(layer.diffID);
      });
    }
  });

  it('gives a classic archive the digest of its synthesised schema 2 manifest', async () => {
    const path = file();
    const built = await writeDockerArchive(path, { layers: [layerA] }, 'classic');
    await withImage(path, (img) => {
      expect(img.manifest).toEqual({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: {
          mediaType: 'application/vnd.docker.container.image.v1+json',
          digest: built.images[0]!.configDigest,
          size: built.images[0]!.configBytes.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.docker.image.rootfs.diff.tar',
            digest: digestOf(layerA),
            size: layerA.length,
          },
        ],
      });
      expect(img.manifestDigest).toBe(sha256Digest(Buffer.from(JSON.stringify(img.manifest))));
    });
    // Stable: the same image written again has the same identity.
    const again = file();
    await writeDockerArchive(again, { layers: [layerA] }, 'classic');
    const [a, b] = await Promise.all([source.open(path, {}), source.open(again, {})]);
    expect(a.manifestDigest).toBe(b.manifestDigest);
    await a.close();
    await b.close();
  });

  it('opens a Docker 25+ archive with the manifest digest from its OCI index', async () => {
    const path = file();
    const built = await writeDockerArchive(
      path,
      [
        { layers: [layerA], repoTags: ['one:1'] },
        { layers: [layerA, layerB], repoTags: ['two:2'] },
      ],
      'docker25',
    );
    const two = built.images[1]!;
    await withImage(`docker-archive:${path}:two:2`, async (img) => {
      expect(img.manifestDigest).toBe(two.manifestDigest);
      expect(img.manifest).toEqual(two.manifest);
      expect(img.layers.map((l) => [l.digest, l.diffID, l.mediaType])).toEqual(
        two.layers.map((l) => [l.digest, l.diffID, 'application/vnd.oci.image.layer.v1.tar']),
      );
      for (const layer of img.layers) expect((await readLayer(layer, capture)).digest).toBe(layer.digest);
    });
    await withImage(`docker-archive:${path}:@0`, (img) =>
      expect(img.manifestDigest).toBe(built.images[0]!.manifestDigest),
    );
  });

  it('lists the images of an archive holding several when none is named', async () => {
    const path = file();
    await writeDockerArchive(
      path,
      [{ layers: [layerA], repoTags: ['one:1', 'one:latest'] }, { layers: [layerB] }],
      'classic',
    );
    const err = await openError(path);
    expect(err.code).toBe('IMAGE_NOT_FOUND');
    expect(err.message).toContain('holds 2 images');
    expect(err.message).toContain('@0 (one:1, one:latest); @1 (untagged)');
    const missing = await openError(`docker-archive:${path}:three:3`);
    expect(missing.message).toContain('no image "three:3"');
    expect((await openError(`docker-archive:${path}:@5`)).code).toBe('IMAGE_NOT_FOUND');
    await withImage(`docker-archive:${path}:one`, (img) => expect(img.layers).toHaveLength(1));
  });

  it('accepts compressed layers named by their digest (crane-style) and refuses unnamed ones', async () => {
    const gz = compress(layerA, 'gzip');
    const config = {
      os: 'linux',
      architecture: 'amd64',
      rootfs: { type: 'layers', diff_ids: [digestOf(layerA)] },
    };
    const configBytes = Buffer.from(JSON.stringify(config));
    const files = new Map<string, Buffer>([
      [`sha256:${digestOf(configBytes).slice(7)}`, configBytes],
      [`${digestOf(gz).slice(7)}.tar.gz`, gz],
      [
        'manifest.json',
        Buffer.from(
          JSON.stringify([
            {
              Config: `sha256:${digestOf(configBytes).slice(7)}`,
              RepoTags: null,
              Layers: [`${digestOf(gz).slice(7)}.tar.gz`],
            },
          ]),
        ),
      ],
    ]);
    const path = file();
    await writeFile(path, await tarOfFiles(files));
    await withImage(path, async (img) => {
      expect(img.layers[0]!.digest).toBe(digestOf(gz));
      expect(img.layers[0]!.mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip');
      expect((await readLayer(img.layers[0]!, capture)).compression).toBe('gzip');
    });
    const tampered = new Map(files);
    tampered.set(
      `sha256:${digestOf(configBytes).slice(7)}`,
      Buffer.from(JSON.stringify({ ...config, os: 'windows' })),
    );
    const tamperedPath = file();
    await writeFile(tamperedPath, await tarOfFiles(tampered));
    expect((await openError(tamperedPath)).code).toBe('DIGEST_MISMATCH');
    files.set(
      'manifest.json',
      Buffer.from(
        JSON.stringify([{ Config: `sha256:${digestOf(configBytes).slice(7)}`, Layers: ['layer.tar.gz'] }]),
      ),
    );
    files.set('layer.tar.gz', gz);
    const unnamed = file();
    await writeFile(unnamed, await tarOfFiles(files));
    expect((await openError(unnamed)).message).toContain('not named by its digest');
  });

  it('refuses a config whose content does not match its name', async () => {
    const path = file();
    const built = await writeDockerArchive(path, { layers: [layerA] }, 'classic');
    const name = built.manifestJson[0]!.Config;
    built.files.set(name, Buffer.from(JSON.stringify({ ...built.images[0]!.config, os: 'windows' })));
    await writeFile(path, await tarOfFiles(built.files));
    const err = await openError(path);
    expect(err.code).toBe('DIGEST_MISMATCH');
    expect(err.message).toContain(name);
  });

  it.each([
    [
      'manifest.json that is not JSON',
      (f: Map<string, Buffer>) => f.set('manifest.json', Buffer.from('[{')),
      'ARCHIVE_INVALID',
    ],
    [
      'an empty manifest.json',
      (f: Map<string, Buffer>) => f.set('manifest.json', Buffer.from('[]')),
      'ARCHIVE_INVALID',
    ],
    [
      'an entry without Layers',
      (f: Map<string, Buffer>) => f.set('manifest.json', Buffer.from('[{"Config":"x.json"}]')),
      'ARCHIVE_INVALID',
    ],
    [
      'a missing config',
      (f: Map<string, Buffer>) => f.set('manifest.json', Buffer.from('[{"Config":"nope.json","Layers":[]}]')),
      'ARCHIVE_INVALID',
    ],
    ['no manifest.json', (f: Map<string, Buffer>) => f.delete('manifest.json'), 'ARCHIVE_INVALID'],
  ])('refuses an archive with %s', async (_what, damage, code) => {
    const path = file();
    const built = await writeDockerArchive(path, { layers: [layerA] }, 'classic');
    damage(built.files);
    await writeFile(path, await tarOfFiles(built.files));
    expect((await openError(path)).code).toBe(code);
  });

  it('refuses a missing layer and a layer count that differs from the config', async () => {
    const path = file();
    const built = await writeDockerArchive(path, { layers: [layerA, layerB] }, 'classic');
    const layers = built.manifestJson[0]!.Layers;
    built.files.delete(layers[1]!);
    await writeFile(path, await tarOfFiles(built.files));
    expect((await openError(path)).message).toContain(`layer ${layers[1]} named in manifest.json is missing`);
    built.files.set(
      'manifest.json',
      Buffer.from(JSON.stringify([{ ...built.manifestJson[0], Layers: [layers[0]] }])),
    );
    await writeFile(path, await tarOfFiles(built.files));
    expect((await openError(path)).code).toBe('CONFIG_INVALID');
  });

  it('normalises Docker names so short and full names compare equal', () => {
    expect(normalizeDockerName('alpine')).toBe('docker.io/library/alpine:latest');
    expect(normalizeDockerName('docker.io/alpine:3')).toBe('docker.io/library/alpine:3');
    expect(normalizeDockerName('index.docker.io/user/app:1')).toBe('docker.io/user/app:1');
    expect(normalizeDockerName('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(normalizeDockerName('ghcr.io/o/app:2')).toBe('ghcr.io/o/app:2');
  });
});
