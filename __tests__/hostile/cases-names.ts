import { expect } from 'vitest';
import { memoryLayer } from '../helpers/memory-layer.js';
import { gnuLongName, rawTar } from '../helpers/raw-tar.js';
import { sha256 } from '../helpers/tar.js';
import { paths, type LayerCase } from './corpus-runner.js';
import { BLOCK, paxData, paxEntry, rawData, rawFile, rawHeader } from './hostile-tar.js';

// 10,000 characters in name segments of 199 (a runtime can create each: Linux's NAME_MAX is 255 bytes).
const LONG_NAME = `deep/${`${'n'.repeat(199)}/`.repeat(50)}`.slice(0, 10_000);

/** A path may hold U+FFFD but never a `..` or `.` segment, a leading `/`, or an empty segment. */
function expectSafePaths(list: string[]): void {
  for (const path of list) {
    expect(path.split('/')).not.toContain('..');
    expect(path.split('/')).not.toContain('.');
    expect(path.split('/')).not.toContain('');
  }
}

/** PAX data of exactly `bytes` bytes: a comment record padded to fit, then a `path` record. */
function paxOfExactly(bytes: number, path: string): Buffer {
  for (let filler = bytes - 64; filler < bytes; filler++) {
    const data = paxData({ comment: 'c'.repeat(filler), path });
    if (data.length === bytes) return data;
  }
  throw new Error(`no PAX data of exactly ${bytes} bytes`);
}

