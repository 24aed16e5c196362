import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { DaemonSource } from '../../src/image/daemon.js';
import { DockerArchiveSource } from '../../src/image/docker-archive.js';
import { readLayer } from '../../src/layers/read-layer.js';
import type { Image } from '../../src/image/types.js';
import { writeTinyOciLayout, type BuiltTag } from '../helpers/tiny-oci-layout.js';

const run = promisify(execFile);
const hasSkopeo = existsSync('/usr/bin/skopeo');
const hasPodman = existsSync('/usr/bin/podman');
if (!hasSkopeo) console.warn('daemon integration tests skipped: skopeo is missing (apt-get install skopeo)');

let dir: string;
let layout: string;
let archive: string;
let built: BuiltTag;
const host = { os: 'linux', architecture: 'amd64' };

beforeAll(async () => {
  if (!hasSkopeo) return;
  dir = await mkdtemp(join(tmpdir(), 'ic-daemon-itg-'));
  layout = join(dir, 'layout');
  [built] = (await writeTinyOciLayout(layout, [
    {
      tag: '1.0',
      platforms: [
        {
          platform: host,
          layers: [
            [{ name: 'etc/os', content: 'daemon test\n' }],
            [{ name: 'opt/blob', content: randomBytes(50_000) }],
          ],
        },
      ],
    },
  ])) as [BuiltTag];
  archive = join(dir, 'recorded.tar');
  await run('skopeo', [
    '--insecure-policy',
    'copy',
    '-q',
    `oci:${layout}:1.0`,
    `docker-archive:${archive}:app:1.0`,
  ]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every layer reads, and verifies against the diffIDs the image was built with. */
async function expectBuiltImage(image: Image): Promise<void> {
  const expected = built.images[0]!;
  expect(image.config.rootfs.diff_ids).toEqual(expected.layers.map((l) => l.diffID));
  for (const layer of image.layers) {
    const index = await readLayer(layer, { globs: ['etc/os'], maxFileBytes: 1024, probes: [] });
    expect(index.diffID).toBe(layer.diffID);
  }
}

describe.skipIf(!hasSkopeo)('image/daemon against a recorded Engine API stream', () => {
  it('reads a docker save stream served on a unix socket into a verified image', async () => {
    const socket = join(dir, 'engine.sock');
    const id = built.images[0]!.configDigest;
    const server = http.createServer((req, res) => {
      if (req.url === '/_ping') return void res.end('OK');
      if (req.url === '/images/app:1.0/json')
        return void res.end(JSON.stringify({ Id: id, RepoTags: ['app:1.0'], RepoDigests: [] }));
      if (req.url === `/images/${id}/get`) return void createReadStream(archive).pipe(res);
      res.statusCode = 404;
      res.end('{"message":"no such image"}');
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const source = new DaemonSource({
        dockerHost: `unix://${socket}`,
        archiveSource: new DockerArchiveSource({ host }),
        tmpDir: dir,
      });
      const image = await source.open('docker-daemon:app:1.0', {});
      expect(image.reference).toBe('docker-daemon:app:1.0');
      expect(image.configDigest).toBe(id);
      await expectBuiltImage(image);
      await image.close();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

/**
 * A real Docker-compatible Engine API: `podman system service` with its own storage in a temp
 * directory (vfs driver, so it needs no overlay mounts and touches no shared podman state).
 */
describe.skipIf(!hasSkopeo || !hasPodman)('image/daemon against podman system service', () => {
  let service: ChildProcess | undefined;
  let socket: string;
  let podmanArgs: string[];
  let usable = true;
  let loadedName = '';

  beforeAll(async () => {
    const root = join(dir, 'podman');
    podmanArgs = [
      '--root',
      join(root, 'root'),
      '--runroot',
      join(root, 'run'),
      '--storage-driver',
      'vfs',
      '--cgroup-manager',
      'cgroupfs',
      '--events-backend',
      'none',
    ];
    socket = join(dir, 'podman.sock');
    try {
      const { stdout } = await run('podman', [...podmanArgs, 'load', '-i', archive], { timeout: 120_000 });
      // podman qualifies the archive's short name (app:1.0 -> docker.io/library/app:1.0 or localhost/app:1.0).
      loadedName = /Loaded image(?:\(s\))?:\s*(\S+)/.exec(stdout)?.[1]?.split(',')[0] ?? 'app:1.0';
    } catch (err) {
      usable = false;
      console.warn(
        `podman cannot load images here, skipping the real-daemon test: ${(err as Error).message.split('\n')[0]}`,
      );
      return;
    }
    service = spawn('podman', [...podmanArgs, 'system', 'service', '--time=0', `unix://${socket}`], {
      stdio: 'ignore',
    });
    for (
      let i = 0;
      i < 200 &&
      !(await stat(socket).then(
        () => true,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 50));
  }, 180_000);

  afterAll(async () => {
    if (service && service.exitCode === null) {
      const exited = new Promise((resolve) => service!.once('exit', resolve));
      service.kill('SIGTERM');
      await exited;
    }
  });

  it('exports an image through the Engine API and reads it', async (ctx) => {
    if (!usable) return ctx.skip();
    const source = new DaemonSource({
      dockerHost: `unix://${socket}`,
      archiveSource: new DockerArchiveSource({ host }),
      tmpDir: dir,
    });
    const info = await source.inspect(`docker-daemon:${loadedName}`);
    expect(info.id.replace(/^sha256:/, '')).toBe(built.images[0]!.configDigest.slice(7));
    const image = await source.open(`docker-daemon:${loadedName}`, {});
    await expectBuiltImage(image);
    await image.close();
    await expect(source.open('docker-daemon:localhost/absent:1', {})).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
    });
  });
});
