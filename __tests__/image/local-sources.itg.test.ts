import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImage } from '../../src/image/open.js';
import { readLayer } from '../../src/layers/read-layer.js';
import { writeOciLayout, type BuiltLayout } from '../helpers/image-builder.js';
import { makeTar } from '../helpers/tar.js';

function hasSkopeo(): boolean {
  try {
    execFileSync('skopeo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const skopeo = hasSkopeo();
if (!skopeo) console.warn('local-sources.itg: skopeo is not installed; skipping the cross-tool checks');

const capture = { globs: [], maxFileBytes: 1024, probes: [] };

describe.skipIf(!skopeo)('local image sources against skopeo', () => {
  let tmp: string;
  const built = new Map<string, BuiltLayout>();

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'skopeo-itg-'));
    const base = await makeTar([
      { name: 'etc/' },
      { name: 'etc/os-release', content: 'ID=test\nVERSION_ID=1\n' },
      { name: 'bin/' },
      { name: 'bin/tool', content: Buffer.alloc(100_000, 7), mode: 0o4755 },
      { name: `opt/${'long/'.repeat(30)}file`, content: 'deep' },
    ]);
    const top = await makeTar([
      { name: 'etc/.wh.os-release', content: '' },
      { name: 'etc/app.conf', content: 'x=1\n' },
    ]);
    for (const compress of ['gzip', 'zstd', 'none'] as const) {
      const dir = join(tmp, `layout-${compress}`);
      built.set(
        compress,
        await writeOciLayout(dir, {
          tag: 'v1',
          layers: [base, top],
          compress,
          config: {
            config: { User: '1000', Env: ['A=1'], Labels: { 'org.opencontainers.image.version': '1' } },
          },
        }),
      );
    }
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  // skopeo refuses zstd layers in a docker-archive ("zstd compression is not supported for docker images").
  it.each([
    ['gzip', true],
    ['zstd', false],
    ['none', true],
  ] as const)(
    'reads the same diffIDs and config from an OCI layout (%s) and its skopeo copies',
    async (compress, toDocker) => {
      const dir = join(tmp, `layout-${compress}`);
      const dockerTar = join(tmp, `${compress}.docker.tar`);
      const ociTar = join(tmp, `${compress}.oci.tar`);
      if (toDocker)
        execFileSync(
          'skopeo',
          ['copy', '--quiet', `oci:${dir}:v1`, `docker-archive:${dockerTar}:example/app:v1`],
          { stdio: 'pipe' },
        );
      execFileSync('skopeo', ['copy', '--quiet', `oci:${dir}:v1`, `oci-archive:${ociTar}:v1`], {
        stdio: 'pipe',
      });
      const expected = built.get(compress)!.image;
      const references = [
        `oci:${dir}:v1`,
        `oci-archive:${ociTar}:v1`,
        ociTar,
        ...(toDocker ? [`docker-archive:${dockerTar}:example/app:v1`, dockerTar] : []),
      ];
      for (const reference of references) {
        const img = await openImage(reference);
        try {
          expect(
            img.layers.map((l) => l.diffID),
            reference,
          ).toEqual(expected.layers.map((l) => l.diffID));
          expect(img.config, reference).toEqual(expected.config);
          expect(img.platform, reference).toEqual({ os: 'linux', architecture: 'amd64' });
          for (const layer of img.layers) {
            const index = await readLayer(layer, capture);
            expect(index.diffID, reference).toBe(layer.diffID);
          }
        } finally {
          await img.close();
        }
      }
    },
  );
});
