import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLayer } from '../../src/layers/read-layer.js';
import { OciArchiveSource } from '../../src/image/oci-archive.js';
import { OciLayoutSource } from '../../src/image/oci-layout.js';
import { formatPlatform, parsePlatform } from '../../src/oci/platform.js';
import type { Image, ImageSource, OpenImageOptions } from '../../src/image/types.js';
import type { Descriptor, Platform } from '../../src/oci/types.js';
import { ImageChangelogError } from '../../src/util/errors.js';
import {
  buildOciLayoutFiles,
  tarOfFiles,
  writeLayoutFiles,
  type OciLayoutSpec,
} from '../helpers/image-builder.js';
import { digestOf, makeTar } from '../helpers/tar.js';

const amd64: Platform = { os: 'linux', architecture: 'amd64' };
const arm64: Platform = { os: 'linux', architecture: 'arm64' };
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

let tmp: string;
let counter = 0;
let layerA: Buffer;
let layerB: Buffer;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'oci-layout-'));
  layerA = await makeTar([{ name: 'etc/' }, { name: 'etc/os-release', content: 'ID=test\n' }]);
  layerB = await makeTar([
    { name: 'usr/bin/tool', content: '#!/bin/sh\necho hi\n', mode: 0o755 },
    { name: 'etc/.wh.os-release', content: '' },
  ]);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** The same layout files, as a directory (oci:) or an archive (oci-archive:). */
interface Form {
  name: string;
  write(files: Map<string, Buffer>): Promise<string>;
  source(host?: Platform): ImageSource;
}
const forms: Form[] = [
  {
    name: 'OCI layout directory',
    async write(files) {
      const dir = join(tmp, `layout-${counter++}`);
      await writeLayoutFiles(dir, files);
      return `oci:${dir}`;
    },
    source: (host) => new OciLayoutSource(host ? { host } : {}),
  },
  {
    name: 'oci-archive',
    async write(files) {
      const file = join(tmp, `archive-${counter++}.tar`);
      await writeFile(file, await tarOfFiles(files));
      return `oci-archive:${file}`;
    },
    source: (host) => new OciArchiveSource(host ? { host } : {}),
  },
];

function blob(
  files: Map<string, Buffer>,
  value: unknown,
  mediaType: string,
  extra: Partial<Descriptor> = {},
): Descriptor {
  const bytes = Buffer.from(JSON.stringify(value));
  files.set(`blobs/sha256/${digestOf(bytes).slice(7)}`, bytes);
  return { mediaType, digest: digestOf(bytes), size: bytes.length, ...extra };
}

function setIndexJson(files: Map<string, Buffer>, manifests: Descriptor[]): void {
  files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests })));
}

