import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../src/image/open.js';
import { parseTransport } from '../../src/image/source-reference.js';
import type { Image, ImageSource, OpenImageOptions } from '../../src/image/types.js';
import { ImageChangelogError } from '../../src/util/errors.js';
import { writeDockerArchive, writeOciArchive, writeOciLayout } from '../helpers/image-builder.js';
import { makeTar } from '../helpers/tar.js';

let tmp: string;
let layer: Buffer;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'open-image-'));
  layer = await makeTar([{ name: 'hello', content: 'world' }]);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A stand-in for the registry / daemon sources: records what it was asked. */
class RecordingSource implements ImageSource {
  calls: { reference: string; options: OpenImageOptions }[] = [];
  constructor(readonly transport: string) {}
  open(reference: string, options: OpenImageOptions): Promise<Image> {
    this.calls.push({ reference, options });
    return Promise.reject(
      new ImageChangelogError('IMAGE_NOT_FOUND', `recorded: ${this.transport} ${reference}`),
    );
  }
}

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

describe('parseTransport', () => {
  it.each([
    ['oci:/a/b:tag', 'oci', '/a/b:tag'],
    ['oci-archive:x.tar', 'oci-archive', 'x.tar'],
    ['docker-archive:x.tar:app:1', 'docker-archive', 'x.tar:app:1'],
    ['docker://alpine:3', 'docker', 'alpine:3'],
    ['docker-daemon:app:dev', 'docker-daemon', 'app:dev'],
    ['registry:ghcr.io/o/a:1', 'registry', 'ghcr.io/o/a:1'],
    ['alpine:3', undefined, 'alpine:3'],
    ['./image.tar', undefined, './image.tar'],
  ])('splits %s into transport %s', (reference, transport, rest) => {
    expect(parseTransport(reference)).toEqual(transport ? { transport, rest } : { rest });
  });
});

describe('openImage', () => {
  it('auto-detects a layout directory, an oci-archive and a docker-archive from bare paths', async () => {
    const dir = join(tmp, 'layout');
    const layout = await writeOciLayout(dir, { layers: [layer] });
    const ociTar = join(tmp, 'image.oci.tar');
    const archive = await writeOciArchive(ociTar, { layers: [layer] });
    const dockerTar = join(tmp, 'image.docker.tar');
    const docker = await writeDockerArchive(dockerTar, { layers: [layer], repoTags: ['x:1'] });
    for (const [path, configDigest] of [
      [dir, layout.image.configDigest],
      [ociTar, archive.image.configDigest],
      [dockerTar, docker.images[0]!.configDigest],
    ] as const) {
      const img = await openImage(path);
      expect(img.reference).toBe(path);
      expect(img.configDigest).toBe(configDigest);
      expect(img.layers[0]!.diffID).toBe(layout.image.layers[0]!.diffID);
      await img.close();
    }
    const prefixed = await openImage(`oci:${dir}:latest`);
    expect(prefixed.manifestDigest).toBe(layout.image.manifestDigest);
    await prefixed.close();
  });

  it('passes the platform and host on to the local sources', async () => {
    const dir = join(tmp, 'multi');
    const built = await writeOciLayout(dir, {
      layers: [layer],
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 's390x' },
      ],
    });
    const byHost = await openImage(dir, { host: { os: 'linux', architecture: 's390x' } });
    expect(byHost.manifestDigest).toBe(built.tags[0]!.images[1]!.manifestDigest);
    await byHost.close();
    const asked = await openImage(`oci:${dir}`, {
      platform: { os: 'linux', architecture: 'amd64' },
      host: { os: 'linux', architecture: 's390x' },
    });
    expect(asked.manifestDigest).toBe(built.tags[0]!.images[0]!.manifestDigest);
    await asked.close();
  });

  it('says what a directory or tar that is not an image lacks', async () => {
    const plain = join(tmp, 'plain');
    await mkdir(plain, { recursive: true });
    expect((await errorOf(openImage(plain))).message).toContain('not an OCI image layout');
    const tar = join(tmp, 'other.tar');
    await writeFile(tar, await makeTar([{ name: 'readme', content: 'x' }]));
    const err = await errorOf(openImage(tar));
    expect(err.code).toBe('IMAGE_NOT_FOUND');
    expect(err.message).toContain('neither a docker-archive');
    const text = join(tmp, 'notes.txt');
    await writeFile(text, 'just text, long enough to hold a header'.repeat(20));
    expect((await errorOf(openImage(text))).code).toBe('ARCHIVE_INVALID');
  });

  it('hands registry and daemon references to the matching extra source', async () => {
    const docker = new RecordingSource('docker');
    const daemon = new RecordingSource('docker-daemon');
    const extraSources = [daemon, docker];
    const platform = { os: 'linux', architecture: 'arm64' };
    for (const [reference, expected] of [
      ['docker://alpine:3', docker],
      ['registry:ghcr.io/o/app:1', docker],
      ['docker-daemon:app:dev', daemon],
      ['alpine:3.20', docker],
      [`ghcr.io/o/app@sha256:${'a'.repeat(64)}`, docker],
    ] as const) {
      const err = await errorOf(openImage(reference, { extraSources, platform }));
      expect(err.message).toBe(`recorded: ${expected.transport} ${reference}`);
      expect(expected.calls.at(-1)).toEqual({ reference, options: { platform } });
    }
    expect(docker.calls).toHaveLength(4);
    expect(daemon.calls).toHaveLength(1);
  });

  it('prefers a dedicated registry source for registry: references', async () => {
    const docker = new RecordingSource('docker');
    const registry = new RecordingSource('registry');
    await errorOf(openImage('registry:ghcr.io/o/app:1', { extraSources: [docker, registry] }));
    expect(registry.calls).toHaveLength(1);
    expect(docker.calls).toHaveLength(0);
  });

  it('explains the accepted forms when nothing can open a reference', async () => {
    for (const reference of ['alpine:3.20', 'docker://alpine', 'docker-daemon:app']) {
      const err = await errorOf(openImage(reference));
      expect(err.code).toBe('IMAGE_NOT_FOUND');
      expect(err.oneLine()).toContain('oci:DIR[:TAG]');
      expect(err.oneLine()).toContain('docker-archive:FILE');
      expect(err.oneLine()).not.toContain('\n');
    }
    const docker = new RecordingSource('docker');
    for (const reference of ['./missing.tar', '/nowhere/image', 'missing.tar']) {
      const err = await errorOf(openImage(reference, { extraSources: [docker] }));
      expect(err.code).toBe('IMAGE_NOT_FOUND');
      expect(err.message).toContain('no such file or directory');
    }
    expect((await errorOf(openImage('Not A Name!', { extraSources: [docker] }))).message).toContain(
      'not a path nor a valid image name',
    );
    expect(docker.calls).toHaveLength(0);
  });
});
