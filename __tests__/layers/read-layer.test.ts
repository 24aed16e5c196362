import { describe, expect, it } from 'vitest';
import { readLayer } from '../../src/layers/read-layer.js';
import type { CaptureSpec, ContentProbe, FileEntry, LayerIndex } from '../../src/layers/types.js';
import { makeTar, sha256, type TarSpec } from '../helpers/tar.js';
import { memoryLayer, type LayerCompression } from '../helpers/memory-layer.js';
import { gnuLongLink, gnuLongName, rawFile, rawHeader, rawTar } from '../helpers/raw-tar.js';

const NO_CAPTURE: CaptureSpec = { globs: [], maxFileBytes: 0, probes: [] };

function byPath(index: LayerIndex): Map<string, FileEntry> {
  return new Map(index.entries.toArray().map((e) => [e.path, e]));
}

async function read(entries: TarSpec[], compress: LayerCompression = 'none', spec = NO_CAPTURE) {
  return readLayer(memoryLayer(await makeTar(entries), { compress }), spec);
}

const SAMPLE: TarSpec[] = [
  { name: 'etc/' },
  { name: 'etc/os-release', content: 'ID=debian\n' },
  { name: 'usr/bin/big', content: Buffer.alloc(300_000, 'x') },
  { name: 'usr/bin/empty', content: '' },
];

