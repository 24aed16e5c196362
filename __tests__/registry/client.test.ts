import { afterEach, describe, expect, it } from 'vitest';
import type { Readable } from 'node:stream';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RegistryClient,
  MANIFEST_ACCEPT,
  nextLink,
  type RegistryClientOptions,
} from '../../src/registry/client.js';
import { parseReference } from '../../src/oci/reference.js';
import { send } from '../../src/registry/http.js';
import { BlobStorage, FakeRegistry, serveBytes, type Fault } from '../helpers/fake-registry.js';
import { digestOf } from '../helpers/tar.js';
import { ImageChangelogError } from '../../src/util/errors.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const started: { stop(): Promise<void> }[] = [];

afterEach(async () => {
  while (started.length) await started.pop()!.stop();
});

async function registry(options: ConstructorParameters<typeof FakeRegistry>[0] = {}): Promise<FakeRegistry> {
  const r = await new FakeRegistry(options).start();
  started.push(r);
  return r;
}

/** Retries without real waiting; the delays asked for are recorded. */
function client(extra: RegistryClientOptions = {}): { c: RegistryClient; delays: number[] } {
  const delays: number[] = [];
  const c = new RegistryClient({
    idleTimeoutMs: 2000,
    ...extra,
    retry: {
      sleep: (ms) => (delays.push(ms), Promise.resolve()),
      random: () => 0.5,
      maxAttempts: 4,
      ...extra.retry,
    },
  });
  return { c, delays };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function bigBlob(size = 300_000): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7919 + (i >> 8)) & 0xff;
  return b;
}

function repoOf(r: FakeRegistry, repository = 'team/app'): { registry: string; repository: string } {
  return { registry: r.host, repository };
}

function manifestFor(r: FakeRegistry): object {
  const config = r.addBlob(Buffer.from('{"rootfs":{"type":"layers","diff_ids":[]}}'));
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 40 },
    layers: [],
  };
}

/** A fault: answer this path's first request by sending half the body, then cutting the connection. */
function dropMidBody(path: string, bytes: Buffer, ranges = true): Fault {
  return (req, res) => {
    if (!req.url?.startsWith(path) || req.headers.range) return false;
    const headers: Record<string, string | number> = { 'content-length': bytes.length };
    if (ranges) headers['accept-ranges'] = 'bytes';
    res.writeHead(200, headers);
    res.write(bytes.subarray(0, bytes.length >> 1), () => res.socket?.destroy());
    return true;
  };
}

