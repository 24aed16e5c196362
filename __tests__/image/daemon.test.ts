import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DaemonSource, daemonImageName, DockerEngine, parseDockerHost } from '../../src/image/daemon.js';
import type { Image, ImageSource } from '../../src/image/types.js';
import { ImageChangelogError } from '../../src/util/errors.js';

const ID = `sha256:${'c'.repeat(64)}`;
/** Stands in for a `docker save` stream: odd size, all byte values, sent in many chunks. */
const ARCHIVE = Buffer.from(Array.from({ length: 200_003 }, (_, i) => (i * 31) & 0xff));

let dir: string;
let socket: string;
let server: http.Server;
const seen: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ic-daemon-'));
  socket = join(dir, 'docker.sock');
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} host=${req.headers.host}`);
    const url = req.url ?? '';
    if (url === '/_ping') return void res.end('OK');
    if (url === '/images/app:1.0/json' || url === `/images/${ID}/json`) {
      res.setHeader('content-type', 'application/json');
      return void res.end(
        JSON.stringify({
          Id: ID,
          RepoTags: ['app:1.0'],
          RepoDigests: ['ghcr.io/org/app@sha256:' + 'd'.repeat(64)],
        }),
      );
    }
    if (url === `/images/${ID}/get`) {
      res.setHeader('content-type', 'application/x-tar');
      let i = 0;
      const next = (): void => {
        if (i >= ARCHIVE.length) return void res.end();
        const chunk = ARCHIVE.subarray(i, i + 8191);
        i += 8191;
        if (res.write(chunk)) setImmediate(next);
        else res.once('drain', next);
      };
      return next();
    }
    if (url === '/images/broken:1/json') {
      res.statusCode = 500;
      return void res.end(JSON.stringify({ message: 'storage\nexploded' }));
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ message: 'No such image' }));
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

/** An archive source that records what it was given and returns a minimal image. */
function recordingArchiveSource(): ImageSource & {
  opened: { path: string; bytes: Buffer; closed: boolean }[];
} {
  const opened: { path: string; bytes: Buffer; closed: boolean }[] = [];
  return {
    transport: 'docker-archive',
    opened,
    async open(path: string): Promise<Image> {
      const entry = { path, bytes: await readFile(path), closed: false };
      opened.push(entry);
      return {
        reference: path,
        manifestDigest: `sha256:${'e'.repeat(64)}`,
        availablePlatforms: [],
        platform: { os: 'linux', architecture: 'amd64' },
        manifest: { schemaVersion: 2, config: { mediaType: 'x', digest: 'y', size: 0 }, layers: [] },
        configDigest: ID,
        config: { rootfs: { type: 'layers', diff_ids: [] } },
        layers: [],
        close: () => {
          entry.closed = true;
          return Promise.resolve();
        },
      };
    },
  };
}

describe('image/daemon', () => {
  it.each([
    [undefined, { kind: 'unix', socketPath: '/var/run/docker.sock' }],
    ['', { kind: 'unix', socketPath: '/var/run/docker.sock' }],
    ['unix:///run/user/1000/docker.sock', { kind: 'unix', socketPath: '/run/user/1000/docker.sock' }],
    ['tcp://127.0.0.1:2375', { kind: 'tcp', host: '127.0.0.1', port: 2375 }],
    ['tcp://docker', { kind: 'tcp', host: 'docker', port: 2375 }],
    ['tcp://[::1]:2376', { kind: 'tcp', host: '::1', port: 2376 }],
  ])('reads DOCKER_HOST %j', (value, expected) => {
    expect(parseDockerHost(value)).toMatchObject(expected);
  });

  it.each(['npipe:////./pipe/docker_engine', 'ssh://me@host', 'unix://relative.sock', 'ftp://x'])(
    'refuses DOCKER_HOST %j',
    (value) => {
      expect(() => parseDockerHost(value)).toThrow(ImageChangelogError);
    },
  );

  it.each([
    ['docker-daemon:app', 'app:latest'],
    ['docker-daemon:app:1.0', 'app:1.0'],
    ['docker-daemon:localhost:5000/app', 'localhost:5000/app:latest'],
    ['docker-daemon:localhost:5000/app:2', 'localhost:5000/app:2'],
    [`docker-daemon:${ID}`, ID],
    [`docker-daemon:app@${ID}`, `app@${ID}`],
  ])('names %s as %s for the daemon', (reference, name) => {
    expect(daemonImageName(reference)).toBe(name);
  });

  it('spools the export of the image ID to a temporary archive, opens it, and removes it on close', async () => {
    const archives = recordingArchiveSource();
    const progress: number[] = [];
    const source = new DaemonSource({
      dockerHost: `unix://${socket}`,
      archiveSource: archives,
      tmpDir: dir,
      onProgress: (n) => progress.push(n),
    });
    seen.length = 0;
    const image = await source.open('docker-daemon:app:1.0', {});
    expect(image.reference).toBe('docker-daemon:app:1.0');
    expect(archives.opened).toHaveLength(1);
    const { path, bytes } = archives.opened[0]!;
    expect(bytes.equals(ARCHIVE)).toBe(true);
    expect(seen).toEqual([
      'GET /_ping host=docker',
      'GET /images/app:1.0/json host=docker',
      `GET /images/${ID}/get host=docker`,
    ]);
    expect(progress.at(-1)).toBe(ARCHIVE.length);
    expect(existsSync(path)).toBe(true);
    await image.close();
    await image.close();
    expect(archives.opened[0]!.closed).toBe(true);
    expect(existsSync(dirname(path))).toBe(false);
  });

  it('says which image is missing, and leaves no temporary files behind', async () => {
    const source = new DaemonSource({
      dockerHost: `unix://${socket}`,
      archiveSource: recordingArchiveSource(),
      tmpDir: dir,
    });
    const err = await source.open('docker-daemon:missing:1', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IMAGE_NOT_FOUND', subject: 'missing:1' });
    const broken = await source.open('docker-daemon:broken:1', {}).catch((e: unknown) => e);
    expect(broken).toMatchObject({ code: 'DAEMON_ERROR' });
    expect((broken as Error).message).toContain('storage exploded');
    expect((await readdir(dir)).filter((f) => f.startsWith('image-changelog-daemon-'))).toEqual([]);
  });

  it('stops spooling an export past its bound, in one line, and leaves no temporary files behind', async () => {
    const archives = recordingArchiveSource();
    const source = new DaemonSource({
      dockerHost: `unix://${socket}`,
      archiveSource: archives,
      tmpDir: dir,
      maxArchiveBytes: 100_000,
    });
    const err = await source.open('docker-daemon:app:1.0', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageChangelogError);
    expect((err as ImageChangelogError).code).toBe('RESPONSE_TOO_LARGE');
    expect((err as Error).message).toBe(
      "the Docker daemon's export of app:1.0 passed 100000 bytes (the export size limit); spooling stopped",
    );
    expect(archives.opened).toHaveLength(0);
    expect((await readdir(dir)).filter((f) => f.startsWith('image-changelog-daemon-'))).toEqual([]);
  });

  it('fails in one line naming the socket and the DOCKER_HOST hint when the daemon is not there', async () => {
    const missing = join(dir, 'nothing-here.sock');
    const source = new DaemonSource({
      dockerHost: `unix://${missing}`,
      archiveSource: recordingArchiveSource(),
    });
    const err = (await source.open('docker-daemon:app', {}).catch((e: unknown) => e)) as ImageChangelogError;
    expect(err.code).toBe('DAEMON_UNREACHABLE');
    expect(err.oneLine()).toContain(`unix://${missing}`);
    expect(err.oneLine()).toContain('DOCKER_HOST');
    expect(err.oneLine()).not.toContain('\n');
  });

  it('reports RepoDigests and refuses names that are not image names', async () => {
    const engine = new DockerEngine(`unix://${socket}`);
    expect(await engine.inspect('app:1.0')).toEqual({
      id: ID,
      repoTags: ['app:1.0'],
      repoDigests: [`ghcr.io/org/app@sha256:${'d'.repeat(64)}`],
    });
    for (const bad of ['../../containers/json', 'a b', 'x?all=1', '']) {
      await expect(engine.inspect(bad)).rejects.toMatchObject({ code: 'REFERENCE_INVALID' });
    }
  });
});