describe('readLayer', () => {
  it.each(['gzip', 'zstd', 'none'] as const)(
    'indexes every entry with content digests when the layer is %s',
    async (kind) => {
      const tarBytes = await makeTar(SAMPLE);
      const layer = memoryLayer(tarBytes, { compress: kind });
      const index = await readLayer(layer, NO_CAPTURE);
      expect(index.compression).toBe(kind);
      expect(index.digest).toBe(layer.digest);
      expect(index.diffID).toBe(layer.diffID);
      expect(index.uncompressedSize).toBe(tarBytes.length);
      expect(index.compressedSize).toBe(layer.stored.length);
      expect(index.entries.toArray().map((e) => [e.path, e.type, e.size, e.sha256])).toEqual([
        ['etc', 'dir', 0, undefined],
        ['etc/os-release', 'file', 10, sha256('ID=debian\n')],
        ['usr/bin/big', 'file', 300_000, sha256(Buffer.alloc(300_000, 'x'))],
        ['usr/bin/empty', 'file', 0, sha256('')],
      ]);
      expect(index.entries.entry(1).mtime).toBe(1_700_000_000);
    },
  );

  it('gives the same index when the stream arrives one byte at a time', async () => {
    const tarBytes = await makeTar(SAMPLE.slice(0, 2));
    const whole = await readLayer(memoryLayer(tarBytes, { compress: 'gzip' }), NO_CAPTURE);
    const bytewise = await readLayer(memoryLayer(tarBytes, { compress: 'gzip', chunkSize: 1 }), NO_CAPTURE);
    expect(bytewise.entries.toArray()).toEqual(whole.entries.toArray());
  });

  it('uses the pure-JS zstd decoder correctly when native zstd is disabled', async () => {
    const layer = memoryLayer(await makeTar(SAMPLE), { compress: 'zstd' });
    const index = await readLayer(layer, NO_CAPTURE, { nativeZstd: false });
    expect(index.entries.toArray().find((e) => e.path === 'usr/bin/big')?.sha256).toBe(
      sha256(Buffer.alloc(300_000, 'x')),
    );
  });

  it('normalises ./, leading / and empty or . segments when names carry them', async () => {
    const index = await read([
      { name: './' },
      { name: './etc/' },
      { name: '/abs/file', content: 'a' },
      { name: 'a//b/./c', content: 'c' },
      { name: './x/y/', type: 'directory' },
    ]);
    expect(index.entries.toArray().map((e) => e.path)).toEqual(['etc', 'abs/file', 'a/b/c', 'x/y']);
  });

  it('maps every tar entry type and keeps device numbers and link targets', async () => {
    const index = byPath(
      await read([
        { name: 'f', content: 'data' },
        { name: 'd', type: 'directory' },
        { name: 's', type: 'symlink', linkname: '../../outside/of/root' },
        { name: 'h', type: 'link', linkname: './f' },
        { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3 },
        { name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0 },
        { name: 'run/pipe', type: 'fifo' },
      ]),
    );
    expect(index.get('f')).toMatchObject({ type: 'file', size: 4, sha256: sha256('data') });
    expect(index.get('d')).toMatchObject({ type: 'dir', size: 0 });
    expect(index.get('s')).toMatchObject({ type: 'symlink', link: '../../outside/of/root' });
    expect(index.get('h')).toMatchObject({ type: 'hardlink', link: 'f', size: 0 });
    expect(index.get('h')!.sha256).toBeUndefined();
    expect(index.get('dev/null')).toMatchObject({ type: 'char', devmajor: 1, devminor: 3 });
    expect(index.get('dev/sda')).toMatchObject({ type: 'block', devmajor: 8, devminor: 0 });
    expect(index.get('run/pipe')).toMatchObject({ type: 'fifo' });
    expect(index.get('f')!.devmajor).toBeUndefined();
  });

  it('keeps setuid, setgid and sticky bits, owners and groups', async () => {
    const index = byPath(
      await read([
        { name: 'usr/bin/passwd', content: 'x', mode: 0o4755 },
        { name: 'usr/bin/wall', content: 'x', mode: 0o2755, gid: 5 },
        { name: 'tmp', type: 'directory', mode: 0o1777 },
        { name: 'home/u', type: 'directory', mode: 0o700, uid: 1000, gid: 1000 },
      ]),
    );
    expect(index.get('usr/bin/passwd')!.mode).toBe(0o4755);
    expect(index.get('usr/bin/wall')).toMatchObject({ mode: 0o2755, gid: 5 });
    expect(index.get('tmp')!.mode).toBe(0o1777);
    expect(index.get('home/u')).toMatchObject({ mode: 0o700, uid: 1000, gid: 1000 });
  });

  it('reads PAX long names, long link names, a PAX path and a PAX uid', async () => {
    const longName = `opt/${'n'.repeat(150)}/${'m'.repeat(120)}.txt`;
    const longTarget = `/usr/share/${'t'.repeat(200)}`;
    const index = byPath(
      await read([
        { name: longName, content: 'long' },
        { name: 'link', type: 'symlink', linkname: longTarget },
        { name: 'short', content: 'p', pax: { path: 'from/pax/path' } },
        { name: 'bigid', content: 'u', pax: { uid: '3000000', gid: '3000001' } },
      ]),
    );
    expect(index.get(longName)).toMatchObject({ type: 'file', sha256: sha256('long') });
    expect(index.get('link')!.link).toBe(longTarget);
    expect(index.has('from/pax/path')).toBe(true);
    expect(index.has('short')).toBe(false);
    expect(index.get('bigid')).toMatchObject({ uid: 3_000_000, gid: 3_000_001 });
  });

  it('reads GNU long names and long link names', async () => {
    const longName = `usr/lib/${'g'.repeat(180)}`;
    const longLink = `usr/share/${'k'.repeat(150)}`;
    const tarBytes = rawTar(
      gnuLongName(longName, { name: '', typeflag: '0', size: 3 }, 'gnu'),
      gnuLongLink(longLink, { name: 'sym', typeflag: '2' }),
      gnuLongLink(longName, { name: 'hard', typeflag: '1' }),
    );
    const index = byPath(await readLayer(memoryLayer(tarBytes, { compress: 'gzip' }), NO_CAPTURE));
    expect(index.get(longName)).toMatchObject({ type: 'file', size: 3, sha256: sha256('gnu') });
    expect(index.get('sym')).toMatchObject({ type: 'symlink', link: longLink });
    expect(index.get('hard')).toMatchObject({ type: 'hardlink', link: longName });
  });

  it('records whiteouts and opaque markers instead of entries, and ignores aufs metadata', async () => {
    const index = await read([
      { name: 'var/cache/.wh..wh..opq', content: '' },
      { name: 'etc/.wh.motd', content: '' },
      { name: '.wh.tmp', content: '' },
      { name: './.wh..wh..opq', content: '' },
      { name: '.wh..wh.plnk/', type: 'directory' },
      { name: '.wh..wh.plnk/123.456', content: 'hardlink bookkeeping' },
      { name: 'etc/real', content: 'r' },
    ]);
    expect(index.whiteouts).toEqual([
      { path: 'var/cache', kind: 'opaque' },
      { path: 'etc/motd', kind: 'file' },
      { path: 'tmp', kind: 'file' },
      { path: '', kind: 'opaque' },
    ]);
    expect(index.entries.toArray().map((e) => e.path)).toEqual(['etc/real']);
  });

  it('keeps duplicates in tar order so the last can win on squash', async () => {
    const index = await read([
      { name: 'a', content: 'one' },
      { name: 'a', content: 'two' },
    ]);
    expect(index.entries.toArray().map((e) => e.sha256)).toEqual([sha256('one'), sha256('two')]);
  });

  it('refuses an entry of a type Docker and containerd do not extract, naming it', async () => {
    const tarBytes = rawTar(rawHeader({ name: 'vol', typeflag: 'V' }), rawFile('after', 'ok'));
    await expect(readLayer(memoryLayer(tarBytes), NO_CAPTURE)).rejects.toMatchObject({
      code: 'LAYER_UNSUPPORTED',
      message: expect.stringContaining('entry "vol" at byte 0 has type "V" (volume label)') as unknown,
    });
  });

  it('keeps an entry whose name is not valid UTF-8 and warns about it', async () => {
    const name = Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe]);
    const index = await readLayer(memoryLayer(rawTar(rawFile(name, 'x'))), NO_CAPTURE);
    expect(index.entries).toHaveLength(1);
    expect(index.entries.entry(0).path).toBe('bad\uFFFD\uFFFD');
    expect(index.warnings.map((w) => w.code)).toEqual(['INVALID_UTF8_NAME']);
  });

  it('accepts a compressed layer whose digest equals its diffID (a source that knows only diffIDs)', async () => {
    const tarBytes = await makeTar(SAMPLE);
    const probe = memoryLayer(tarBytes, { compress: 'gzip' });
    const layer = memoryLayer(tarBytes, { compress: 'gzip', digest: probe.diffID });
    expect(layer.digest).toBe(layer.diffID);
    const index = await readLayer(layer, NO_CAPTURE);
    expect(index.entries).toHaveLength(SAMPLE.length);
  });
});