async function openError(
  source: ImageSource,
  reference: string,
  options: OpenImageOptions = {},
): Promise<ImageChangelogError> {
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

async function withImage<T>(
  source: ImageSource,
  reference: string,
  options: OpenImageOptions,
  fn: (img: Image) => T | Promise<T>,
): Promise<T> {
  const img = await source.open(reference, options);
  try {
    return await fn(img);
  } finally {
    await img.close();
    await img.close();
  }
}

const capture = { globs: [], maxFileBytes: 1024, probes: [] };

describe.each(forms)('oci layout sources: $name', (form) => {
  it.each(['gzip', 'zstd', 'none'] as const)(
    'opens a single %s image with verified manifest, config and re-openable layers',
    async (compress) => {
      const spec: OciLayoutSpec = {
        layers: [layerA, layerB],
        compress,
        config: { config: { User: 'app', Labels: { a: 'b' } } },
      };
      const built = buildOciLayoutFiles(spec);
      const ref = await form.write(built.files);
      for (const reference of [ref, `${ref}:latest`]) {
        await withImage(form.source(), reference, {}, async (img) => {
          expect(img.reference).toBe(reference);
          expect(img.manifestDigest).toBe(built.image.manifestDigest);
          expect(img.indexDigest).toBeUndefined();
          expect(img.availablePlatforms).toEqual([]);
          expect(img.configDigest).toBe(built.image.configDigest);
          expect(img.config).toEqual(built.image.config);
          expect(img.platform).toEqual(amd64);
          expect(img.layers.map((l) => [l.digest, l.diffID, l.size, l.mediaType])).toEqual(
            built.image.layers.map((l) => [l.digest, l.diffID, l.size, l.mediaType]),
          );
          for (const layer of img.layers) {
            for (let round = 0; round < 2; round++) {
              const index = await readLayer(layer, capture); // verifies digest and diffID
              expect(index.diffID).toBe(layer.diffID);
              expect(index.compression).toBe(compress);
            }
          }
        });
      }
    },
  );

  it('chooses the platform from an index: host default, explicit, and skips attestations', async () => {
    const built = buildOciLayoutFiles({
      layers: [layerA],
      platforms: [amd64, arm64],
      attestation: true,
      tag: 'multi',
    });
    const ref = await form.write(built.files);
    const [amdImage, armImage] = built.tags[0]!.images;
    await withImage(form.source(amd64), ref, {}, (img) => {
      expect(img.manifestDigest).toBe(amdImage!.manifestDigest);
      expect(img.indexDigest).toBe(built.tags[0]!.indexDigest);
      expect(img.availablePlatforms.map(formatPlatform)).toEqual(['linux/amd64', 'linux/arm64']);
    });
    await withImage(form.source(arm64), `${ref}:multi`, {}, (img) =>
      expect(img.manifestDigest).toBe(armImage!.manifestDigest),
    );
    await withImage(form.source(amd64), ref, { platform: parsePlatform('linux/arm64/v8') }, (img) => {
      expect(img.manifestDigest).toBe(armImage!.manifestDigest);
      expect(img.platform).toEqual(arm64);
    });
  });

  it('lists the platforms that exist when the one asked for is missing', async () => {
    const ref = await form.write(
      buildOciLayoutFiles({ layers: [layerA], platforms: [amd64, arm64], attestation: true }).files,
    );
    const err = await openError(form.source(amd64), ref, { platform: parsePlatform('linux/s390x') });
    expect(err.code).toBe('PLATFORM_NOT_FOUND');
    expect(err.message).toContain('available: linux/amd64, linux/arm64');
    const hostErr = await openError(form.source({ os: 'linux', architecture: 'riscv64' }), ref);
    expect(hostErr.message).toContain('host platform linux/riscv64');
  });

  it('takes the only platform of an index whatever the host is', async () => {
    const built = buildOciLayoutFiles({
      layers: [layerA],
      platforms: [{ os: 'linux', architecture: 's390x' }],
      attestation: true,
    });
    await withImage(form.source(amd64), await form.write(built.files), {}, (img) =>
      expect(img.platform.architecture).toBe('s390x'),
    );
  });

  it('selects images by tag, by containerd name and by digest, and lists tags otherwise', async () => {
    const built = buildOciLayoutFiles([
      {
        layers: [layerA],
        tag: 'v1',
        annotations: { 'io.containerd.image.name': 'docker.io/library/app:v1' },
      },
      { layers: [layerA, layerB], tag: 'v2' },
    ]);
    const ref = await form.write(built.files);
    const [v1, v2] = built.tags.map((t) => t.images[0]!);
    await withImage(form.source(), `${ref}:v1`, {}, (img) =>
      expect(img.manifestDigest).toBe(v1!.manifestDigest),
    );
    await withImage(form.source(), `${ref}:v2`, {}, (img) => expect(img.layers).toHaveLength(2));
    await withImage(form.source(), `${ref}:docker.io/library/app:v1`, {}, (img) =>
      expect(img.manifestDigest).toBe(v1!.manifestDigest),
    );
    await withImage(form.source(), `${ref}:${v2!.manifestDigest}`, {}, (img) =>
      expect(img.manifestDigest).toBe(v2!.manifestDigest),
    );
    const untagged = await openError(form.source(), ref);
    expect(untagged.message).toContain('holds 2 images');
    expect(untagged.message).toContain('tags: v1, v2');
    expect(untagged.message).toContain(`name one as ${ref.slice(0, ref.indexOf(':'))}:`);
    const unknown = await openError(form.source(), `${ref}:v3`);
    expect(unknown.code).toBe('IMAGE_NOT_FOUND');
    expect(unknown.message).toContain('no image tagged "v3"');
    expect(unknown.message).toContain('tags: v1, v2');
  });

  it('treats an untagged index.json of several platforms as a platform index', async () => {
    const built = buildOciLayoutFiles([
      { layers: [layerA], platform: amd64, tag: null },
      { layers: [layerA], platform: arm64, tag: null },
    ]);
    const manifests = built.tags.map((t) => ({
      mediaType: OCI_MANIFEST,
      digest: t.images[0]!.manifestDigest,
      size: t.images[0]!.manifestBytes.length,
      platform: t.images[0]!.platform,
    }));
    setIndexJson(built.files, manifests);
    const ref = await form.write(built.files);
    await withImage(form.source(amd64), ref, { platform: arm64 }, (img) => {
      expect(img.manifestDigest).toBe(built.tags[1]!.images[0]!.manifestDigest);
      expect(img.availablePlatforms).toHaveLength(2);
    });
  });

  it('follows one nested index and refuses deeper nesting', async () => {
    const built = buildOciLayoutFiles({ layers: [layerA], platforms: [amd64] });
    const inner = {
      mediaType: OCI_INDEX,
      digest: built.tags[0]!.indexDigest!,
      size: Buffer.from(JSON.stringify(built.tags[0]!.index)).length,
    };
    const outer = blob(
      built.files,
      { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ ...inner, platform: amd64 }] },
      OCI_INDEX,
    );
    setIndexJson(built.files, [outer]);
    await withImage(form.source(amd64), await form.write(built.files), {}, (img) => {
      expect(img.manifestDigest).toBe(built.image.manifestDigest);
      expect(img.indexDigest).toBe(inner.digest);
    });
    const outermost = blob(
      built.files,
      { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ ...outer, platform: amd64 }] },
      OCI_INDEX,
    );
    setIndexJson(built.files, [outermost]);
    const err = await openError(form.source(amd64), await form.write(built.files));
    expect(err.message).toContain('nested too deeply');
  });

  it('refuses a tampered manifest or config blob, naming the digest', async () => {
    for (const which of ['manifest', 'config'] as const) {
      const built = buildOciLayoutFiles({ layers: [layerA] });
      const digest = which === 'manifest' ? built.image.manifestDigest : built.image.configDigest;
      const path = `blobs/sha256/${digest.slice(7)}`;
      const bytes = Buffer.from(built.files.get(path)!);
      bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 1;
      built.files.set(path, bytes);
      const err = await openError(form.source(), await form.write(built.files));
      expect(err.code).toBe('DIGEST_MISMATCH');
      expect(err.message).toContain(digest);
    }
  });

  it('hands out a tampered layer that the layer reader refuses', async () => {
    const built = buildOciLayoutFiles({ layers: [layerA], compress: 'none' });
    const path = `blobs/sha256/${built.image.layers[0]!.digest.slice(7)}`;
    const bytes = Buffer.from(built.files.get(path)!);
    bytes[1026] = bytes[1026]! ^ 1; // inside etc/os-release's content, so the tar still parses
    built.files.set(path, bytes);
    await withImage(form.source(), await form.write(built.files), {}, async (img) => {
      // Stored uncompressed, so digest and diffID are the same hash: either check may fire first.
      await expect(readLayer(img.layers[0]!, capture)).rejects.toMatchObject({
        code: expect.stringMatching(/^(DIGEST|DIFFID)_MISMATCH$/),
      });
    });
  });

  it('says which blob is missing', async () => {
    const built = buildOciLayoutFiles({ layers: [layerA] });
    built.files.delete(`blobs/sha256/${built.image.layers[0]!.digest.slice(7)}`);
    await withImage(form.source(), await form.write(built.files), {}, async (img) => {
      await expect(img.layers[0]!.open()).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
    });
    built.files.delete(`blobs/sha256/${built.image.configDigest.slice(7)}`);
    const err = await openError(form.source(), await form.write(built.files));
    expect(err.code).toBe('BLOB_NOT_FOUND');
    expect(err.message).toContain(built.image.configDigest);
  });

  it('refuses a manifest larger than the cap before reading it', async () => {
    const built = buildOciLayoutFiles({ layers: [layerA] });
    setIndexJson(built.files, [
      { mediaType: OCI_MANIFEST, digest: built.image.manifestDigest, size: 5 * 1024 * 1024 },
    ]);
    expect((await openError(form.source(), await form.write(built.files))).code).toBe('MANIFEST_TOO_LARGE');
    // A huge blob behind a descriptor that lies about its size is refused too.
    const huge = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
    built.files.set(`blobs/sha256/${digestOf(huge).slice(7)}`, huge);
    setIndexJson(built.files, [{ mediaType: OCI_MANIFEST, digest: digestOf(huge), size: 100 }]);
    expect((await openError(form.source(), await form.write(built.files))).code).toBe('MANIFEST_TOO_LARGE');
  });

  it.each([
    [
      'malformed index.json',
      (f: Map<string, Buffer>) => f.set('index.json', Buffer.from('{"manifests": [')),
      'MANIFEST_INVALID',
    ],
    [
      'index.json that is a manifest',
      (f: Map<string, Buffer>) =>
        f.set(
          'index.json',
          Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: {}, layers: [] })),
        ),
      'MANIFEST_INVALID',
    ],
    ['an empty index.json', (f: Map<string, Buffer>) => setIndexJson(f, []), 'IMAGE_NOT_FOUND'],
    [
      'an artifact media type',
      (f: Map<string, Buffer>) =>
        setIndexJson(f, [blob(f, { schemaVersion: 2 }, 'application/vnd.example.artifact+json')]),
      'MEDIA_TYPE_UNSUPPORTED',
    ],
    ['no oci-layout file', (f: Map<string, Buffer>) => f.delete('oci-layout'), 'IMAGE_NOT_FOUND'],
    [
      'layout version 2',
      (f: Map<string, Buffer>) => f.set('oci-layout', Buffer.from('{"imageLayoutVersion":"2.0.0"}')),
      'MANIFEST_INVALID',
    ],
    [
      'a sha512 manifest digest',
      (f: Map<string, Buffer>) =>
        setIndexJson(f, [{ mediaType: OCI_MANIFEST, digest: `sha512:${'a'.repeat(128)}`, size: 1 }]),
      'DIGEST_UNSUPPORTED',
    ],
  ])('refuses a layout with %s', async (_what, damage, code) => {
    const built = buildOciLayoutFiles({ layers: [layerA] });
    damage(built.files);
    expect((await openError(form.source(), await form.write(built.files))).code).toBe(code);
  });

  it('refuses a config whose diff_ids do not match the layers', async () => {
    const built = buildOciLayoutFiles({ layers: [layerA] });
    const config = blob(
      built.files,
      { ...built.image.config, rootfs: { type: 'layers', diff_ids: [] } },
      'application/vnd.oci.image.config.v1+json',
    );
    const manifest = blob(built.files, { ...built.image.manifest, config }, OCI_MANIFEST);
    setIndexJson(built.files, [manifest]);
    const err = await openError(form.source(), await form.write(built.files));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain('lists 0 layers but the manifest has 1');
  });

  it('reads Docker schema 2 media types', async () => {
    const built = buildOciLayoutFiles({ layers: [layerA], mediaTypes: 'docker', platforms: [amd64, arm64] });
    await withImage(form.source(arm64), await form.write(built.files), {}, (img) => {
      expect(img.manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
      expect(img.layers[0]!.mediaType).toBe('application/vnd.docker.image.rootfs.diff.tar.gzip');
      expect(img.platform).toEqual(arm64);
    });
  });
});

describe('oci layout sources', () => {
  it('refuses a file given as an OCI layout directory, pointing at oci-archive', async () => {
    const file = join(tmp, 'file.tar');
    await writeFile(file, await tarOfFiles(buildOciLayoutFiles({ layers: [layerA] }).files));
    const err = await openError(new OciLayoutSource(), `oci:${file}`);
    expect(err.message).toContain(`oci-archive:${file}`);
    expect((await openError(new OciLayoutSource(), `oci:${join(tmp, 'absent')}`)).code).toBe(
      'IMAGE_NOT_FOUND',
    );
  });
});
