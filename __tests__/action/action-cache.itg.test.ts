import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BlockBlobClient } from '@azure/storage-blob';
import { decompress as unzstd } from 'fzstd';
import tar from 'tar-stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DiskLayerIndexCache } from '../../src/cache/layer-index-cache.js';
import { defaultCaptureSpec } from '../../src/catalog/registry.js';
import { FakeActionsCache, type FakeCacheEntry } from '../helpers/fake-actions-cache.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import {
  bundledAction,
  commandLines,
  eventFixture,
  runAction,
  type ActionRun,
} from '../helpers/run-action.js';
import { repoRoot } from '../world/world.js';

// The bundled action, run as the Actions runner runs it, keeping its layer indexes in the Actions
// cache: a local stand-in for GitHub's cache service (v2 Twirp + Azure blob storage as on
// github.com, v1 REST as on GHES) receives what @actions/cache sends. Each run after the first
// starts on a fresh runner: the same RUNNER_TEMP path (as on hosted runners, and as the cache
// version, a hash of the cached path, requires) with nothing left in it.
const TOKEN = 'ghs_itgTokenThatMustNeverBeLogged4711';
const V1 = 'oci-archive:examples/v1.oci.tar';
const V2 = 'oci-archive:examples/v2.oci.tar';
const KEY_BASE = 'image-changelog-layers-v1-Linux';

async function makeWorkspace(): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), 'ic-workspace-'));
  await symlink(join(repoRoot, 'examples'), join(ws, 'examples'));
  return ws;
}

async function untar(buf: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = new Promise<void>((res, rej) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') files.set(header.name, Buffer.concat(chunks));
        next();
      });
    });
    extract.on('finish', res);
    extract.on('error', rej);
  });
  extract.end(buf);
  await done;
  return files;
}