describe('readLayer captures and probes', () => {
  const spec: CaptureSpec = {
    globs: ['var/lib/dpkg/status', '**/*.list', 'etc/*'],
    maxFileBytes: 16,
    probes: [],
  };

  it('captures matching files up to the size cap and warns about larger ones', async () => {
    const index = await read(
      [
        { name: 'var/lib/dpkg/status', content: 'Package: a\n' },
        { name: 'var/lib/dpkg/info/a.list', content: '/usr/bin/a\n' },
        { name: '.hidden/x.list', content: 'dot\n' },
        { name: 'etc/too-big', content: 'x'.repeat(17) },
        { name: 'usr/bin/a', content: 'not wanted' },
      ],
      'gzip',
      spec,
    );
    expect([...index.captured.keys()].sort()).toEqual([
      '.hidden/x.list',
      'var/lib/dpkg/info/a.list',
      'var/lib/dpkg/status',
    ]);
    expect(index.captured.get('var/lib/dpkg/status')!.toString()).toBe('Package: a\n');
    expect(index.warnings).toEqual([
      expect.objectContaining({ code: 'CAPTURE_TOO_LARGE', path: 'etc/too-big' }),
    ]);
  });

  it('keeps only the last version when a captured path appears twice, and drops it when a non-file replaces it', async () => {
    const index = await read(
      [
        { name: 'etc/a', content: 'first' },
        { name: 'etc/a', content: 'second' },
        { name: 'etc/b', content: 'file' },
        { name: 'etc/b', type: 'directory' },
      ],
      'none',
      spec,
    );
    expect(index.captured.get('etc/a')!.toString()).toBe('second');
    expect(index.captured.has('etc/b')).toBe(false);
  });

  it('gives a captured hardlink the content of its captured same-layer target', async () => {
    const index = await read(
      [
        { name: 'etc/data', content: 'shared' },
        { name: 'var/lib/dpkg/status', type: 'link', linkname: 'etc/data' },
      ],
      'none',
      spec,
    );
    expect(index.captured.get('var/lib/dpkg/status')!.toString()).toBe('shared');
    expect(index.warnings).toEqual([]);
  });

  it('warns when a captured path is a hardlink to a file that was not captured', async () => {
    const index = await read(
      [
        { name: 'opt/data', content: 'shared' },
        { name: 'etc/alias', type: 'link', linkname: 'opt/data' },
      ],
      'none',
      spec,
    );
    expect(index.captured.has('etc/alias')).toBe(false);
    expect(index.warnings).toEqual([
      expect.objectContaining({ code: 'CAPTURE_HARDLINK_MISSED', path: 'etc/alias' }),
    ]);
  });

  it('runs probes on matching files only and keeps their defined results', async () => {
    const seen: string[] = [];
    const byteCounter: ContentProbe<{ bytes: number; head: string }> = {
      id: 'count',
      version: 1,
      matches: (path, _size, mode) => path.endsWith('.txt') && (mode & 0o111) === 0,
      start(path) {
        seen.push(path);
        let bytes = 0;
        let head = '';
        return {
          write(chunk) {
            if (bytes === 0) head = chunk.subarray(0, 4).toString();
            bytes += chunk.length;
          },
          end: () => (path.includes('nothing') ? undefined : { bytes, head }),
        };
      },
    };
    const index = byPath(
      await read(
        [
          { name: 'a.txt', content: Buffer.alloc(200_000, 'z') },
          { name: 'nothing.txt', content: 'n' },
          { name: 'exec.txt', content: 'e', mode: 0o755 },
          { name: 'b.bin', content: 'b' },
        ],
        'gzip',
        { globs: [], maxFileBytes: 0, probes: [byteCounter] },
      ),
    );
    expect(seen).toEqual(['a.txt', 'nothing.txt']);
    expect(index.get('a.txt')!.probes).toEqual({ count: { bytes: 200_000, head: 'zzzz' } });
    expect(index.get('nothing.txt')!.probes).toBeUndefined();
    expect(index.get('b.bin')!.probes).toBeUndefined();
  });
});
