import { expect } from 'vitest';
import { memoryLayer } from '../helpers/memory-layer.js';
import { rawTar } from '../helpers/raw-tar.js';
import { makeTar, sha256 } from '../helpers/tar.js';
import { paths, type CorpusResult, type LayerCase } from './corpus-runner.js';
import { BLOCK, rawFile, rawHeader } from './hostile-tar.js';

function entry(r: CorpusResult, path: string): Record<string, unknown> | undefined {
  return r.tree.entries.get(path) as Record<string, unknown> | undefined;
}

/** Symlinks and hardlinks: data, never followed while reading or squashing. */
export const linkCases: LayerCase[] = [
  {
    name: 'a symlink loop (a -> b -> a) and a self-loop (s -> s)',
    build: async () =>
      memoryLayer(
        await makeTar([
          { name: 'a', type: 'symlink', linkname: 'b' },
          { name: 'b', type: 'symlink', linkname: 'a' },
          { name: 's', type: 'symlink', linkname: 's' },
        ]),
      ),
    expect: {
      result: (r) => {
        expect(entry(r, 'a')).toMatchObject({ type: 'symlink', link: 'b' });
        expect(entry(r, 'b')).toMatchObject({ type: 'symlink', link: 'a' });
        expect(entry(r, 's')).toMatchObject({ type: 'symlink', link: 's' });
      },
    },
  },
  {
    name: 'symlinks out of the root (/, ../../.., /etc/shadow)',
    build: async () =>
      memoryLayer(
        await makeTar([
          { name: 'root', type: 'symlink', linkname: '/' },
          { name: 'up/up', type: 'symlink', linkname: '../../..' },
          { name: 'shadow', type: 'symlink', linkname: '/etc/shadow' },
        ]),
      ),
    expect: {
      result: (r) => {
        expect(paths(r)).toEqual(['root', 'shadow', 'up/up']);
        expect(entry(r, 'root')).toMatchObject({ type: 'symlink', link: '/' });
        expect(entry(r, 'up/up')).toMatchObject({ type: 'symlink', link: '../../..' });
        expect(entry(r, 'shadow')).toMatchObject({ type: 'symlink', link: '/etc/shadow', size: 0 });
      },
    },
  },
  {
    // A real extractor would follow `lnk` and write /etc/passwd; we keep the literal path.
    name: 'an entry under a symlink to / in a later layer',
    build: async () => [
      memoryLayer(await makeTar([{ name: 'lnk', type: 'symlink', linkname: '/etc' }])),
      memoryLayer(await makeTar([{ name: 'lnk/passwd', content: 'root::0:0::/:/bin/sh\n' }])),
    ],
    expect: {
      warning: 'PARENT_NOT_DIR',
      result: (r) => {
        expect(paths(r)).toEqual(['lnk/passwd']);
        expect(r.tree.entries.has('etc/passwd')).toBe(false);
      },
    },
  },
  {
    name: 'a hardlink to a missing target',
    build: async () => memoryLayer(await makeTar([{ name: 'h', type: 'link', linkname: 'nowhere' }])),
    expect: {
      warning: 'HARDLINK_TARGET_MISSING',
      result: (r) => {
        expect(entry(r, 'h')).toMatchObject({ type: 'hardlink', link: 'nowhere' });
        expect(entry(r, 'h')?.sha256).toBeUndefined();
      },
    },
  },
  {
    name: 'a hardlink to a directory',
    build: async () =>
      memoryLayer(await makeTar([{ name: 'etc/' }, { name: 'h', type: 'link', linkname: 'etc' }])),
    expect: {
      warning: 'HARDLINK_TO_DIR',
      result: (r) => expect(entry(r, 'h')).toMatchObject({ type: 'hardlink', link: 'etc' }),
    },
  },
  {
    name: 'a hardlink chain (c -> b -> a) across two layers',
    build: async () => [
      memoryLayer(
        await makeTar([
          { name: 'a', content: 'payload', mode: 0o4755 },
          { name: 'b', type: 'link', linkname: 'a' },
        ]),
      ),
      memoryLayer(await makeTar([{ name: 'c', type: 'link', linkname: 'b' }])),
    ],
    expect: {
      result: (r) => {
        for (const p of ['b', 'c']) {
          expect(entry(r, p)).toMatchObject({
            type: 'hardlink',
            sha256: sha256('payload'),
            size: 7,
            mode: 0o4755,
          });
        }
      },
    },
  },
  {
    name: 'a hardlink cycle (h1 -> h2 -> h1) with no file behind it',
    build: async () =>
      memoryLayer(
        await makeTar([
          { name: 'h1', type: 'link', linkname: 'h2' },
          { name: 'h2', type: 'link', linkname: 'h1' },
        ]),
      ),
    expect: {
      warning: 'HARDLINK_TARGET_MISSING',
      result: (r) => {
        expect(r.warnings.filter((w) => w.code === 'HARDLINK_TARGET_MISSING').map((w) => w.path)).toEqual([
          'h1',
          'h2',
        ]);
        expect(paths(r)).toEqual(['h1', 'h2']);
      },
    },
  },
  {
    name: 'a hardlink to itself',
    build: async () => memoryLayer(await makeTar([{ name: 'self', type: 'link', linkname: './self' }])),
    expect: { warning: 'HARDLINK_TARGET_MISSING', result: (r) => expect(paths(r)).toEqual(['self']) },
  },
  {
    name: 'a hardlink whose target escapes (../../etc/shadow)',
    build: async () =>
      memoryLayer(await makeTar([{ name: 'h', type: 'link', linkname: '../../etc/shadow' }])),
    expect: { error: 'PATH_ESCAPE', message: '../../etc/shadow' },
  },
  {
    // tar-stream would swallow the "data" (here: a whole file entry) and hide it; Go's archive/tar,
    // which Docker and containerd use, ignores the size of header-only entries and extracts it.
    name: 'a symlink header that declares data, hiding the next entry inside it',
    build: () => {
      const hidden = rawFile('usr/bin/backdoor', 'evil');
      return memoryLayer(
        rawTar(rawHeader({ name: 'l', typeflag: '2', linkname: 't', size: hidden.length }), hidden),
      );
    },
    expect: { error: 'LAYER_UNSUPPORTED', message: 'is a symlink but declares 1024 bytes of data' },
  },
  {
    name: 'a hardlink header that declares data',
    build: () =>
      memoryLayer(
        rawTar(
          rawFile('a', 'A'),
          rawHeader({ name: 'h', typeflag: '1', linkname: 'a', size: BLOCK }),
          Buffer.alloc(BLOCK, 1),
        ),
      ),
    expect: {
      error: 'LAYER_UNSUPPORTED',
      message: 'entry "h" at byte 1024 is a hardlink but declares 512 bytes',
    },
  },
  {
    // Go and tar-stream agree here: a directory's size is ignored and the next header follows.
    name: 'a directory header that declares data',
    build: () =>
      memoryLayer(rawTar(rawHeader({ name: 'd/', typeflag: '5', size: 5000 }), rawFile('d/f', 'x'))),
    expect: { result: (r) => expect(paths(r)).toEqual(['d', 'd/f']) },
  },
];
