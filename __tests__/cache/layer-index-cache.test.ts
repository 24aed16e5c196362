import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CACHE_FORMAT_VERSION,
  captureSpecKey,
  deserializeLayerIndex,
  DiskLayerIndexCache,
  serializeLayerIndex,
} from '../../src/cache/layer-index-cache.js';
import type { CaptureSpec, LayerIndex } from '../../src/layers/types.js';
import { EntryTable } from '../../src/layers/entry-table.js';

/** An index with its entries as plain objects, for deep comparison (tables differ in capacity). */
function plain(index: LayerIndex | undefined): unknown {
  return index === undefined ? undefined : { ...index, entries: index.entries.toArray() };
}

const spec: CaptureSpec = { globs: ['var/lib/dpkg/status'], maxFileBytes: 1024, probes: [] };

function index(n: number, diffByte = 'a'): LayerIndex {
  return {
    diffID: `sha256:${diffByte.repeat(64)}`,
    digest: `sha256:${'b'.repeat(64)}`,
    compression: 'gzip',
    compressedSize: 10,
    uncompressedSize: 20,
    entries: EntryTable.of([
      { path: 'etc', type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0 },
      {
        path: 'usr/bin/su',
        type: 'file',
        mode: 0o4755,
        uid: 0,
        gid: 0,
        size: n,
        sha256: 'c'.repeat(64),
        mtime: 5,
      },
      { path: 'bin', type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, link: 'usr/bin' },
      { path: 'dev/null', type: 'char', mode: 0o666, uid: 0, gid: 0, size: 0, devmajor: 1, devminor: 3 },
      {
        path: 'usr/bin/go',
        type: 'file',
        mode: 0o755,
        uid: 1,
        gid: 2,
        size: 3,
        sha256: 'd'.repeat(64),
        probes: { 'go-buildinfo': { goVersion: 'go1.22' } },
      },
      {
        path: 'usr/bin/ping',
        type: 'file',
        mode: 0o755,
        uid: 0,
        gid: 0,
        size: 4,
        sha256: 'e'.repeat(64),
        probes: { 'file-digests': { md5: '1'.repeat(32), sha1: '2'.repeat(40) }, secrets: ['aws'] },
        xattrs: { 'security.capability': 'AQAAAgAgAAAAAAAAAAAAAAAAAAA=' },
      },
      {
        path: 'caf\u00e9/na\u00efve \u{1F600}',
        type: 'file',
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: 0,
        sha256: 'f'.repeat(64),
      },
    ]),
    whiteouts: [
      { path: 'etc/old', kind: 'file' },
      { path: 'var/cache', kind: 'opaque' },
    ],
    captured: new Map([['var/lib/dpkg/status', Buffer.from('Package: x\n')]]),
    warnings: [{ code: 'CAPTURE_TOO_LARGE', path: 'big', message: 'too big' }],
  };
}

