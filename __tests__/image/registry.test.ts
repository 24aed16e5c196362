import { afterEach, describe, expect, it } from 'vitest';
import type { Readable } from 'node:stream';
import { RegistrySource, type BlobProgress } from '../../src/image/registry.js';
import { openImage } from '../../src/image/open.js';
import { RegistryClient } from '../../src/registry/client.js';
import { FakeRegistry } from '../helpers/fake-registry.js';
import { digestOf, gzip, makeTar } from '../helpers/tar.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const AMD64 = { os: 'linux', architecture: 'amd64' };

let registry: FakeRegistry | undefined;
afterEach(async () => {
  await registry?.stop();
  registry = undefined;
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Push one image (config + gzip layers) into the fake registry; returns what a reader must see. */
async function pushImage(r: FakeRegistry, repo: string, arch: string, docker = false, tag?: string) {
  const tars = [
    await makeTar([{ name: `etc/${arch}`, content: `built for ${arch}\n` }]),
    await makeTar([{ name: 'app/bin', content: Buffer.alloc(20_000, 7) }]),
  ];
  const blobs = tars.map((t) => gzip(t));
  const config = Buffer.from(
    JSON.stringify({
      os: 'linux',
      architecture: arch,
      config: { User: 'app' },
      rootfs: { type: 'layers', diff_ids: tars.map(digestOf) },
    }),
  );
  r.addBlob(config);
  blobs.forEach((b) => r.addBlob(b));
  const manifest = {
    schemaVersion: 2,
    mediaType: docker ? DOCKER_MANIFEST : OCI_MANIFEST,
    config: {
      mediaType: docker
        ? 'application/vnd.docker.container.image.v1+json'
        : 'application/vnd.oci.image.config.v1+json',
      digest: digestOf(config),
      size: config.length,
    },
    layers: blobs.map((b) => ({
      mediaType: docker
        ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
        : 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: digestOf(b),
      size: b.length,
    })),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = r.addManifest(repo, bytes, manifest.mediaType, tag);
  return { digest, bytes, config, blobs, tars };
}

describe('image/registry', () => {
  it('opens a single-manifest image and downloads a layer only when it is opened', async () => {
    registry = await new FakeRegistry().start();
    const pushed = await pushImage(registry, 'team/app', 'amd64', false, '1.0');
    const progress: BlobProgress[] = [];
    const source = new RegistrySource({ host: AMD64, onProgress: (p) => progress.push(p) });
    const image = await source.open(`docker://${registry.host}/team/app:1.0`, {});
    expect(image.reference).toBe(`docker://${registry.host}/team/app:1.0`);
    expect(image.manifestDigest).toBe(pushed.digest);
    expect(image.indexDigest).toBeUndefined();
    expect(image.configDigest).toBe(digestOf(pushed.config));
    expect(image.config.config?.User).toBe('app');
    expect(image.platform).toEqual(AMD64);
    expect(image.layers.map((l) => [l.digest, l.diffID, l.size])).toEqual(
      pushed.blobs.map((b, i) => [digestOf(b), digestOf(pushed.tars[i]!), b.length]),
    );
    const layerRequests = (): number =>
      registry!.seen.filter((s) => s.url.includes('/blobs/') && !s.url.includes(image.configDigest)).length;
    expect(layerRequests()).toBe(0);
    const second = await readAll(await image.layers[1]!.open());
    expect(second.equals(pushed.blobs[1]!)).toBe(true);
    expect(layerRequests()).toBe(1);
    expect(progress.at(-1)).toEqual({
      digest: digestOf(pushed.blobs[1]!),
      bytes: pushed.blobs[1]!.length,
      total: pushed.blobs[1]!.length,
    });
    // Re-openable: a second open streams the blob again.
    expect((await readAll(await image.layers[1]!.open())).equals(pushed.blobs[1]!)).toBe(true);
    await image.close();
  });

  it.each([
    ['an OCI index', OCI_INDEX, false],
    ['a Docker manifest list', DOCKER_LIST, true],
  ])('chooses the platform from %s, skipping attestations', async (_name, indexType, docker) => {
    registry = await new FakeRegistry().start();
    const amd = await pushImage(registry, 'team/multi', 'amd64', docker);
    const arm = await pushImage(registry, 'team/multi', 'arm64', docker);
    const manifestType = docker ? DOCKER_MANIFEST : OCI_MANIFEST;
    const index = {
      schemaVersion: 2,
      mediaType: indexType,
      manifests: [
        { mediaType: manifestType, digest: amd.digest, size: amd.bytes.length, platform: AMD64 },
        {
          mediaType: manifestType,
          digest: arm.digest,
          size: arm.bytes.length,
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        },
        {
          mediaType: manifestType,
          digest: amd.digest,
          size: amd.bytes.length,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
        },
      ],
    };
    const indexDigest = registry.addManifest('team/multi', index, indexType, 'latest');
    const source = new RegistrySource({ host: AMD64 });
    const byDefault = await source.open(`${registry.host}/team/multi`, {});
    expect(byDefault.manifestDigest).toBe(amd.digest);
    expect(byDefault.indexDigest).toBe(indexDigest);
    expect(byDefault.availablePlatforms).toEqual([
      AMD64,
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    const armImage = await source.open(`${registry.host}/team/multi:latest`, {
      platform: { os: 'linux', architecture: 'arm64' },
    });
    expect(armImage.manifestDigest).toBe(arm.digest);
    expect(armImage.platform.architecture).toBe('arm64');
    expect((await readAll(await armImage.layers[0]!.open())).equals(arm.blobs[0]!)).toBe(true);
    const err = await source
      .open(`${registry.host}/team/multi`, { platform: { os: 'linux', architecture: 's390x' } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PLATFORM_NOT_FOUND' });
    expect((err as Error).message).toContain('linux/arm64/v8');
  });

  it('opens by digest, and refuses an index entry whose size does not match the manifest', async () => {
    registry = await new FakeRegistry().start();
    const amd = await pushImage(registry, 'team/app', 'amd64');
    const source = new RegistrySource({ host: AMD64 });
    const image = await source.open(`${registry.host}/team/app@${amd.digest}`, {});
    expect(image.manifestDigest).toBe(amd.digest);
    const lying = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { mediaType: OCI_MANIFEST, digest: amd.digest, size: amd.bytes.length + 1, platform: AMD64 },
      ],
    };
    registry.addManifest('team/app', lying, OCI_INDEX, 'lying');
    await expect(source.open(`${registry.host}/team/app:lying`, {})).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
  });

  it('refuses a config that does not match its descriptor', async () => {
    registry = await new FakeRegistry().start();
    const amd = await pushImage(registry, 'team/app', 'amd64', false, 'bad');
    const tampered = Buffer.from(amd.config.toString().replace('"User":"app"', '"User":"adm"'));
    registry.blobs.set(digestOf(amd.config), tampered);
    const source = new RegistrySource({ host: AMD64, clientOptions: { retry: { maxAttempts: 1 } } });
    await expect(source.open(`${registry.host}/team/app:bad`, {})).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
    registry.blobs.set(digestOf(amd.config), Buffer.from('{}'));
    await expect(source.open(`${registry.host}/team/app:bad`, {})).rejects.toMatchObject({
      code: 'SIZE_MISMATCH',
    });
  });

  it('is what openImage uses for docker:// and bare registry names', async () => {
    registry = await new FakeRegistry().start();
    const pushed = await pushImage(registry, 'team/app', 'amd64', false, '2.0');
    const source = new RegistrySource({ client: new RegistryClient(), host: AMD64 });
    for (const ref of [`docker://${registry.host}/team/app:2.0`, `${registry.host}/team/app:2.0`]) {
      const image = await openImage(ref, { extraSources: [source] });
      expect(image.manifestDigest).toBe(pushed.digest);
      expect(image.reference).toBe(ref);
    }
  });
});
