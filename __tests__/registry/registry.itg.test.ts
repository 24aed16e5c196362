import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { RegistryClient } from '../../src/registry/client.js';
import { parseReference } from '../../src/oci/reference.js';
import { resolvePreviousByTags } from '../../src/registry/previous.js';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { LocalRegistry } from '../helpers/local-registry.js';
import { RegistrySource } from '../../src/image/registry.js';
import { openImage } from '../../src/image/open.js';
import { readLayer } from '../../src/layers/read-layer.js';
import { sortedPaths, squashLayers } from '../../src/layers/squash.js';
import { writeTinyOciLayout, type BuiltTag } from '../helpers/tiny-oci-layout.js';

const tools = ['/usr/bin/docker-registry', '/usr/bin/skopeo', '/usr/bin/htpasswd', '/usr/bin/openssl'];
const missing = tools.filter((t) => !existsSync(t));
if (missing.length > 0)
  console.warn(
    `registry integration tests skipped: missing ${missing.join(', ')} (apt-get install docker-registry skopeo apache2-utils openssl)`,
  );

let layout: string;
let built: BuiltTag[];

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  if (missing.length > 0) return;
  layout = await mkdtemp(join(tmpdir(), 'ic-layout-'));
  const files = (n: string) => [
    { name: 'etc/', type: 'directory' as const },
    { name: 'etc/release', content: `release ${n}\n` },
    // Incompressible, so the gzip layer is big enough to be cut in the middle.
    { name: 'usr/bin/tool', content: randomBytes(150_000), mode: 0o755 },
  ];
  built = await writeTinyOciLayout(layout, [
    {
      tag: '1.0.0',
      platforms: [
        {
          platform: { os: 'linux', architecture: 'amd64' },
          layers: [files('a'), [{ name: 'app/one', content: '1' }]],
        },
      ],
    },
    { tag: '1.1.0', platforms: [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [files('b')] }] },
    {
      tag: 'multi',
      platforms: [
        { platform: { os: 'linux', architecture: 'amd64' }, layers: [files('x')] },
        { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, layers: [files('y')] },
      ],
    },
  ]);
});

afterAll(async () => {
  if (layout) await rm(layout, { recursive: true, force: true });
});

/** Check that what the client reads equals what was pushed, for one tag. */
async function expectPulled(
  client: RegistryClient,
  host: string,
  repo: string,
  tag: BuiltTag,
): Promise<void> {
  const ref = parseReference(`${host}/${repo}:${tag.tag}`);
  const image = tag.images[0]!;
  const manifest = await client.getManifest(ref);
  expect(manifest.digest).toBe(image.manifestDigest);
  expect(manifest.bytes.equals(image.manifestBytes)).toBe(true);
  const config = await client.getBlobBytes(ref, image.configDigest, 1 << 20);
  expect(JSON.parse(config.toString())).toEqual(image.config);
  for (const layer of image.layers) {
    const bytes = await readAll(await client.getBlob(ref, layer.digest, { size: layer.bytes.length }));
    expect(bytes.equals(layer.bytes)).toBe(true);
  }
}

type ProxyFault = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  upstream: () => Promise<http.IncomingMessage>,
) => Promise<boolean>;