describe('registry/client', () => {
  it('sends every manifest media type and verifies the digest when fetching by tag', async () => {
    const r = await registry();
    const digest = r.addManifest('team/app', manifestFor(r), OCI_MANIFEST, '1.0.0');
    const { c } = client();
    const m = await c.getManifest(parseReference(`${r.host}/team/app:1.0.0`));
    expect(m.digest).toBe(digest);
    expect(m.mediaType).toBe(OCI_MANIFEST);
    const accept = r.seen.find((s) => s.url.includes('/manifests/'))!.headers.accept!;
    expect(accept).toBe(MANIFEST_ACCEPT);
    for (const t of [
      'oci.image.index.v1',
      'oci.image.manifest.v1',
      'manifest.list.v2',
      'distribution.manifest.v2',
    ])
      expect(accept).toContain(t);
    expect(accept).not.toContain('distribution.manifest.v1');
  });

  it('refuses a manifest whose bytes do not match the digest asked for', async () => {
    const r = await registry();
    const real = r.addManifest('team/app', manifestFor(r), OCI_MANIFEST);
    const other = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [], config: {} }),
    );
    r.faults.push((req, res) => {
      if (!req.url?.includes(real)) return false;
      res.writeHead(200, { 'content-type': OCI_MANIFEST });
      res.end(other);
      return true;
    });
    const { c } = client();
    await expect(c.getManifest(parseReference(`${r.host}/team/app@${real}`))).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
  });

  it('refuses a manifest that contradicts its Docker-Content-Digest header', async () => {
    const r = await registry();
    r.addManifest('team/app', manifestFor(r), OCI_MANIFEST, 'v1');
    r.faults.push((req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.writeHead(200, {
        'content-type': OCI_MANIFEST,
        'docker-content-digest': digestOf(Buffer.from('something else')),
      });
      res.end(JSON.stringify(manifestFor(r)));
      return true;
    });
    const { c } = client();
    const err = await c.getManifest(parseReference(`${r.host}/team/app:v1`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageChangelogError);
    expect((err as ImageChangelogError).code).toBe('DIGEST_MISMATCH');
  });

  it('rejects Docker schema 1 manifests and oversized manifests', async () => {
    const r = await registry();
    r.addManifest(
      'team/old',
      { schemaVersion: 1, name: 'team/old', fsLayers: [] },
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
      'x',
    );
    r.addManifest('team/huge', Buffer.alloc(5000, 0x20), OCI_MANIFEST, 'x');
    const { c } = client({ maxManifestBytes: 4096 });
    await expect(c.getManifest(parseReference(`${r.host}/team/old:x`))).rejects.toMatchObject({
      code: 'MANIFEST_UNSUPPORTED',
    });
    await expect(c.getManifest(parseReference(`${r.host}/team/huge:x`))).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
    });
    await expect(c.getManifest(parseReference(`${r.host}/team/none:x`))).rejects.toMatchObject({
      code: 'MANIFEST_NOT_FOUND',
    });
  });

  it('gets an anonymous bearer token with service and scope, and reuses it per scope', async () => {
    const r = await registry({ auth: 'bearer', anonymousPull: true, tokenField: 'access_token' });
    r.addManifest('team/app', manifestFor(r), OCI_MANIFEST, 'a');
    const { c } = client();
    await c.getManifest(parseReference(`${r.host}/team/app:a`));
    await c.getManifest(parseReference(`${r.host}/team/app:a`));
    expect(r.tokenRequests).toHaveLength(1);
    const q = new URL(r.tokenRequests[0]!.url, 'http://x').searchParams;
    expect(q.get('service')).toBe('fake-registry');
    expect(q.get('scope')).toBe('repository:team/app:pull');
    expect(r.tokenRequests[0]!.headers.authorization).toBeUndefined();
    expect(c.collectSecrets().some((s) => r.validTokens.has(s))).toBe(true);
  });

  it('sends basic credentials to the token service and fails clearly when they are wrong', async () => {
    const r = await registry({ auth: 'bearer', users: { alice: 's3cret' } });
    r.addManifest('team/app', manifestFor(r), OCI_MANIFEST, 'a');
    const ok = client({ credentials: { username: 'alice', password: 's3cret' } }).c;
    await ok.getManifest(parseReference(`${r.host}/team/app:a`));
    expect(r.tokenRequests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('alice:s3cret').toString('base64')}`,
    );
    expect(ok.collectSecrets()).toContain('s3cret');
    const bad = client({ credentials: { username: 'alice', password: 'wrong' } }).c;
    await expect(bad.getManifest(parseReference(`${r.host}/team/app:a`))).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    });
  });

  it('exchanges an identity token from the docker config at the token service by POST', async () => {
    const r = await registry({ auth: 'bearer', refreshToken: 'refresh-me' });
    r.addManifest('team/app', manifestFor(r), OCI_MANIFEST, 'a');
    const dir = await mkdtemp(join(tmpdir(), 'ic-idtoken-'));
    const config = join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({ auths: { [`http://${r.host}`]: { identitytoken: 'refresh-me' } } }),
    );
    const { c } = client({ credentials: { dockerConfigPath: config } });
    await c.getManifest(parseReference(`${r.host}/team/app:a`));
    expect(r.tokenForms).toHaveLength(1);
    expect(r.tokenForms[0]!.get('grant_type')).toBe('refresh_token');
    expect(r.tokenForms[0]!.get('scope')).toBe('repository:team/app:pull');
    expect(r.tokenForms[0]!.get('service')).toBe('fake-registry');
    expect(c.collectSecrets()).toContain('refresh-me');
    // Without credentials this token service refuses (no anonymous pull).
    const anon = client({ credentials: { dockerConfigPath: join(dir, 'missing.json') } }).c;
    await expect(anon.getManifest(parseReference(`${r.host}/team/app:a`))).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    });
    await rm(dir, { recursive: true, force: true });
  });

  it('re-authenticates once when a token expires mid-run', async () => {
    const r = await registry({ auth: 'bearer', anonymousPull: true });
    r.addManifest('team/app', manifestFor(r), OCI_MANIFEST, 'a');
    const { c } = client();
    await c.getManifest(parseReference(`${r.host}/team/app:a`));
    r.expireTokens();
    const m = await c.getManifest(parseReference(`${r.host}/team/app:a`));
    expect(m.mediaType).toBe(OCI_MANIFEST);
    expect(r.tokenRequests).toHaveLength(2);
  });

  it('uses basic auth directly, and says access is denied without credentials', async () => {
    const r = await registry({ auth: 'basic', users: { bob: 'pw' } });
    r.addManifest('team/app', manifestFor(r), OCI_MANIFEST, 'a');
    const { c } = client({ credentials: { username: 'bob', password: 'pw' } });
    await c.getManifest(parseReference(`${r.host}/team/app:a`));
    expect(r.seen.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('bob:pw').toString('base64')}`);
    const anon = client().c;
    await expect(anon.getManifest(parseReference(`${r.host}/team/app:a`))).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    });
  });

  it('follows a blob redirect to another host without forwarding Authorization', async () => {
    const storage = await new BlobStorage(new Map()).start();
    started.push(storage);
    const r = await registry({ auth: 'bearer', anonymousPull: true, redirectBlobsTo: storage.origin });
    const blob = bigBlob();
    storage.blobs.set(r.addBlob(blob), blob);
    const { c } = client();
    const got = await readAll(await c.getBlob(repoOf(r), digestOf(blob), { size: blob.length }));
    expect(got.equals(blob)).toBe(true);
    expect(r.seen.find((s) => s.url.includes('/blobs/'))!.headers.authorization).toMatch(/^Bearer /);
    expect(storage.seen).toHaveLength(1);
    expect(storage.seen[0]!.headers.authorization).toBeUndefined();
  });

  it('honours Retry-After on 429, bounded by the policy, then succeeds', async () => {
    const r = await registry();
    const blob = bigBlob(1000);
    const digest = r.addBlob(blob);
    for (const after of ['2', '3600']) {
      r.faults.push((req, res) => {
        if (!req.url?.includes('/blobs/')) return false;
        res.writeHead(429, { 'retry-after': after });
        res.end();
        return true;
      });
    }
    const { c, delays } = client({ retry: { maxRetryAfterMs: 5000 } });
    const got = await readAll(await c.getBlob(repoOf(r), digest));
    expect(got.equals(blob)).toBe(true);
    expect(delays).toEqual([2000, 5000]);
  });

  it('gives up on a 5xx storm after the bounded number of attempts, with backoff growing', async () => {
    const r = await registry();
    const digest = r.addBlob(Buffer.from('x'));
    const storm: Fault = Object.assign(
      (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
        if (!req.url?.includes('/blobs/')) return false;
        res.writeHead(503);
        res.end();
        return true;
      },
      { sticky: true },
    );
    r.faults.push(storm);
    const { c, delays } = client({ retry: { maxAttempts: 3, baseDelayMs: 100 } });
    const err = await c.getBlob(repoOf(r), digest).catch((e: unknown) => e);
    expect((err as ImageChangelogError).code).toBe('BLOB_DOWNLOAD');
    expect((err as Error).message).toContain(digest);
    expect(r.seen.filter((s) => s.url.includes('/blobs/'))).toHaveLength(3);
    expect(delays).toEqual([75, 150]); // base * 2^(n-1) * (0.5 + 0.5 * random), random = 0.5
  });

  it('resumes a dropped blob with a Range request and delivers every byte once', async () => {
    const r = await registry();
    const blob = bigBlob();
    const digest = r.addBlob(blob);
    r.faults.push(dropMidBody('/v2/team/app/blobs/', blob));
    const { c } = client();
    const progress: number[] = [];
    const got = await readAll(
      await c.getBlob(repoOf(r), digest, { size: blob.length, onProgress: (n) => progress.push(n) }),
    );
    expect(got.equals(blob)).toBe(true);
    const blobRequests = r.seen.filter((s) => s.url.includes('/blobs/'));
    expect(blobRequests).toHaveLength(2);
    const resumedAt = Number(/bytes=(\d+)-/.exec(blobRequests[1]!.headers.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThan(blob.length);
    expect(progress.at(-1)).toBe(blob.length);
  });

  it('restarts from byte 0 and skips what it already delivered when the server has no ranges', async () => {
    const r = await registry({ ranges: false });
    const blob = bigBlob();
    const digest = r.addBlob(blob);
    r.faults.push(dropMidBody('/v2/team/app/blobs/', blob, false));
    const { c } = client();
    const got = await readAll(await c.getBlob(repoOf(r), digest, { size: blob.length }));
    expect(got.equals(blob)).toBe(true);
    const blobRequests = r.seen.filter((s) => s.url.includes('/blobs/'));
    expect(blobRequests).toHaveLength(2);
    expect(blobRequests[1]!.headers.range).toBeUndefined();
  });

  it('fails with a timeout naming the blob when the server stalls', async () => {
    const r = await registry();
    const blob = bigBlob(10_000);
    const digest = r.addBlob(blob);
    const stall: Fault = Object.assign(
      (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
        if (!req.url?.includes('/blobs/')) return false;
        res.writeHead(200, { 'content-length': blob.length });
        res.write(blob.subarray(0, 100)); // and then nothing
        return true;
      },
      { sticky: true },
    );
    r.faults.push(stall);
    const { c } = client({ idleTimeoutMs: 150, retry: { maxAttempts: 2 } });
    const err = await readAll(await c.getBlob(repoOf(r), digest)).catch((e: unknown) => e);
    expect((err as ImageChangelogError).code).toBe('REGISTRY_TIMEOUT');
    expect((err as Error).message).toContain(digest);
  });

  it('refuses a blob whose content does not match its digest', async () => {
    const r = await registry();
    const blob = bigBlob(5000);
    const digest = r.addBlob(blob);
    const wrong = Buffer.from(blob);
    wrong[4000] = wrong[4000]! ^ 0xff;
    r.faults.push((req, res) => {
      if (!req.url?.includes('/blobs/')) return false;
      serveBytes(req, res, wrong, true);
      return true;
    });
    const { c } = client();
    const err = await readAll(await c.getBlob(repoOf(r), digest)).catch((e: unknown) => e);
    expect((err as ImageChangelogError).code).toBe('DIGEST_MISMATCH');
    expect((err as Error).message).toContain(digest);
  });

  it('refuses a blob longer than its descriptor says', async () => {
    const r = await registry();
    const blob = bigBlob(5000);
    const digest = r.addBlob(blob);
    const { c } = client();
    const err = await readAll(await c.getBlob(repoOf(r), digest, { size: 4000 })).catch((e: unknown) => e);
    expect((err as ImageChangelogError).code).toBe('SIZE_MISMATCH');
  });

  it('lists every tag across Link-paginated pages', async () => {
    const r = await registry({ auth: 'bearer', anonymousPull: true });
    const tags = ['1.0.0', '1.1.0', '1.2.0', '2.0.0', 'latest', 'v2.1.0', 'v3.0.0-rc.1'];
    for (const t of tags) r.addManifest('team/app', { schemaVersion: 2, t }, OCI_MANIFEST, t);
    const { c } = client();
    const got = await c.listTags(repoOf(r), { pageSize: 3 });
    expect([...got].sort()).toEqual([...tags].sort());
    expect(r.seen.filter((s) => s.url.includes('/tags/list'))).toHaveLength(3);
    await expect(c.listTags(repoOf(r, 'team/none'))).rejects.toMatchObject({ code: 'REPOSITORY_NOT_FOUND' });
  });

  it('reads Link headers with several relations and relative URLs', () => {
    const here = new URL('https://r.example/v2/a/tags/list?n=2');
    expect(nextLink('</v2/a/tags/list?n=2&last=b>; rel="next"', here)?.href).toBe(
      'https://r.example/v2/a/tags/list?n=2&last=b',
    );
    expect(nextLink('<https://r.example/p>; rel="prev", </q?last=c>; rel=next', here)?.href).toBe(
      'https://r.example/q?last=c',
    );
    expect(nextLink('<x>; rel="prev"', here)).toBeUndefined();
    expect(nextLink(undefined, here)).toBeUndefined();
  });

  it('uses plain HTTP only for loopback hosts and listed insecure registries', async () => {
    const { c } = client({ insecureRegistries: ['registry.lan:5000'] });
    expect(c.allowsPlainHttp('127.0.0.1:5000')).toBe(true);
    expect(c.allowsPlainHttp('localhost:5000')).toBe(true);
    expect(c.allowsPlainHttp('[::1]:5000')).toBe(true);
    expect(c.allowsPlainHttp('registry.lan:5000')).toBe(true);
    expect(c.allowsPlainHttp('ghcr.io')).toBe(false);
    expect(c.allowsPlainHttp('128.0.0.1')).toBe(false);
    const refused = send({
      url: new URL('http://example.invalid/v2/'),
      idleTimeoutMs: 1000,
      subject: 'ping',
      allowPlainHttp: () => false,
    });
    await expect(refused).rejects.toMatchObject({ code: 'INSECURE_REGISTRY' });
  });

  it('keeps at most blobConcurrency downloads open at once', async () => {
    const r = await registry();
    const blobs = [bigBlob(1000), bigBlob(2000), bigBlob(3000)];
    const digests = blobs.map((b) => r.addBlob(b));
    const { c } = client({ blobConcurrency: 2 });
    const s1 = await c.getBlob(repoOf(r), digests[0]!);
    const s2 = await c.getBlob(repoOf(r), digests[1]!);
    let thirdOpened = false;
    const third = c.getBlob(repoOf(r), digests[2]!).then((s) => ((thirdOpened = true), s));
    // A full round trip to the server gives a wrongly started third download time to arrive.
    await c.getManifest(parseReference(`${r.host}/team/app:missing`)).catch(() => undefined);
    expect(thirdOpened).toBe(false);
    expect(r.seen.filter((s) => s.url.includes('/blobs/'))).toHaveLength(2);
    await readAll(s1); // a slot frees only when a stream ends
    const s3 = await third;
    expect(thirdOpened).toBe(true);
    expect((await readAll(s3)).equals(blobs[2]!)).toBe(true);
    expect((await readAll(s2)).equals(blobs[1]!)).toBe(true);
  });
});

describe('registry/client failures', () => {
  it('says which registry cannot be reached, after bounded retries', async () => {
    const r = await new FakeRegistry().start();
    const host = r.host;
    await r.stop(); // nothing listens there now
    const delays: number[] = [];
    const c = new RegistryClient({
      retry: { maxAttempts: 2, sleep: (ms) => (delays.push(ms), Promise.resolve()) },
    });
    const err = (await c
      .getManifest(parseReference(`${host}/team/app:1`))
      .catch((e: unknown) => e)) as ImageChangelogError;
    expect(err.code).toBe('REGISTRY_UNREACHABLE');
    expect(err.message).toContain(host);
    expect(err.message).toContain('ECONNREFUSED');
    expect(delays).toHaveLength(1);
  });
});
