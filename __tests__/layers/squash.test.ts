import { describe, expect, it } from 'vitest';
import { readLayer } from '../../src/layers/read-layer.js';
import { sortedPaths, squashLayers } from '../../src/layers/squash.js';
import type { CaptureSpec, FileEntry, LayerIndex, Whiteout } from '../../src/layers/types.js';
import { EntryTable } from '../../src/layers/entry-table.js';
import { makeTar, sha256, type TarSpec } from '../helpers/tar.js';
import { memoryLayer } from '../helpers/memory-layer.js';

/** A LayerIndex built directly: squash is pure, so most tests need no tar at all. */
function layer(
  entries: Partial<FileEntry>[],
  whiteouts: Whiteout[] = [],
  captured: Record<string, string> = {},
): LayerIndex {
  return {
    diffID: 'sha256:d',
    digest: 'sha256:d',
    compression: 'none',
    compressedSize: 0,
    uncompressedSize: 0,
    entries: EntryTable.of(
      entries.map((e) => ({
        path: e.path!,
        type: e.type ?? 'file',
        mode: e.mode ?? 0o644,
        uid: e.uid ?? 0,
        gid: e.gid ?? 0,
        size: e.size ?? 0,
        ...(e.sha256 !== undefined ? { sha256: e.sha256 } : {}),
        ...(e.link !== undefined ? { link: e.link } : {}),
        ...(e.probes !== undefined ? { probes: e.probes } : {}),
      })),
    ),
    whiteouts,
    captured: new Map(Object.entries(captured).map(([k, v]) => [k, Buffer.from(v)])),
    warnings: [],
  };
}

const file = (path: string, sha = path, extra: Partial<FileEntry> = {}): Partial<FileEntry> => ({
  path,
  type: 'file',
  sha256: sha,
  size: sha.length,
  ...extra,
});
const dir = (path: string): Partial<FileEntry> => ({ path, type: 'dir', mode: 0o755 });

function view(indexes: LayerIndex[]): Record<string, string> {
  const tree = squashLayers(indexes);
  return Object.fromEntries(
    sortedPaths(tree).map((p) => {
      const e = tree.entries.get(p)!;
      return [p, `${e.type}@${e.layer}${e.sha256 ? `:${e.sha256}` : ''}`];
    }),
  );
}

