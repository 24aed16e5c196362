import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { RegistryClient } from '../../src/registry/client.js';
import { parseReference } from '../../src/registry/reference.js';
import { resolvePreviousByTags } from '../../src/registry/previous.js';
import { LocalRegistry } from '../helpers/local-registry.js';
import { writeTinyOciLayout, type BuiltTag } from '../helpers/tiny-oci-layout.js';

const tools = ['/usr/bin/docker-registry', '/usr/bin/skopeo', '/usr/bin/htpasswd', '/usr/bin/openssl'];
const missing = tools.filter((t) => !existsSync(t));
if (missing.length > 0) console.warn(`registry integration tests skipped: missing ${missing.join(', ')} (apt-get install docker-registry skopeo apache2-utils openssl)`);

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
    { name: 'usr/bin/tool', content: Buffer.alloc(70_000, n), mode: 0o755 },
  ];
  built = await writeTinyOciLayout(layout, [
    { tag: '1.0.0', platforms: [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [files('a'), [{ name: 'app/one', content: '1' }]] }] },
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
async function expectPulled(client: RegistryClient, host: string, repo: string, tag: BuiltTag): Promise<void> {
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

describe.skipIf(missing.length > 0)('registry against Debian docker-registry', () => {
  it('pulls manifests, configs and layers anonymously, and finds the previous tag', async () => {
    const registry = await new LocalRegistry().start();
    try {
      for (const t of built.slice(0, 2)) await registry.push(layout, t.tag, 'team/app');
      const client = new RegistryClient();
      for (const t of built.slice(0, 2)) await expectPulled(client, registry.host, 'team/app', t);
      const repo = { registry: registry.host, repository: 'team/app' };
      expect((await client.listTags(repo, { pageSize: 1 })).sort()).toEqual(['1.0.0', '1.1.0']);
      expect(await resolvePreviousByTags(client, repo, '1.1.0')).toEqual({ tag: '1.0.0', reference: `${registry.host}/team/app:1.0.0` });
    } finally {
      await registry.stop();
    }
  });

  it('authenticates with htpasswd basic auth, and is refused without credentials', async () => {
    const registry = await new LocalRegistry({ auth: { kind: 'htpasswd', user: 'alice', password: 'wonder land' } }).start();
    try {
      const tag = built[0]!;
      await registry.push(layout, tag.tag, 'private/app', { creds: 'alice:wonder land' });
      const client = new RegistryClient({ credentials: { username: 'alice', password: 'wonder land' } });
      await expectPulled(client, registry.host, 'private/app', tag);
      const anonymous = new RegistryClient();
      await expect(anonymous.getManifest(parseReference(`${registry.host}/private/app:${tag.tag}`))).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
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
      expect(withCreds.collectSecrets()).toEqual(expect.arrayContaining(['builder', registry.tokens!.issued.at(-1)!]));
      const wrong = new RegistryClient({ credentials: { username: 'bob', password: 'nope' } });
      await expect(wrong.getManifest(parseReference(`${registry.host}/tok/app:${tag.tag}`))).rejects.toMatchObject({ code: 'AUTH_FAILED' });
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
        const m = await client.getManifest(parseReference(`${registry.host}/team/multi@${image.manifestDigest}`));
        expect(m.bytes.equals(image.manifestBytes)).toBe(true);
      }
    } finally {
      await registry.stop();
    }
  });
});
