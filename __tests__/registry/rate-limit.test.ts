import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RegistryClient } from '../../src/registry/client.js';
import { FakeRegistry, type Fault } from '../helpers/fake-registry.js';
import { ImageChangelogError } from '../../src/util/errors.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
let reg: FakeRegistry | undefined;
afterEach(async () => {
  await reg?.stop();
  reg = undefined;
});

function limited(headers: Record<string, string>, sticky = true): Fault {
  return Object.assign(
    (req: IncomingMessage, res: ServerResponse) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.writeHead(429, { 'content-type': 'application/json', ...headers });
      res.end(
        '{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your unauthenticated pull rate limit."}]}',
      );
      return true;
    },
    { sticky },
  );
}

async function setup(fault: Fault): Promise<{ c: RegistryClient; delays: number[]; r: FakeRegistry }> {
  const r = (reg = await new FakeRegistry().start());
  r.addManifest(
    'library/node',
    { schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] },
    OCI_MANIFEST,
    '20',
  );
  r.faults.push(fault);
  const delays: number[] = [];
  const c = new RegistryClient({
    retry: { maxAttempts: 4, sleep: (ms) => (delays.push(ms), Promise.resolve()), random: () => 0.5 },
  });
  return { c, delays, r };
}

const manifestCalls = (r: FakeRegistry) => r.seen.filter((s) => s.url.includes('/manifests/')).length;

