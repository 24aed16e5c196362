import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSourceReference, registryReference } from '../../src/image/source-reference.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'source-reference-'));
  await writeFile(join(tmp, 'app.tar'), 'x');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('parseSourceReference', () => {
  it('reads every transport prefix', async () => {
    expect(await parseSourceReference('oci:/l:v1')).toMatchObject({
      transport: 'oci',
      path: '/l',
      selector: 'v1',
    });
    expect(await parseSourceReference('oci-archive:x.tar')).toMatchObject({
      transport: 'oci-archive',
      path: 'x.tar',
    });
    expect(await parseSourceReference('docker-archive:x.tar:app:1')).toMatchObject({
      transport: 'docker-archive',
      path: 'x.tar',
      selector: 'app:1',
    });
    expect(await parseSourceReference('docker-daemon:app:dev')).toMatchObject({
      transport: 'docker-daemon',
      name: 'app:dev',
    });
    for (const text of ['docker://alpine:3', 'registry:alpine:3', 'alpine:3']) {
      const parsed = await parseSourceReference(text);
      expect(parsed).toMatchObject({
        text,
        name: { registry: 'registry-1.docker.io', repository: 'library/alpine', tag: '3' },
      });
    }
  });

  it('takes an existing path as a path, even when it could be a name', async () => {
    const path = join(tmp, 'app.tar');
    expect(await parseSourceReference(path)).toEqual({ text: path, transport: 'path', path });
  });

  it('says no such file for a missing path-like reference and refuses what is neither', async () => {
    await expect(parseSourceReference('app.tar')).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: expect.stringContaining('no such file or directory: app.tar'),
    });
    await expect(parseSourceReference('Not A Name!')).rejects.toMatchObject({
      message: expect.stringContaining('not a path nor a valid image name'),
    });
  });

  it('parses registry references for registry work, refusing local ones', () => {
    expect(registryReference('docker://ghcr.io/o/app:1')).toMatchObject({
      registry: 'ghcr.io',
      repository: 'o/app',
    });
    expect(() => registryReference('oci:/x')).toThrow(/not a registry image/);
  });
});