/** A loopback proxy in front of the real registry that can inject faults into chosen requests. */
async function faultProxy(
  target: string,
): Promise<{ host: string; faults: ProxyFault[]; seen: string[]; stop(): Promise<void> }> {
  const faults: ProxyFault[] = [];
  const seen: string[] = [];
  const upstreamFor = (req: http.IncomingMessage) => (): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target };
      const up = http.request(`http://${target}${req.url ?? '/'}`, { method: req.method, headers }, resolve);
      up.on('error', reject);
      req.pipe(up);
    });
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.range ?? ''}`.trim());
    void (async () => {
      const upstream = upstreamFor(req);
      for (let i = 0; i < faults.length; i++) {
        if (await faults[i]!(req, res, upstream)) {
          faults.splice(i, 1);
          return;
        }
      }
      const up = await upstream();
      const headers = { ...up.headers };
      // Redirects and pagination links from the registry name its own address; keep them on the proxy.
      res.writeHead(up.statusCode ?? 502, headers);
      up.pipe(res);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    faults,
    seen,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const isLayerBlob = (req: http.IncomingMessage, digest: string): boolean =>
  req.url?.endsWith(`/blobs/${digest}`) ?? false;

describe.skipIf(missing.length > 0)('registry against Debian docker-registry', () => {
  it('opens images with openImage through the registry source, and the layers read and squash', async () => {
    const registry = await new LocalRegistry().start();
    try {
      await registry.push(layout, '1.0.0', 'team/app');
      await registry.push(layout, 'multi', 'team/app', { all: true });
      const source = new RegistrySource({ host: { os: 'linux', architecture: 'amd64' } });
      const image = await openImage(`docker://${registry.host}/team/app:1.0.0`, { extraSources: [source] });
      const expected = built[0]!.images[0]!;
      expect([image.manifestDigest, image.configDigest]).toEqual([
        expected.manifestDigest,
        expected.configDigest,
      ]);
      expect(image.config).toEqual(expected.config);
      const indexes = [];
      for (const layer of image.layers)
        indexes.push(await readLayer(layer, { globs: ['etc/release'], maxFileBytes: 1024, probes: [] }));
      expect(indexes.map((i) => i.diffID)).toEqual(expected.layers.map((l) => l.diffID));
      expect(indexes[0]!.captured.get('etc/release')?.toString()).toBe('release a\n');
      const paths = sortedPaths(squashLayers(indexes));
      expect(paths).toEqual(expect.arrayContaining(['app/one', 'etc', 'etc/release', 'usr/bin/tool']));

      const multi = built[2]!;
      const arm = await openImage(`${registry.host}/team/app:multi`, {
        extraSources: [source],
        platform: { os: 'linux', architecture: 'arm64' },
      });
      expect(arm.manifestDigest).toBe(multi.images[1]!.manifestDigest);
      expect(arm.indexDigest).toBe(multi.indexDigest);
      expect(arm.availablePlatforms).toHaveLength(2);
      const amd = await openImage(`${registry.host}/team/app:multi`, { extraSources: [source] });
      expect(amd.manifestDigest).toBe(multi.images[0]!.manifestDigest);
    } finally {
      await registry.stop();
    }
  });

  it('survives 429 and a connection dropped mid-blob behind a proxy, and refuses wrong bytes', async () => {
    const registry = await new LocalRegistry().start();
    const proxy = await faultProxy(registry.host);
    try {
      await registry.push(layout, '1.0.0', 'team/app');
      const layer = built[0]!.images[0]!.layers[0]!;
      proxy.faults.push((req, res) => {
        if (!isLayerBlob(req, layer.digest)) return Promise.resolve(false);
        res.writeHead(429, { 'retry-after': '0' });
        res.end();
        return Promise.resolve(true);
      });
      proxy.faults.push(async (req, res, upstream) => {
        if (!isLayerBlob(req, layer.digest) || req.headers.range) return false;
        const up = await upstream();
        res.writeHead(up.statusCode ?? 200, up.headers);
        let sent = 0;
        const half = layer.bytes.length >> 1;
        up.on('data', (chunk: Buffer) => {
          if (sent >= half) return;
          const part = chunk.subarray(0, half - sent);
          sent += part.length;
          res.write(part, () => {
            if (sent >= half) res.socket?.destroy();
          });
        });
        return true;
      });
      const source = new RegistrySource({
        clientOptions: { retry: { baseDelayMs: 10 } },
        host: { os: 'linux', architecture: 'amd64' },
      });
      const image = await source.open(`${proxy.host}/team/app:1.0.0`, {});
      const index = await readLayer(image.layers[0]!, { globs: [], maxFileBytes: 0, probes: [] });
      expect(index.diffID).toBe(layer.diffID);
      const blobRequests = proxy.seen.filter((s) => s.includes(`/blobs/${layer.digest}`));
      expect(blobRequests.length).toBeGreaterThanOrEqual(3);
      expect(blobRequests.at(-1)).toMatch(/bytes=\d+-$/);

      const wrongBytes: ProxyFault = (req, res) => {
        if (!isLayerBlob(req, layer.digest)) return Promise.resolve(false);
        const wrong = Buffer.from(layer.bytes);
        wrong[100] = wrong[100]! ^ 1;
        res.writeHead(200, { 'content-length': wrong.length });
        res.end(wrong);
        return Promise.resolve(true);
      };
      proxy.faults.push(wrongBytes);
      // The blob stream itself refuses it (the layer reader may trip over the broken gzip first).
      await expect(readAll(await image.layers[0]!.open())).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    } finally {
      await proxy.stop();
      await registry.stop();
    }
  });

  it('pulls manifests, configs and layers anonymously, and finds the previous tag', async () => {
    const registry = await new LocalRegistry().start();
    try {
      for (const t of built.slice(0, 2)) await registry.push(layout, t.tag, 'team/app');
      const client = new RegistryClient();
      for (const t of built.slice(0, 2)) await expectPulled(client, registry.host, 'team/app', t);
      const repo = { registry: registry.host, repository: 'team/app' };
      expect((await client.listTags(repo, { pageSize: 1 })).sort()).toEqual(['1.0.0', '1.1.0']);
      expect(await resolvePreviousByTags(client, repo, '1.1.0')).toEqual({
        tag: '1.0.0',
        reference: `${registry.host}/team/app:1.0.0`,
      });
    } finally {
      await registry.stop();
    }
  });

  it('authenticates with htpasswd basic auth, and is refused without credentials', async () => {
    const registry = await new LocalRegistry({
      auth: { kind: 'htpasswd', user: 'alice', password: 'wonder land' },
    }).start();
    try {
      const tag = built[0]!;
      await registry.push(layout, tag.tag, 'private/app', { creds: 'alice:wonder land' });
      const client = new RegistryClient({ credentials: { username: 'alice', password: 'wonder land' } });
      await expectPulled(client, registry.host, 'private/app', tag);
      const anonymous = new RegistryClient();
      await expect(
        anonymous.getManifest(parseReference(`${registry.host}/private/app:${tag.tag}`)),
      ).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    } finally {
      await registry.stop();
    }
  });

  it('authenticates through a bearer token service (JWTs signed by the test), anonymously and with credentials', async () => {
    const registry = await new LocalRegistry({ auth: { kind: 'token', users: { bob: 'builder' } } }).start();
    try {
      const tag = built[1]!;
      await registry.push(layout, tag.tag, 'tok/app', { creds: 'bob:builder' });
      await expectPulled(new RegistryClient(), registry.host, 'tok/app', tag);
      const withCreds = new RegistryClient({ credentials: { username: 'bob', password: 'builder' } });
      await expectPulled(withCreds, registry.host, 'tok/app', tag);
      expect(withCreds.collectSecrets()).toEqual(
        expect.arrayContaining(['builder', registry.tokens!.issued.at(-1)!]),
      );
      const wrong = new RegistryClient({ credentials: { username: 'bob', password: 'nope' } });
      await expect(
        wrong.getManifest(parseReference(`${registry.host}/tok/app:${tag.tag}`)),
      ).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    } finally {
      await registry.stop();
    }
  });

  it('serves a multi-platform index pushed with skopeo copy --all', async () => {
    const registry = await new LocalRegistry().start();
    try {
      const tag = built[2]!;
      await registry.push(layout, tag.tag, 'team/multi', { all: true });
      const client = new RegistryClient();
      const index = await client.getManifest(parseReference(`${registry.host}/team/multi:multi`));
      expect(index.digest).toBe(tag.indexDigest);
      expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      for (const image of tag.images) {
        const m = await client.getManifest(
          parseReference(`${registry.host}/team/multi@${image.manifestDigest}`),
        );
        expect(m.bytes.equals(image.manifestBytes)).toBe(true);
      }
    } finally {
      await registry.stop();
    }
  });
});