/** The layers of an example image, read from its OCI archive (index -> manifest -> config). */
async function diffIDsOf(ref: string): Promise<string[]> {
  const files = await untar(readFileSync(join(repoRoot, ref.replace(/^oci-archive:/, ''))));
  const blob = (digest: string): unknown =>
    JSON.parse(files.get(`blobs/sha256/${digest.slice(7)}`)!.toString('utf8'));
  const index = JSON.parse(files.get('index.json')!.toString('utf8')) as { manifests: { digest: string }[] };
  const manifest = blob(index.manifests[0]!.digest) as { config: { digest: string } };
  return (blob(manifest.config.digest) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids;
}

/** The cache archive as @actions/cache wrote it: tar, zstd-compressed when zstd is installed, else gzip. */
async function unpackArchive(archive: Buffer): Promise<Map<string, Buffer>> {
  const zstd = archive.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
  return untar(zstd ? Buffer.from(unzstd(archive)) : gunzipSync(archive));
}

/** The last `layers: N/M indexed (K from cache)` line of a run. */
function layersLine(run: ActionRun): string | undefined {
  return run.stdout
    .split('\n')
    .filter((l) => l.startsWith('layers: '))
    .at(-1);
}

/** Workflow-command data as the runner reads it. */
const unescapeCommand = (s: string): string =>
  s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

/** The log as the runner shows it: commands unescaped, every add-mask value replaced by ***. */
function shownLog(run: ActionRun): string {
  const lines = `${run.stdout}\n${run.stderr}`.split('\n');
  const masks = lines
    .filter((l) => l.startsWith('::add-mask::'))
    .map((l) => unescapeCommand(l.slice('::add-mask::'.length)))
    .filter((m) => m !== '')
    .sort((a, b) => b.length - a.length);
  let text = lines
    .filter((l) => !l.startsWith('::add-mask::'))
    .map((l) => {
      const command = /^(::[a-z-]+(?: [^:]*)?::)(.*)$/.exec(l);
      return command ? `${command[1]}${unescapeCommand(command[2]!)}` : l;
    })
    .join('\n');
  for (const m of masks) text = text.split(m).join('***');
  return text;
}

/** A run and its JSON report, read at once: the report lives under RUNNER_TEMP, which the next runner empties. */
type CacheRun = ActionRun & { report: string };

describe('layer index cache in the Actions cache (bundled dist/index.js)', () => {
  let gh: FakeGitHub;
  let svc: FakeActionsCache;
  let workspace: string;
  let runnerTemp: string;
  let layers: string[];
  /** The report and changelog of the same comparison with the cache off. */
  let baseline: { report: string; changelog: string };

  const run = async (env: Record<string, string>, inputs: Record<string, string> = {}): Promise<CacheRun> => {
    const r = await runAction({
      inputs: { 'github-token': TOKEN, image: V2, previous: V1, cache: 'true', ...inputs },
      eventName: 'pull_request',
      event: eventFixture('pull_request.opened'),
      apiUrl: gh.url,
      workspace,
      token: TOKEN,
      env: { RUNNER_TEMP: runnerTemp, RUNNER_OS: 'Linux', ...env },
    });
    const file = r.outputs['report-file'];
    return { ...r, report: file ? readFileSync(file, 'utf8') : '' };
  };
  /** A fresh runner for the next job: the same paths, nothing left in RUNNER_TEMP. */
  const freshRunner = async (): Promise<void> => {
    await rm(runnerTemp, { recursive: true, force: true });
    await mkdir(runnerTemp);
  };
  const short = (diffID: string): string => diffID.slice(7, 19);

  /**
   * The runtime token shows up nowhere (the action has no reason to print it), and neither the
   * GitHub token nor a signed URL's signature survives the runner's masking of add-mask values.
   */
  const expectNothingLeaked = (r: ActionRun): void => {
    for (const text of [r.stdout, r.stderr, r.outputText, r.summary]) expect(text).not.toContain(svc.token);
    const sigs = svc.signedUrls.map((u) => new URL(u).searchParams.get('sig')!);
    const secrets = [TOKEN, ...sigs, ...sigs.map(encodeURIComponent)];
    const shown = shownLog(r);
    expect(secrets.filter((s) => shown.includes(s))).toEqual([]);
  };
  const expectNoStack = (r: ActionRun): void => {
    expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/^\s+at .+[:(]/m);
  };

  beforeAll(async () => {
    if (!existsSync(bundledAction)) throw new Error(`${bundledAction} is missing: run npm run bundle first`);
    layers = [...new Set([...(await diffIDsOf(V1)), ...(await diffIDsOf(V2))])];
    gh = new FakeGitHub();
    await gh.start();
    workspace = await makeWorkspace();
    runnerTemp = await mkdtemp(join(tmpdir(), 'ic-runner-temp-'));
    const r = await run({}, { cache: 'false' });
    expect(r.code).toBe(0);
    baseline = { report: r.report, changelog: r.outputs.changelog! };
    await gh.stop();
  });
  beforeEach(async () => {
    gh = new FakeGitHub();
    await gh.start();
    svc = new FakeActionsCache();
    await svc.start();
    workspace = await makeWorkspace();
    runnerTemp = await mkdtemp(join(tmpdir(), 'ic-runner-temp-'));
  });
  afterEach(async () => {
    await gh.stop();
    await svc.stop();
  });

  it('v2: saves the layer indexes on the first run and takes every layer from the cache on the next', async () => {
    const first = await run(svc.env('v2'));
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expectNothingLeaked(first);
    expect(svc.rpc('GetCacheEntryDownloadURL')).toEqual([
      {
        key: `${KEY_BASE}-restore`,
        restore_keys: [`${KEY_BASE}-`],
        version: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(first.stdout).toContain('no layer indexes restored from the Actions cache');
    expect(layersLine(first)).toBe(`layers: ${layers.length}/${layers.length} indexed (0 from cache)`);

    // One finalized entry whose key names every layer of both images.
    expect(svc.entries).toHaveLength(1);
    const entry = svc.entries[0]!;
    expect(entry.finalized).toBe(true);
    expect(entry.key.startsWith(`${KEY_BASE}-`)).toBe(true);
    for (const d of layers) expect(entry.key).toContain(short(d));
    expect(first.stdout).toContain(`saved layer indexes as ${entry.key}`);
    expect(svc.rpc('FinalizeCacheEntryUpload')).toEqual([
      { key: entry.key, version: entry.version, size_bytes: String(entry.archive!.length) },
    ]);
    // The archive went to the signed URL through the storage SDK, without the runtime token.
    const blobs = svc.requests.filter((q) => q.api === 'blob');
    expect(blobs.map((q) => q.method)).toEqual(['PUT']);
    expect(blobs[0]!.headers['x-ms-blob-type']).toBe('BlockBlob');
    expect(
      svc.requests
        .filter((q) => q.api === 'twirp')
        .every((q) => q.headers.authorization === `Bearer ${svc.token}`),
    ).toBe(true);
    expect(blobs.every((q) => q.headers.authorization === undefined)).toBe(true);

    // The archive holds, for every layer, an index the action's own cache reads back, at the path
    // the next run restores it to.
    const files = await unpackArchive(entry.archive!);
    const cacheDir = join(runnerTemp, 'image-changelog-cache');
    const indexes = [...files].filter(([name]) => name.endsWith('.idx'));
    expect(indexes).toHaveLength(layers.length);
    const unpacked = await mkdtemp(join(tmpdir(), 'ic-unpacked-'));
    for (const [name, content] of indexes) {
      expect(dirname(resolve(workspace, name))).toBe(cacheDir);
      await writeFile(join(unpacked, basename(name)), content);
    }
    const reader = new DiskLayerIndexCache(unpacked, defaultCaptureSpec());
    for (const d of layers) expect((await reader.get(d))?.diffID).toBe(d);
    expect(reader.stats).toMatchObject({ hits: layers.length, corrupt: 0 });

    await freshRunner();
    expect(existsSync(cacheDir)).toBe(false);
    const second = await run(svc.env('v2'));
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    expectNothingLeaked(second);
    const lookups = svc.rpc('GetCacheEntryDownloadURL');
    expect(lookups).toHaveLength(2);
    expect(lookups[1]!.version).toBe(entry.version);
    expect(second.stdout).toContain(`Cache hit for restore-key: ${entry.key}`);
    expect(second.stdout).toContain(`restored layer indexes from ${entry.key}`);
    // Downloaded as on github.com: the SDK asks for the size, then reads ranges.
    const reads = svc.requests.filter((q) => q.api === 'blob' && q.method !== 'PUT');
    expect(reads[0]!.method).toBe('HEAD');
    expect(
      reads
        .slice(1)
        .every((q) => q.method === 'GET' && /^bytes=\d+-\d+$/.test(String(q.headers['x-ms-range']))),
    ).toBe(true);
    expect(reads.length).toBeGreaterThan(1);
    expect(layersLine(second)).toBe(
      `layers: ${layers.length}/${layers.length} indexed (${layers.length} from cache)`,
    );
    // Same layers, same key: nothing new to save.
    expect(second.stdout).toContain('layer index cache is current');
    expect(svc.rpc('CreateCacheEntry')).toHaveLength(1);
    expect(svc.entries).toHaveLength(1);

    expect(first.report).toBe(baseline.report);
    expect(second.report).toBe(baseline.report);
    expect(second.outputs.changelog).toBe(baseline.changelog);
    expect(gh.comments.get(42)).toHaveLength(1);
  });

  it('v2: restores the newest entry that starts with the key base, and saves a new one when the layers change', async () => {
    const [v1Layer] = await diffIDsOf(V1);
    // A first release (only v1's layer), then the comparison of v2 with it.
    const release = await run(svc.env('v2'), { image: V1, previous: '' });
    expect(release.code).toBe(0);
    expect(svc.entries.map((e) => e.key)).toEqual([`${KEY_BASE}-${short(v1Layer!)}`]);

    await freshRunner();
    const compare = await run(svc.env('v2'));
    expect(compare.code).toBe(0);
    expect(compare.stdout).toContain(`restored layer indexes from ${KEY_BASE}-${short(v1Layer!)}`);
    expect(layersLine(compare)).toBe(`layers: ${layers.length}/${layers.length} indexed (1 from cache)`);
    expect(svc.entries).toHaveLength(2);
    const newest = svc.entries[1]!;
    for (const d of layers) expect(newest.key).toContain(short(d));

    await freshRunner();
    const again = await run(svc.env('v2'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`restored layer indexes from ${newest.key}`);
    expect(layersLine(again)).toBe(
      `layers: ${layers.length}/${layers.length} indexed (${layers.length} from cache)`,
    );
    expect(svc.entries).toHaveLength(2);
    expect(compare.report).toBe(baseline.report);
    expect(again.report).toBe(baseline.report);
  });

  it('v1 (GHES): saves in chunks and restores the entry on the next run', async () => {
    const env = { ...svc.env('v1'), GITHUB_SERVER_URL: 'https://ghes.example.com' };
    const first = await run(env);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expectNothingLeaked(first);
    expect(svc.requests.some((q) => q.api === 'twirp')).toBe(false);
    expect(svc.entries).toHaveLength(1);
    const entry = svc.entries[0]!;
    expect(entry.protocol).toBe('v1');
    expect(entry.finalized).toBe(true);
    for (const d of layers) expect(entry.key).toContain(short(d));
    const patches = svc.requests.filter((q) => q.api === 'v1' && q.method === 'PATCH');
    expect(patches.length).toBeGreaterThan(0);
    expect(first.stdout).toContain(`saved layer indexes as ${entry.key}`);
    const indexes = [...(await unpackArchive(entry.archive!)).keys()].filter((n) => n.endsWith('.idx'));
    expect(indexes).toHaveLength(layers.length);

    await freshRunner();
    const second = await run(env);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    expectNothingLeaked(second);
    expect(second.stdout).toContain(`restored layer indexes from ${entry.key}`);
    expect(layersLine(second)).toBe(
      `layers: ${layers.length}/${layers.length} indexed (${layers.length} from cache)`,
    );
    expect(second.stdout).toContain('layer index cache is current');
    expect(
      svc.requests.filter((q) => q.api === 'v1' && q.method === 'POST' && q.path.endsWith('/caches')),
    ).toHaveLength(1);
    expect(
      svc.requests.every((q) => q.api === 'blob' || q.headers.authorization === `Bearer ${svc.token}`),
    ).toBe(true);
    expect(second.report).toBe(baseline.report);
  });

  it("the fake service holds a client to the real one's rules, and takes the block upload of archives over 128 MiB", async () => {
    // What @actions/cache does for a large archive, driven by hand with the same storage SDK.
    const rpc = async (method: string, body: unknown, token = svc.token) => {
      const res = await fetch(`${svc.url}/twirp/github.actions.results.api.v1.CacheService/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, string | boolean> };
    };
    const storage = { proxyOptions: { host: 'http://127.0.0.1', port: Number(new URL(svc.url).port) } };
    const version = createHash('sha256').update('a path|zstd-without-long|1.0').digest('hex');
    const key = `${KEY_BASE}-big`;

    expect((await rpc('CreateCacheEntry', { key, version }, 'not-the-token')).status).toBe(401);
    expect((await rpc('CreateCacheEntry', { key })).status).toBe(400);
    const created = await rpc('CreateCacheEntry', { key, version });
    expect(created.body.ok).toBe(true);
    expect((await rpc('CreateCacheEntry', { key, version })).status).toBe(409);
    // Nothing uploaded yet: no finalize, and the pending entry is not handed out.
    expect((await rpc('FinalizeCacheEntryUpload', { key, version, size_bytes: '1' })).status).toBe(412);
    const early = await rpc('GetCacheEntryDownloadURL', { key, restore_keys: [`${KEY_BASE}-`], version });
    expect(early.body.ok).toBe(false);

    const data = randomBytes(3 * 1024 * 1024 + 17);
    const upload = new BlockBlobClient(created.body.signed_upload_url as string, undefined, storage);
    await upload.uploadData(data, { blockSize: 1024 * 1024, maxSingleShotSize: 1024 * 1024, concurrency: 2 });
    const puts = svc.requests.filter((q) => q.api === 'blob');
    expect(puts.map((q) => q.query.get('comp'))).toEqual(['block', 'block', 'block', 'block', 'blocklist']);
    const wrongSize = { key, version, size_bytes: String(data.length - 1) };
    expect((await rpc('FinalizeCacheEntryUpload', wrongSize)).status).toBe(400);
    const finalized = await rpc('FinalizeCacheEntryUpload', {
      key,
      version,
      size_bytes: String(data.length),
    });
    expect(finalized.body.ok).toBe(true);

    // Another version of the same paths does not match; the same version does, by prefix.
    const otherVersion = await rpc('GetCacheEntryDownloadURL', {
      key: 'x',
      restore_keys: [`${KEY_BASE}-`],
      version: 'f'.repeat(64),
    });
    expect(otherVersion.body.ok).toBe(false);
    const hit = await rpc('GetCacheEntryDownloadURL', { key: 'x', restore_keys: [`${KEY_BASE}-`], version });
    expect(hit.body).toMatchObject({ ok: true, matched_key: key });
    const download = new BlockBlobClient(hit.body.signed_download_url as string, undefined, storage);
    expect((await download.downloadToBuffer(0, undefined, { blockSize: 1024 * 1024 })).equals(data)).toBe(
      true,
    );
    // A read signature does not write.
    await expect(download.upload('x', 1)).rejects.toMatchObject({ statusCode: 403 });
  });

  describe('a failing cache service only warns; the job succeeds with the same report', () => {
    const expectGreenWithWarning = (r: CacheRun, warning: RegExp): void => {
      expect(r.code).toBe(0);
      expect(commandLines(r, 'warning').some((l) => warning.test(l))).toBe(true);
      expect(commandLines(r, 'error')).toEqual([]);
      expectNoStack(r);
      expectNothingLeaked(r);
      expect(r.report).toBe(baseline.report);
      expect(r.outputs.changelog).toBe(baseline.changelog);
    };

    it('GetCacheEntryDownloadURL answers 500 on every attempt', async () => {
      svc.fault('POST', /\/GetCacheEntryDownloadURL$/, 500, 500, 500, 500, 500);
      const r = await run(svc.env('v2'));
      expectGreenWithWarning(r, /GetCacheEntryDownloadURL/);
      expect(svc.rpc('GetCacheEntryDownloadURL')).toHaveLength(5);
      expect(layersLine(r)).toBe(`layers: ${layers.length}/${layers.length} indexed (0 from cache)`);
      // The service is back for the save.
      expect(svc.entries.filter((e) => e.finalized)).toHaveLength(1);
    });

    it('the stored archive is broken', async () => {
      const first = await run(svc.env('v2'));
      expect(first.code).toBe(0);
      const entry: FakeCacheEntry = svc.entries[0]!;
      entry.archive = entry.archive!.subarray(0, Math.floor(entry.archive!.length / 2));
      await freshRunner();
      const r = await run(svc.env('v2'));
      expectGreenWithWarning(r, /Failed to restore/);
      expect(r.stdout).not.toContain('restored layer indexes from');
      // The same key again: the service refuses a second entry, and the log does not claim a save.
      expect(svc.rpc('CreateCacheEntry')).toHaveLength(2);
      expect(svc.entries).toHaveLength(1);
      expect(r.stdout).toContain(`layer indexes not saved as ${entry.key}`);
      expect(r.stdout).not.toContain('saved layer indexes as');
    });

    it('the cache service cannot be reached', async () => {
      const gone = new FakeActionsCache(svc.token);
      await gone.start();
      await gone.stop();
      const r = await run(gone.env('v2'));
      expectGreenWithWarning(r, /Failed to restore/);
      expect(layersLine(r)).toBe(`layers: ${layers.length}/${layers.length} indexed (0 from cache)`);
      expect(r.stdout).toMatch(/^layer indexes not saved as image-changelog-layers-v1-Linux-/m);
      expect(r.stdout).not.toContain('saved layer indexes as');
    });
  });
});