/** Entry names and PAX headers. */
export const nameCases: LayerCase[] = [
  {
    name: 'NUL byte inside a PAX path',
    build: () =>
      memoryLayer(rawTar(paxEntry(paxData({ path: 'etc/pass\0wd' }), { name: 'x', typeflag: '0' }))),
    // Go's archive/tar refuses the whole header (ErrHeader), never a name cut at the NUL.
    expect: { error: 'LAYER_CORRUPT', message: 'holds a PAX record "path" with a NUL byte' },
  },
  {
    // A C string: the name field ends at its first NUL (as Go and GNU tar read it).
    name: 'NUL byte inside the ustar name field',
    build: () => memoryLayer(rawTar(rawFile(Buffer.from('etc/ok\0../../evil'), 'x'))),
    expect: { result: (r) => expect(paths(r)).toEqual(['etc/ok']) },
  },
  {
    name: 'invalid UTF-8 bytes in a name',
    build: () => memoryLayer(rawTar(rawFile(Buffer.from([0x65, 0x74, 0x63, 0x2f, 0xff, 0xfe, 0x41]), 'x'))),
    expect: {
      warning: 'INVALID_UTF8_NAME',
      result: (r) => expect(paths(r)).toEqual(['etc/\uFFFD\uFFFDA']),
    },
  },
  {
    // 0xC0 0xAE is an overlong encoding of '.': decoded as U+FFFD, never as a `..` segment.
    name: 'overlong UTF-8 dots (C0 AE C0 AE) as a directory',
    build: () => memoryLayer(rawTar(rawFile(Buffer.from([0xc0, 0xae, 0xc0, 0xae, 0x2f, 0x70, 0x77]), 'x'))),
    expect: {
      warning: 'INVALID_UTF8_NAME',
      result: (r) => {
        expect(paths(r)).toEqual(['\uFFFD\uFFFD\uFFFD\uFFFD/pw']);
        expectSafePaths(paths(r));
      },
    },
  },
  {
    name: 'invalid UTF-8 in a PAX path',
    build: () =>
      memoryLayer(
        rawTar(
          paxEntry(paxData({ path: Buffer.from([0x61, 0x2f, 0xed, 0xa0, 0x80]) }), {
            name: 'x',
            typeflag: '0',
          }),
        ),
      ),
    expect: {
      warning: 'INVALID_UTF8_NAME',
      result: (r) => expect(paths(r)).toEqual(['a/\uFFFD\uFFFD\uFFFD']),
    },
  },
  {
    name: 'absolute paths',
    build: () => memoryLayer(rawTar(rawFile('/etc/passwd', 'x'), rawFile('//usr//bin/', 'y'))),
    expect: { result: (r) => expect(paths(r)).toEqual(['etc/passwd', 'usr/bin']) },
  },
  {
    name: '../etc/passwd',
    build: () => memoryLayer(rawTar(rawFile('../etc/passwd', 'x'))),
    expect: { error: 'PATH_ESCAPE', message: '"../etc/passwd"' },
  },
  {
    name: 'a/../../b',
    build: () => memoryLayer(rawTar(rawFile('a/../../b', 'x'))),
    expect: { error: 'PATH_ESCAPE', message: 'path escape' },
  },
  {
    name: '.. hidden in a PAX path while the ustar name is harmless',
    build: () =>
      memoryLayer(
        rawTar(
          paxEntry(paxData({ path: 'usr/../../../root/.ssh/authorized_keys' }), {
            name: 'ok',
            typeflag: '0',
          }),
        ),
      ),
    expect: { error: 'PATH_ESCAPE', message: 'authorized_keys' },
  },
  {
    name: '.. in a GNU long name',
    build: () =>
      memoryLayer(
        rawTar(gnuLongName(`${'a/'.repeat(60)}../../../../../../../../../x`, { name: '', typeflag: '0' })),
      ),
    expect: { error: 'PATH_ESCAPE', message: '".."' },
  },
  {
    name: './ prefixes, ./ segments, doubled and trailing slashes',
    build: () =>
      memoryLayer(
        rawTar(
          rawFile('./a/./b//c/', 'x'),
          rawHeader({ name: './', typeflag: '5' }),
          rawHeader({ name: '.', typeflag: '5' }),
        ),
      ),
    expect: { result: (r) => expect(paths(r)).toEqual(['a/b/c']) },
  },
  {
    name: 'a name of slashes only (the root)',
    build: () => memoryLayer(rawTar(rawHeader({ name: '///', typeflag: '5' }), rawFile('f', 'x'))),
    expect: { result: (r) => expect(paths(r)).toEqual(['f']) },
  },
  {
    name: 'the same path three times in one layer (file, dir, file): the last wins',
    build: () =>
      memoryLayer(
        rawTar(
          rawFile('etc/x', 'first'),
          rawHeader({ name: 'etc/x/', typeflag: '5' }),
          rawFile('./etc/x', 'last'),
        ),
      ),
    expect: {
      result: (r) => {
        expect(r.indexes[0]?.entries.toArray().filter((e) => e.path === 'etc/x')).toHaveLength(3);
        expect(r.tree.entries.get('etc/x')).toMatchObject({ type: 'file', sha256: sha256('last'), size: 4 });
      },
    },
  },
  {
    name: 'a 10,000-character name in PAX',
    build: () =>
      memoryLayer(
        rawTar(paxEntry(paxData({ path: LONG_NAME }), { name: 'short', typeflag: '0', size: 1 }, 'z')),
      ),
    expect: { result: (r) => expect(paths(r)).toEqual([LONG_NAME]) },
  },
  {
    name: 'a 10,000-character name as a GNU long name',
    build: () => memoryLayer(rawTar(gnuLongName(LONG_NAME, { name: '', typeflag: '0', size: 1 }, 'z'))),
    expect: { result: (r) => expect(paths(r)).toEqual([LONG_NAME]) },
  },
  {
    // Go's archive/tar reads it, but no Linux file system can hold it, so Docker and containerd fail.
    name: 'a name segment of 9,794 bytes in PAX (over NAME_MAX)',
    build: () =>
      memoryLayer(
        rawTar(
          paxEntry(
            paxData({ path: `deep/${'n'.repeat(9_794)}` }),
            { name: 'short', typeflag: '0', size: 1 },
            'z',
          ),
        ),
      ),
    expect: { error: 'PATH_INVALID', message: 'has a name segment of 9794 bytes' },
  },
  {
    // Go's archive/tar refuses extended headers over 1 MiB, and so do we: a clear, small memory cap.
    name: 'a 10 MB PAX header',
    build: () =>
      memoryLayer(
        rawTar(paxEntry(paxData({ comment: 'c'.repeat(10_000_000) }), { name: 'f', typeflag: '0' })),
      ),
    expect: { error: 'LAYER_CORRUPT', message: 'over the 1048576-byte limit' },
  },
  {
    name: 'a 3 MB PAX header (over the 1 MiB cap) with a path record after the padding',
    build: () =>
      memoryLayer(
        rawTar(
          paxEntry(
            paxData({ comment: 'c'.repeat(3_000_000), path: 'real/name' }),
            { name: 'f', typeflag: '0', size: 2 },
            'ok',
          ),
        ),
      ),
    expect: { error: 'LAYER_CORRUPT', message: 'is an extended header of 3000035 bytes' },
  },
  {
    name: 'a PAX header of exactly 1 MiB (the limit) with a path record at its end',
    build: () =>
      memoryLayer(
        rawTar(paxEntry(paxOfExactly(1 << 20, 'real/name'), { name: 'f', typeflag: '0', size: 2 }, 'ok')),
      ),
    expect: {
      result: (r) => expect(r.tree.entries.get('real/name')).toMatchObject({ size: 2, sha256: sha256('ok') }),
    },
  },
  {
    name: 'a 10 MB GNU long name',
    build: () => {
      const name = Buffer.alloc(10_000_000, 'n');
      return memoryLayer(
        rawTar(
          rawHeader({ name: '././@LongLink', typeflag: 'L', size: name.length, format: 'gnu' }),
          rawData(name),
          rawHeader({ name: 'f', typeflag: '0', format: 'gnu' }),
        ),
      );
    },
    expect: { error: 'LAYER_CORRUPT', message: 'over the 1048576-byte limit' },
  },
  {
    name: 'PAX size that is not a number',
    build: () => memoryLayer(rawTar(paxEntry(paxData({ size: 'abc' }), { name: 'f', typeflag: '0' }))),
    expect: { error: 'LAYER_CORRUPT', message: 'has a PAX size "abc" that is not a valid number' },
  },
  {
    name: 'PAX size that is negative',
    build: () => memoryLayer(rawTar(paxEntry(paxData({ size: '-1024' }), { name: 'f', typeflag: '0' }))),
    expect: { error: 'LAYER_CORRUPT', message: 'entry "f" at byte 1024 declares a negative size' },
  },
  {
    // parseInt would read "1e3" as 1 and "512abc" as 512 and reframe the archive; Go refuses both.
    name: 'PAX size with trailing letters ("512abc")',
    build: () =>
      memoryLayer(
        rawTar(paxEntry(paxData({ size: '512abc' }), { name: 'f', typeflag: '0' }, Buffer.alloc(BLOCK, 'x'))),
      ),
    expect: { error: 'LAYER_CORRUPT', message: 'has a PAX size "512abc" that is not a valid number' },
  },
  {
    name: 'PAX size far beyond the data (99999999999999999999)',
    build: () =>
      memoryLayer(
        rawTar(paxEntry(paxData({ size: '99999999999999999999' }), { name: 'f', typeflag: '0' }, 'x')),
      ),
    expect: { error: 'LAYER_CORRUPT', message: 'PAX size "99999999999999999999" that is not a valid number' },
  },
  {
    name: 'PAX uid that is negative',
    build: () => memoryLayer(rawTar(paxEntry(paxData({ uid: '-5' }), { name: 'f', typeflag: '0' }))),
    expect: { error: 'LAYER_UNSUPPORTED', message: 'has a uid -5 out of range' },
  },
  {
    // Go refuses such a layer (ErrHeader), and so do we: never a best guess at the name.
    name: 'PAX record whose length overruns the extended header',
    build: () =>
      memoryLayer(
        rawTar(paxEntry(Buffer.from('999 path=evil\n'), { name: 'plain', typeflag: '0', size: 1 }, 'p')),
      ),
    expect: { error: 'LAYER_CORRUPT', message: 'holds a PAX record with an invalid length' },
  },
  {
    name: 'PAX record whose length is too short to hold a key',
    build: () =>
      memoryLayer(
        rawTar(paxEntry(Buffer.from('5 path=evil\n'), { name: 'plain', typeflag: '0', size: 1 }, 'p')),
      ),
    expect: { error: 'LAYER_CORRUPT', message: 'holds a PAX record that does not end in a newline' },
  },
  {
    name: 'a whiteout of ".." (.wh...)',
    build: () => memoryLayer(rawTar(rawFile('etc/.wh...', ''))),
    expect: { warning: 'INVALID_WHITEOUT', result: (r) => expect(r.indexes[0]?.whiteouts).toEqual([]) },
  },
  {
    // Go reads it as a sparse file (content with holes); we refuse sparse files rather than guess.
    name: 'a GNU sparse entry (S)',
    build: () =>
      memoryLayer(
        rawTar(
          Buffer.concat([rawHeader({ name: 'sparse', typeflag: 'S', size: 3 }), Buffer.alloc(BLOCK, 1)]),
          rawFile('after', 'a'),
        ),
      ),
    expect: { error: 'LAYER_UNSUPPORTED', message: 'entry "sparse" at byte 0 is a GNU sparse file' },
  },
];