describe('registry rate limits', () => {
  it('stops at once with one line when no pulls are left: how many, when it resets, how to log in', async () => {
    const { c, delays, r } = await setup(
      limited({
        'ratelimit-limit': '100;w=21600',
        'ratelimit-remaining': '0;w=21600',
        'retry-after': '8040',
      }),
    );
    const err = await c
      .getManifest({ registry: r.host, repository: 'library/node', tag: '20' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageChangelogError);
    expect((err as ImageChangelogError).code).toBe('RATE_LIMITED');
    expect((err as ImageChangelogError).oneLine()).toBe(
      `${r.host} rate limit reached while fetching manifest ${r.host}/library/node:20: 0 of 100 pulls left per 6 h, resets in 2 h 14 min ` +
        '(log in to raise the limit: docker/login-action before this step (or registry-username/registry-password when the action compares an image), docker login for the CLI; nothing was compared)',
    );
    expect(manifestCalls(r)).toBe(1);
    expect(delays).toEqual([]);
  });

  it('reads a reset given as a Unix time, and says so when the registry gives no reset', async () => {
    const at = Math.floor(Date.now() / 1000) + 25 * 60;
    const first = await setup(limited({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(at) }));
    const err = await first.c
      .getManifest({ registry: first.r.host, repository: 'library/node', tag: '20' })
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/: 0 pulls left, resets in 2[56] min$/);
    await reg!.stop();
    const second = await setup(limited({ 'ratelimit-remaining': '0' }));
    const err2 = await second.c
      .getManifest({ registry: second.r.host, repository: 'library/node', tag: '20' })
      .catch((e: unknown) => e);
    expect((err2 as Error).message).toMatch(/: 0 pulls left, the registry did not say when it resets$/);
  });

  it('retries a 429 that leaves pulls (a burst limit) and succeeds', async () => {
    const { c, delays, r } = await setup(
      limited({ 'ratelimit-remaining': '40;w=21600', 'retry-after': '1' }, false),
    );
    const got = await c.getManifest({ registry: r.host, repository: 'library/node', tag: '20' });
    expect(got.mediaType).toBe(OCI_MANIFEST);
    expect(delays).toEqual([1000]);
    expect(manifestCalls(r)).toBe(2);
  });

  it('names the rate limit, not a generic error, when 429s outlast the attempts', async () => {
    const { c, r } = await setup(limited({ 'retry-after': '1' }));
    const err = await c
      .getManifest({ registry: r.host, repository: 'library/node', tag: '20' })
      .catch((e: unknown) => e);
    expect((err as ImageChangelogError).code).toBe('RATE_LIMITED');
    expect((err as Error).message).toMatch(
      /rate limit reached while fetching manifest .*: resets in less than a minute$/,
    );
    expect(manifestCalls(r)).toBe(4);
  });

  it('maps 429s on a blob to the rate-limit line: at once when no pulls are left, after the attempts otherwise', async () => {
    const blobLimited = (headers: Record<string, string>): Fault =>
      Object.assign(
        (req: IncomingMessage, res: ServerResponse) => {
          if (!req.url?.includes('/blobs/')) return false;
          res.writeHead(429, headers);
          res.end();
          return true;
        },
        { sticky: true },
      );
    const blobCalls = (r: FakeRegistry) => r.seen.filter((s) => s.url.includes('/blobs/')).length;

    const none = await setup(
      blobLimited({
        'ratelimit-limit': '100;w=21600',
        'ratelimit-remaining': '0;w=21600',
        'ratelimit-reset': '3600',
      }),
    );
    const digest = none.r.addBlob(Buffer.from('layer bytes'));
    const err = await none.c
      .getBlobBytes({ registry: none.r.host, repository: 'library/node' }, digest, 1024)
      .catch((e: unknown) => e);
    expect((err as ImageChangelogError).code).toBe('RATE_LIMITED');
    expect((err as ImageChangelogError).oneLine()).toMatch(
      new RegExp(
        `^${none.r.host.replace(/\./g, '\\.')} rate limit reached while fetching blob ${digest} of ${none.r.host.replace(/\./g, '\\.')}/library/node: ` +
          '0 of 100 pulls left per 6 h, resets in 1 h \\(log in to raise the limit: .*nothing was compared\\)$',
      ),
    );
    expect(blobCalls(none.r)).toBe(1);
    expect(none.delays).toEqual([]);
    await reg!.stop();

    const burst = await setup(blobLimited({ 'retry-after': '2' }));
    const d2 = burst.r.addBlob(Buffer.from('other layer'));
    const err2 = await burst.c
      .getBlobBytes({ registry: burst.r.host, repository: 'library/node' }, d2, 1024)
      .catch((e: unknown) => e);
    expect((err2 as ImageChangelogError).code).toBe('RATE_LIMITED');
    expect((err2 as Error).message).toMatch(
      /rate limit reached while fetching blob .*: resets in less than a minute$/,
    );
    expect(blobCalls(burst.r)).toBe(4);
    expect(burst.delays).toEqual([2000, 2000, 2000]);
  });

  it("maps the token service's 429 to the rate-limit line, not an authentication failure", async () => {
    const r = (reg = await new FakeRegistry({ auth: 'bearer', anonymousPull: true }).start());
    r.addManifest(
      'library/node',
      { schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] },
      OCI_MANIFEST,
      '20',
    );
    r.faults.push(
      Object.assign(
        (req: IncomingMessage, res: ServerResponse) => {
          if (!req.url?.startsWith('/token')) return false;
          res.writeHead(429, {
            'x-ratelimit-limit': '100',
            'x-ratelimit-remaining': '0',
            'retry-after': '600',
          });
          res.end();
          return true;
        },
        { sticky: true },
      ),
    );
    const delays: number[] = [];
    const c = new RegistryClient({
      retry: { maxAttempts: 4, sleep: (ms) => (delays.push(ms), Promise.resolve()), random: () => 0.5 },
    });
    const err = await c
      .getManifest({ registry: r.host, repository: 'library/node', tag: '20' })
      .catch((e: unknown) => e);
    expect((err as ImageChangelogError).code).toBe('RATE_LIMITED');
    expect((err as Error).message).toBe(
      `${r.host} rate limit reached while fetching a token for repository:library/node:pull from ${r.host}: 0 of 100 pulls left, resets in 10 min`,
    );
    expect(r.seen.filter((s) => s.url.startsWith('/token')).length).toBe(1);
    expect(manifestCalls(r)).toBe(0); // the challenge came from GET /v2/; no manifest was asked for without a token
    expect(delays).toEqual([]);
  });
});