describe('squashLayers', () => {
  it('lets upper layers replace files and keeps each path’s last writer', () => {
    expect(
      view([layer([dir('etc'), file('etc/a', 'v1'), file('etc/b')]), layer([file('etc/a', 'v2')])]),
    ).toEqual({
      etc: 'dir@0',
      'etc/a': 'file@1:v2',
      'etc/b': 'file@0:etc/b',
    });
  });

  it('removes a whited-out file, and a whited-out directory with everything below it', () => {
    const lower = layer([dir('a'), file('a/x'), dir('a/sub'), file('a/sub/y'), file('keep'), file('ab')]);
    const upper = layer(
      [],
      [
        { path: 'keep', kind: 'file' },
        { path: 'a', kind: 'file' },
      ],
    );
    expect(view([lower, upper])).toEqual({ ab: 'file@0:ab' });
  });

  it('hides lower contents of an opaque directory but keeps the directory and the same layer’s entries', () => {
    const lower = layer([
      dir('var'),
      dir('var/cache'),
      file('var/cache/old'),
      dir('var/cache/d'),
      file('var/cache/d/x'),
      file('var/other'),
    ]);
    // The same layer's entry comes before the marker in tar order: it must survive anyway.
    const upper = layer([file('var/cache/new')], [{ path: 'var/cache', kind: 'opaque' }]);
    expect(view([lower, upper])).toEqual({
      var: 'dir@0',
      'var/cache': 'dir@0',
      'var/cache/new': 'file@1:var/cache/new',
      'var/other': 'file@0:var/other',
    });
  });

  it('clears the whole lower tree for an opaque marker at the root', () => {
    expect(
      view([layer([dir('a'), file('a/b'), file('c')]), layer([file('d')], [{ path: '', kind: 'opaque' }])]),
    ).toEqual({
      d: 'file@1:d',
    });
  });

  it('replaces a directory by a file (dropping its children) and back by a directory', () => {
    const l0 = layer([dir('x'), file('x/child'), dir('x/deep'), file('x/deep/er')]);
    const l1 = layer([file('x', 'now-a-file')]);
    const l2 = layer([dir('x'), file('x/fresh')]);
    expect(view([l0, l1])).toEqual({ x: 'file@1:now-a-file' });
    expect(view([l0, l1, l2])).toEqual({ x: 'dir@2', 'x/fresh': 'file@2:x/fresh' });
  });

  it('merges a directory over a directory, keeping the lower children', () => {
    expect(view([layer([dir('d'), file('d/f')]), layer([{ ...dir('d'), mode: 0o700 }])])).toEqual({
      d: 'dir@1',
      'd/f': 'file@0:d/f',
    });
  });

  it('lets the last duplicate in one layer win', () => {
    expect(view([layer([file('a', 'one'), file('a', 'two'), dir('b'), file('b', 'three')])])).toEqual({
      a: 'file@0:two',
      b: 'file@0:three',
    });
  });

  it('treats a non-directory parent as an implicit directory, with a warning', () => {
    const tree = squashLayers([layer([file('p')]), layer([file('p/q/r')])]);
    expect(sortedPaths(tree)).toEqual(['p/q/r']);
    expect(tree.warnings).toEqual([expect.objectContaining({ code: 'PARENT_NOT_DIR', path: 'p/q/r' })]);
  });

  it('needs no synthetic entries for parents never listed, and removes through them', () => {
    const l0 = layer([file('usr/lib/x/y/z')]);
    expect(view([l0])).toEqual({ 'usr/lib/x/y/z': 'file@0:usr/lib/x/y/z' });
    expect(view([l0, layer([], [{ path: 'usr/lib', kind: 'file' }])])).toEqual({});
    expect(view([l0, layer([], [{ path: 'usr', kind: 'opaque' }])])).toEqual({});
  });

  it('gives a hardlink its target’s content, size, mode and owner, from the same or a lower layer', () => {
    const l0 = layer([file('bin/tool', 'T', { mode: 0o4755, uid: 7, gid: 8, size: 99 })]);
    const l1 = layer([
      file('opt/new', 'N'),
      { path: 'opt/same', type: 'hardlink', link: 'opt/new' },
      { path: 'bin/alias', type: 'hardlink', link: 'bin/tool' },
    ]);
    const tree = squashLayers([l0, l1]);
    expect(tree.entries.get('bin/alias')).toMatchObject({
      type: 'hardlink',
      link: 'bin/tool',
      sha256: 'T',
      size: 99,
      mode: 0o4755,
      uid: 7,
      gid: 8,
      layer: 1,
    });
    expect(tree.entries.get('opt/same')).toMatchObject({ sha256: 'N', layer: 1 });
    expect(tree.warnings).toEqual([]);
  });

  it('gives a hardlink its target’s probe results (a hardlinked key file is still a key file)', () => {
    const key = { ...file('root/key', 'K'), probes: { secrets: { kinds: ['private-key'] } } };
    const tree = squashLayers([layer([key, { path: 'srv/copy', type: 'hardlink', link: 'root/key' }])]);
    expect(tree.entries.get('srv/copy')?.probes).toEqual({ secrets: { kinds: ['private-key'] } });
  });

  it('keeps a hardlink’s content when its target is replaced afterwards', () => {
    const tree = squashLayers([
      layer([file('a', 'old'), { path: 'h', type: 'hardlink', link: 'a' }]),
      layer([file('a', 'new')]),
    ]);
    expect(tree.entries.get('h')!.sha256).toBe('old');
  });

  it('leaves a hardlink to a missing target without content and warns', () => {
    const tree = squashLayers([layer([{ path: 'h', type: 'hardlink', link: 'gone' }])]);
    expect(tree.entries.get('h')).toMatchObject({ type: 'hardlink', link: 'gone' });
    expect(tree.entries.get('h')!.sha256).toBeUndefined();
    expect(tree.warnings).toEqual([expect.objectContaining({ code: 'HARDLINK_TARGET_MISSING', path: 'h' })]);
  });

  it('keeps captured files only where the capturing layer still owns the path', () => {
    const l0 = layer([file('db/a'), file('db/b'), file('db/c'), file('db/d')], [], {
      'db/a': 'A0',
      'db/b': 'B0',
      'db/c': 'C0',
      'db/d': 'D0',
    });
    const l1 = layer([file('db/a'), file('db/c')], [{ path: 'db/b', kind: 'file' }], { 'db/a': 'A1' });
    const tree = squashLayers([l0, l1]);
    expect(
      Object.fromEntries([...tree.captured].map(([p, c]) => [p, `${c.content.toString()}@${c.layer}`])),
    ).toEqual({
      'db/a': 'A1@1',
      'db/d': 'D0@0',
    });
  });

  it('squashes real layer indexes read from tars', async () => {
    const spec: CaptureSpec = { globs: ['etc/**'], maxFileBytes: 1024, probes: [] };
    const read = async (entries: TarSpec[]) =>
      readLayer(memoryLayer(await makeTar(entries), { compress: 'gzip' }), spec);
    const base = await read([
      { name: 'etc/' },
      { name: 'etc/passwd', content: 'root' },
      { name: 'etc/motd', content: 'hi' },
      { name: 'var/cache/apt/', type: 'directory' },
      { name: 'var/cache/apt/pkgcache.bin', content: 'cache' },
    ]);
    const top = await read([
      { name: 'etc/.wh.motd', content: '' },
      { name: 'etc/passwd', content: 'root\nuser' },
      { name: 'var/cache/apt/.wh..wh..opq', content: '' },
      { name: 'etc/passwd-', type: 'link', linkname: 'etc/passwd' },
    ]);
    const tree = squashLayers([base, top]);
    expect(sortedPaths(tree)).toEqual(['etc', 'etc/passwd', 'etc/passwd-', 'var/cache/apt']);
    expect(tree.entries.get('etc/passwd-')!.sha256).toBe(sha256('root\nuser'));
    expect(tree.captured.get('etc/passwd')).toEqual({ content: Buffer.from('root\nuser'), layer: 1 });
    expect(tree.captured.has('etc/motd')).toBe(false);
  });

  it('stays linear on 300,000 entries with a large opaque removal', () => {
    const count = 300_000;
    const entries: Partial<FileEntry>[] = [];
    for (let i = 0; i < count; i++) entries.push(file(`d${i % 100}/sub${i % 7}/f${i}`, 'x'));
    const tree = squashLayers([
      layer(entries),
      layer(
        [],
        [
          { path: 'd1', kind: 'opaque' },
          { path: 'd2', kind: 'file' },
        ],
      ),
    ]);
    expect(tree.entries.size).toBe(count - 2 * (count / 100));
  });
});