describe('layer-index-cache', () => {
  it('round-trips every field of a layer index', () => {
    const original = index(7);
    expect(plain(deserializeLayerIndex(Buffer.concat(serializeLayerIndex(original))))).toEqual(
      plain(original),
    );
  });

  it('round-trips MD5 alone, SHA-1 alone and both, with either column absent', () => {
    const file = (path: string, digests: Record<string, string>) => ({
      path,
      type: 'file' as const,
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: 1,
      sha256: 'c'.repeat(64),
      probes: { 'file-digests': digests },
    });
    const md5 = '1'.repeat(32);
    const sha1 = '2'.repeat(40);
    const tables = [
      [file('usr/a', { md5 }), file('usr/b', { sha1 }), file('usr/c', { md5, sha1 })],
      [file('usr/a', { md5 }), file('usr/d', { md5: '3'.repeat(32) })],
      [file('lib/a', { sha1 })],
    ];
    for (const rows of tables) {
      const original = { ...index(7), entries: EntryTable.of(rows) };
      const back = deserializeLayerIndex(Buffer.concat(serializeLayerIndex(original)));
      expect(plain(back)).toEqual(plain(original));
      expect(back?.entries.toArray().map((e) => e.probes)).toEqual(rows.map((r) => r.probes));
    }
  });

  it('keeps captured contents as raw bytes after the JSON line, any bytes at all', () => {
    const original = index(7);
    const binary = Buffer.from([0x00, 0x0a, 0xff, 0x0a, 0x22, 0x5c]);
    original.captured.set('var/lib/rpm/Packages', binary);
    const file = Buffer.concat(serializeLayerIndex(original));
    expect(file.subarray(file.length - binary.length).equals(binary)).toBe(true);
    expect(deserializeLayerIndex(file)?.captured.get('var/lib/rpm/Packages')).toEqual(binary);
  });

  it('refuses bytes that are not a whole file of this version', () => {
    const file = Buffer.concat(serializeLayerIndex(index(7)));
    const nl = file.indexOf(0x0a);
    expect(deserializeLayerIndex(Buffer.from(''))).toBeUndefined();
    const older = Buffer.concat([
      Buffer.from(
        file.toString('latin1', 0, nl).replace(` ${CACHE_FORMAT_VERSION} `, ` ${CACHE_FORMAT_VERSION - 1} `),
      ),
      file.subarray(nl),
    ]);
    expect(deserializeLayerIndex(older)).toBeUndefined();
    // A sound checksum over a body whose captured bytes are short of what the JSON promises.
    const body = file.subarray(nl + 1, file.length - 3);
    const header = `image-changelog-layer-index ${CACHE_FORMAT_VERSION} ${createHash('sha256').update(body).digest('hex')}\n`;
    expect(deserializeLayerIndex(Buffer.concat([Buffer.from(header), body]))).toBeUndefined();
    // ... and one whose columns are short of the rows the JSON line counts.
    const metaEnd = file.indexOf(0x0a, nl + 1);
    const cut = Buffer.concat([file.subarray(nl + 1, metaEnd + 1), file.subarray(metaEnd + 1 + 40)]);
    const cutHeader = `image-changelog-layer-index ${CACHE_FORMAT_VERSION} ${createHash('sha256').update(cut).digest('hex')}\n`;
    expect(deserializeLayerIndex(Buffer.concat([Buffer.from(cutHeader), cut]))).toBeUndefined();
  });

  it('returns a stored index on a later get and counts the hit', async () => {
    const cache = new DiskLayerIndexCache(mkdtempSync(join(tmpdir(), 'ic-')), spec);
    await cache.put(index(1));
    const again = new DiskLayerIndexCache((cache as unknown as { dir: string }).dir, spec);
    expect(plain(await again.get(index(1).diffID))).toEqual(plain(index(1)));
    expect(again.stats.hits).toBe(1);
  });

  it('misses when what is captured changes (the key includes the capture spec)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ic-'));
    await new DiskLayerIndexCache(dir, spec).put(index(1));
    const other = new DiskLayerIndexCache(dir, { ...spec, globs: ['lib/apk/db/installed'] });
    expect(await other.get(index(1).diffID)).toBeUndefined();
    expect(captureSpecKey(spec)).not.toBe(captureSpecKey({ ...spec, maxFileBytes: 2048 }));
    const probe = {
      id: 'p',
      version: 1,
      matches: () => false,
      start: () => ({ write: () => undefined, end: () => undefined }),
    };
    expect(captureSpecKey({ ...spec, probes: [{ ...probe, options: 'cap=1' }] })).not.toBe(
      captureSpecKey({ ...spec, probes: [{ ...probe, options: 'cap=2' }] }),
    );
  });

  it('detects a corrupt entry, drops it and reports a miss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ic-'));
    const cache = new DiskLayerIndexCache(dir, spec);
    await cache.put(index(1));
    const file = join(dir, readdirSync(dir)[0]!);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('usr/bin/su', 'usr/bin/sx'));
    expect(await cache.get(index(1).diffID)).toBeUndefined();
    expect(cache.stats.corrupt).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('treats a truncated entry as corrupt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ic-'));
    const cache = new DiskLayerIndexCache(dir, spec);
    await cache.put(index(1));
    const file = join(dir, readdirSync(dir)[0]!);
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    expect(await cache.get(index(1).diffID)).toBeUndefined();
    expect(cache.stats.corrupt).toBe(1);
  });

  it('evicts the least recently used entries when over its size bound', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ic-'));
    const size = Buffer.concat(serializeLayerIndex(index(1))).length;
    const cache = new DiskLayerIndexCache(dir, spec, { maxBytes: size * 2.5 });
    await cache.put(index(1, 'a'));
    await cache.put(index(1, 'b'));
    // Make 'a' old, then touch it by a get: 'b' becomes the least recently used.
    const old = new Date(Date.now() - 60_000);
    for (const f of readdirSync(dir)) utimesSync(join(dir, f), old, old);
    expect(await cache.get(index(1, 'a').diffID)).toBeDefined();
    await cache.put(index(1, 'c'));
    expect(await cache.get(index(1, 'b').diffID)).toBeUndefined();
    expect(await cache.get(index(1, 'a').diffID)).toBeDefined();
    expect(await cache.get(index(1, 'c').diffID)).toBeDefined();
    expect(cache.stats.evicted).toBe(1);
  });

  it('leaves no temporary files behind after writing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ic-'));
    const cache = new DiskLayerIndexCache(dir, spec);
    await Promise.all([cache.put(index(1, 'a')), cache.put(index(2, 'a')), cache.put(index(1, 'e'))]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(dir)).toHaveLength(2);
  });
});
