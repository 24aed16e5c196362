import { expect } from 'vitest';
import { gnuLongLink, gnuLongName, rawTar, type RawHeader } from '../helpers/raw-tar.js';
import { sha256 } from '../helpers/tar.js';
import { paths, type CorpusResult, type Expectation, type LayerCase } from './corpus-runner.js';
import { BLOCK, paxData, patched, plainLayer, rawData, rawHeader } from './hostile-tar.js';

/**
 * Tar header forms where readers disagree (issue 12): each tar is read by readLayer here with an
 * exact expectation, and by Go's archive/tar in tar-forms-go.itg.test.ts, which checks entry by
 * entry that we name, type, size and link every entry as the runtime does, or refuse the layer.
 * `refusedThoughGoReads` says why we refuse a tar Go reads (the differential test requires it).
 */
export interface TarFormCase {
  name: string;
  tar: () => Buffer;
  expect: Expectation;
  refusedThoughGoReads?: string;
}

const HIDDEN = 'usr/local/bin/backdoor';
const SHOWN = 'usr/share/doc/readme';

function entryOf(r: CorpusResult, path: string): Record<string, unknown> | undefined {
  return r.tree.entries.get(path) as Record<string, unknown> | undefined;
}

/** A header with fields patched after rawHeader built it (checksum recomputed). */
function header(base: RawHeader, patches: Array<[number, Buffer | string]> = []): Buffer {
  let block = rawHeader(base);
  for (const [offset, bytes] of patches) block = patched(block, offset, bytes);
  return block;
}

/** An extended header ('x' or 'g') with its records. */
function extended(typeflag: 'x' | 'g', data: Buffer): Buffer {
  return Buffer.concat([rawHeader({ name: 'PaxHeaders/x', typeflag, size: data.length }), rawData(data)]);
}

function file(name: string, content: string, patches: Array<[number, Buffer | string]> = []): Buffer {
  return Buffer.concat([header({ name, typeflag: '0', size: content.length }, patches), rawData(content)]);
}

const octal12 = (n: number): string => `${n.toString(8).padStart(11, '0')}\0`;
/** The star trailer, and its prefix (131 bytes), atime and ctime fields. */
const STAR_TRAILER: [number, string] = [508, 'tar\0'];
const GNU_MAGIC: [number, string] = [257, 'ustar  \0'];

/** A base-256 (GNU binary) numeric field of `width` bytes. */
function base256(value: bigint, width: number): Buffer {
  const out = Buffer.alloc(width);
  let v = value < 0n ? (1n << BigInt(width * 8)) + value : value;
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  out[0] = value < 0n ? out[0]! | 0xc0 : out[0]! | 0x80;
  return out;
}

/** Sun tar's signed checksum: bytes >= 0x80 count negative. */
function signedChecksum(block: Buffer): Buffer {
  const out = Buffer.from(block);
  out.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of out) sum += byte >= 0x80 ? byte - 0x100 : byte;
  out.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return out;
}

const only =
  (...list: string[]) =>
  (r: CorpusResult): void =>
    expect(paths(r)).toEqual(list);

export const tarFormCases: TarFormCase[] = [
  // The four forms of issue 12 that let an image hide a file.
  {
    name: 'GNU.sparse.name on an entry that is not sparse (Go ignores it, GNU tar applies it)',
    tar: () => rawTar(extended('x', paxData({ 'GNU.sparse.name': HIDDEN })), file(SHOWN, 'doc')),
    expect: { error: 'LAYER_UNSUPPORTED', message: `entry "${SHOWN}" at byte 1024 is a GNU sparse file` },
    refusedThoughGoReads: 'GNU tar would name the entry after GNU.sparse.name: readers disagree',
  },
  {
    name: 'a GNU sparse 1.0 file whose GNU.sparse.name differs from its path',
    tar: () => {
      const map = rawData('1\n0\n4\n');
      const data = Buffer.concat([map, Buffer.from('evil')]);
      return rawTar(
        extended(
          'x',
          paxData({
            'GNU.sparse.major': '1',
            'GNU.sparse.minor': '0',
            'GNU.sparse.name': HIDDEN,
            'GNU.sparse.realsize': '4',
            path: SHOWN,
          }),
        ),
        Buffer.concat([
          rawHeader({ name: 'GNUSparseFile.0/readme', typeflag: '0', size: data.length }),
          rawData(data),
        ]),
      );
    },
    expect: { error: 'LAYER_UNSUPPORTED', message: 'is a GNU sparse file, which is not supported' },
    refusedThoughGoReads: 'sparse files are refused rather than rebuilt from their map',
  },
  {
    name: 'a PAX path and a GNU long name on one entry: the long name wins (PAX first)',
    tar: () =>
      rawTar(
        extended('x', paxData({ path: SHOWN })),
        gnuLongName(HIDDEN, { name: '', typeflag: '0', size: 4 }, 'evil'),
      ),
    expect: { result: only(HIDDEN) },
  },
  {
    name: 'a GNU long name and a PAX path on one entry: the long name wins (long name first)',
    tar: () => {
      const long = Buffer.from(`${HIDDEN}\0`);
      return rawTar(
        rawHeader({ name: '././@LongLink', typeflag: 'L', size: long.length, format: 'gnu' }),
        rawData(long),
        extended('x', paxData({ path: SHOWN })),
        file('x', 'evil'),
      );
    },
    expect: { result: only(HIDDEN) },
  },
  {
    name: 'a global PAX header with a path record is never applied',
    tar: () => rawTar(extended('g', paxData({ path: HIDDEN })), file(SHOWN, 'doc')),
    expect: { result: only(SHOWN) },
  },
  {
    name: 'a global PAX header with size and uid records is never applied',
    tar: () => rawTar(extended('g', paxData({ size: '1024', uid: '7' })), file('a', 'x'), file('b', 'y')),
    expect: {
      result: (r) => {
        expect(paths(r)).toEqual(['a', 'b']);
        expect(entryOf(r, 'a')).toMatchObject({ size: 1, uid: 0 });
      },
    },
  },
  {
    name: 'a global PAX header between a PAX header and its entry drops the pending header',
    tar: () =>
      rawTar(
        extended('x', paxData({ path: HIDDEN })),
        extended('g', paxData({ comment: 'g' })),
        file('plain', 'p'),
      ),
    expect: { result: only('plain') },
  },
  {
    name: 'a global PAX header between a GNU long name and its entry drops the long name',
    tar: () => {
      const long = Buffer.from(`${HIDDEN}\0`);
      return rawTar(
        rawHeader({ name: '././@LongLink', typeflag: 'L', size: long.length, format: 'gnu' }),
        rawData(long),
        extended('g', paxData({ comment: 'g' })),
        file('plain', 'p'),
      );
    },
    expect: { result: only('plain') },
  },
  {
    name: 'a global PAX header alone',
    tar: () => rawTar(extended('g', paxData({ path: HIDDEN }))),
    expect: { result: only() },
  },
  {
    name: 'a malformed global PAX header fails the archive (as in Go)',
    tar: () => rawTar(extended('g', Buffer.from('99 path=x\n')), file('a', 'x')),
    expect: {
      error: 'LAYER_CORRUPT',
      message: 'the header at byte 0 holds a PAX record with an invalid length',
    },
  },
  {
    // tar-stream read 155 prefix bytes here: the 131 of star's prefix, then its atime digits.
    name: 'a star header: a 131-byte prefix, then atime and ctime',
    tar: () => {
      const prefix = `usr/${'p'.repeat(126)}`; // 130 bytes and a NUL
      return rawTar(
        file('f', 'x', [
          [345, `${prefix}\0`],
          [476, octal12(1_700_000_000)],
          [488, octal12(1_700_000_001)],
          STAR_TRAILER,
        ]),
      );
    },
    expect: { result: only(`usr/${'p'.repeat(126)}/f`) },
  },
  {
    name: 'a star header whose prefix fills all 131 bytes (no NUL before atime)',
    tar: () => {
      const prefix = `usr/${'q'.repeat(127)}`;
      return rawTar(
        file('f', 'x', [
          [345, prefix],
          [476, octal12(1_700_000_000)],
          [488, octal12(1_700_000_001)],
          STAR_TRAILER,
        ]),
      );
    },
    expect: { result: only(`usr/${'q'.repeat(127)}/f`) },
  },
  {
    name: 'a star header with an atime that is not a number fails the archive',
    tar: () => rawTar(file('f', 'x', [[345, 'usr\0'], [476, 'zzzz\0'], STAR_TRAILER])),
    expect: { error: 'LAYER_CORRUPT', message: 'has a atime field that is not a valid number' },
  },
  {
    name: 'a GNU header: atime and ctime where USTAR has its prefix (no prefix)',
    tar: () =>
      rawTar(
        file('backdoor', 'x', [GNU_MAGIC, [345, octal12(1_700_000_000)], [357, octal12(1_700_000_001)]]),
      ),
    expect: { result: only('backdoor') },
  },
  {
    // Go reads archives of its own pre-1.8 writer, which put a USTAR prefix where GNU keeps atime.
    name: 'a GNU header whose atime is not a number: read as an old Go prefix',
    tar: () => rawTar(file('backdoor', 'x', [GNU_MAGIC, [345, 'usr/local/bin\0']])),
    expect: { result: only(HIDDEN) },
  },
  {
    name: 'a GNU header whose bad atime holds non-ASCII bytes: no prefix',
    tar: () => rawTar(file('backdoor', 'x', [GNU_MAGIC, [345, Buffer.from('usr/\xe9/', 'latin1')]])),
    expect: { result: only('backdoor') },
  },
  {
    name: 'a USTAR prefix joined with the name',
    tar: () => rawTar(file('bin/backdoor', 'x', [[345, 'usr/local\0']])),
    expect: { result: only(HIDDEN) },
  },
  {
    name: 'a V7 header (no magic): its prefix bytes are not part of the name',
    tar: () =>
      rawTar(
        file('backdoor', 'x', [
          [257, '\0'.repeat(8)],
          [345, 'usr/local/bin\0'],
        ]),
      ),
    expect: { result: only('backdoor') },
  },
  {
    name: 'GNU magic with a wrong version: a V7 header',
    tar: () =>
      rawTar(
        file('backdoor', 'x', [
          [257, 'ustar x\0'],
          [345, 'usr/local/bin\0'],
        ]),
      ),
    expect: { result: only('backdoor') },
  },
  // Type flags.
  {
    name: 'type NUL: an old regular file',
    tar: () => rawTar(file('old', 'data', [[156, '\0']])),
    expect: {
      result: (r) =>
        expect(entryOf(r, 'old')).toMatchObject({ type: 'file', size: 4, sha256: sha256('data') }),
    },
  },
  {
    name: 'type NUL with a trailing slash: an old directory, whose size is ignored',
    tar: () => rawTar(header({ name: 'dir/', typeflag: '\0', size: 600 }), file('dir/f', 'x')),
    expect: { result: (r) => expect(entryOf(r, 'dir')).toMatchObject({ type: 'dir' }) },
  },
  {
    name: "type '0' with a trailing slash: a regular file with content",
    tar: () => rawTar(file('notdir/', 'abc'), file('after', 'x')),
    expect: {
      result: (r) => {
        expect(paths(r)).toEqual(['after', 'notdir']);
        expect(entryOf(r, 'notdir')).toMatchObject({ type: 'file', size: 3, sha256: sha256('abc') });
      },
    },
  },
  {
    name: "type '7' (contiguous file): Docker and containerd do not extract it",
    tar: () => rawTar(file('c', 'abc', [[156, '7']])),
    expect: { error: 'LAYER_UNSUPPORTED', message: 'entry "c" at byte 0 has type "7" (contiguous file)' },
  },
  {
    name: "a vendor type ('A')",
    tar: () => rawTar(file('v', 'abc', [[156, 'A']])),
    expect: {
      error: 'LAYER_UNSUPPORTED',
      message: 'has type "A", which Docker and containerd do not extract',
    },
  },
  {
    name: 'a directory that declares a size: no data follows (Go ignores it)',
    tar: () => rawTar(header({ name: 'd/', typeflag: '5', size: 2000 }), file('d/f', 'x')),
    expect: { result: only('d', 'd/f') },
  },
  {
    name: 'a PAX size on a directory is ignored',
    tar: () =>
      rawTar(extended('x', paxData({ size: '4096' })), header({ name: 'd', typeflag: '5' }), file('f', 'x')),
    expect: { result: only('d', 'f') },
  },
  {
    name: 'a PAX size on a symlink',
    tar: () =>
      rawTar(
        extended('x', paxData({ size: '512' })),
        header({ name: 'l', typeflag: '2', linkname: 't' }),
        file('f', 'x'),
      ),
    expect: {
      error: 'LAYER_UNSUPPORTED',
      message: 'entry "l" at byte 1024 is a symlink but declares 512 bytes',
    },
    refusedThoughGoReads: 'Go skips no data after a symlink; other readers read 512 bytes on as content',
  },
  {
    name: 'a character device with its numbers',
    tar: () =>
      rawTar(
        header({ name: 'dev/null', typeflag: '3', mode: 0o666 }, [
          [329, '0000001\0'],
          [337, '0000003\0'],
        ]),
      ),
    expect: {
      result: (r) =>
        expect(entryOf(r, 'dev/null')).toMatchObject({ type: 'char', devmajor: 1, devminor: 3, mode: 0o666 }),
    },
  },
  // Numbers and checksums.
  {
    name: 'a signed (Sun tar) checksum over non-ASCII name bytes',
    tar: () =>
      rawTar(
        Buffer.concat([
          signedChecksum(rawHeader({ name: 'caf\u00e9', typeflag: '0', size: 1 })),
          rawData('x'),
        ]),
      ),
    expect: { result: only('caf\u00e9') },
  },
  {
    name: 'a checksum that is neither sum',
    tar: () => {
      const block = rawHeader({ name: 'f', typeflag: '0' });
      block.write('0000001\0', 148, 'latin1');
      return rawTar(block);
    },
    expect: { error: 'LAYER_CORRUPT', message: 'the header at byte 0 has a wrong checksum' },
  },
  {
    name: 'base-256 uid, gid and size (GNU binary numbers)',
    tar: () =>
      rawTar(
        Buffer.concat([
          header({ name: 'big', typeflag: '0' }, [
            [108, base256(100_000n, 8)],
            [116, base256(200_000n, 8)],
            [124, base256(3n, 12)],
          ]),
          rawData('abc'),
        ]),
      ),
    expect: {
      result: (r) =>
        expect(entryOf(r, 'big')).toMatchObject({
          uid: 100_000,
          gid: 200_000,
          size: 3,
          sha256: sha256('abc'),
        }),
    },
  },
  {
    name: 'a negative base-256 mode (Go keeps its low bits)',
    tar: () => rawTar(file('m', 'x', [[100, base256(-1n, 8)]])),
    expect: { result: (r) => expect(entryOf(r, 'm')).toMatchObject({ mode: 0o7777 }) },
  },
  {
    name: 'octal fields padded with spaces and NULs on both sides',
    tar: () =>
      rawTar(
        file('p', 'abcd', [
          [100, ' 755 \0\0\0'],
          [124, '  4\0\0  \0\0\0\0\0'],
        ]),
      ),
    expect: {
      result: (r) => expect(entryOf(r, 'p')).toMatchObject({ mode: 0o755, size: 4, sha256: sha256('abcd') }),
    },
  },
  {
    name: 'an octal field with a space inside the digits',
    tar: () => rawTar(file('p', 'abcd', [[124, '00 4\0\0\0\0\0\0\0\0']])),
    expect: { error: 'LAYER_CORRUPT', message: 'has a size field that is not a valid number' },
  },
  {
    name: 'a uid over 2^32 in a PAX record',
    tar: () => rawTar(extended('x', paxData({ uid: '4294967296' })), file('u', 'x')),
    expect: { error: 'LAYER_UNSUPPORTED', message: 'has a uid 4294967296 out of range' },
    refusedThoughGoReads: 'no Linux uid is that large; chown would fail or wrap',
  },
  // PAX records.
  {
    name: 'a PAX record length with a plus sign (Go ParseInt accepts it)',
    tar: () => rawTar(extended('x', Buffer.from('+22 path=plus/sign/ok\n')), file('x', 'p')),
    expect: { result: only('plus/sign/ok') },
  },
  {
    name: 'an empty PAX path keeps the header name',
    tar: () => rawTar(extended('x', paxData({ path: '' })), file('kept', 'k')),
    expect: { result: only('kept') },
  },
  {
    name: 'two PAX headers before one entry: only the second applies',
    tar: () =>
      rawTar(
        extended('x', paxData({ path: HIDDEN })),
        extended('x', paxData({ uid: '5' })),
        file('orig', 'o'),
      ),
    expect: { result: (r) => expect(entryOf(r, 'orig')).toMatchObject({ uid: 5 }) },
  },
  {
    name: 'two GNU long names before one entry: the second wins',
    tar: () => {
      const first = Buffer.from(`${SHOWN}\0`);
      return rawTar(
        rawHeader({ name: '././@LongLink', typeflag: 'L', size: first.length, format: 'gnu' }),
        rawData(first),
        gnuLongName(HIDDEN, { name: '', typeflag: '0', size: 1 }, 'e'),
      );
    },
    expect: { result: only(HIDDEN) },
  },
  {
    name: 'a GNU long name with bytes after its NUL',
    tar: () => {
      const long = Buffer.from(`${HIDDEN}\0${SHOWN}`);
      return rawTar(
        rawHeader({ name: '././@LongLink', typeflag: 'L', size: long.length, format: 'gnu' }),
        rawData(long),
        file('short', 'e'),
      );
    },
    expect: { result: only(HIDDEN) },
  },
  {
    name: 'a GNU long link and a PAX linkpath on one symlink: the long link wins',
    tar: () =>
      rawTar(
        extended('x', paxData({ linkpath: '/etc/motd' })),
        gnuLongLink('/etc/shadow', { name: 'l', typeflag: '2' }),
      ),
    expect: {
      result: (r) => expect(entryOf(r, 'l')).toMatchObject({ type: 'symlink', link: '/etc/shadow' }),
    },
  },
  {
    name: 'a PAX linkpath on a hardlink',
    tar: () =>
      rawTar(
        file('target', 't'),
        extended('x', paxData({ linkpath: './target' })),
        header({ name: 'h', typeflag: '1', linkname: 'other' }),
      ),
    expect: { result: (r) => expect(entryOf(r, 'h')).toMatchObject({ type: 'hardlink', link: 'target' }) },
  },
  {
    name: 'a PAX mtime with a fraction',
    tar: () =>
      rawTar(extended('x', paxData({ mtime: '1700000000.987654321', atime: '-1.5' })), file('t', 'x')),
    expect: { result: (r) => expect(entryOf(r, 't')).toMatchObject({ mtime: 1_700_000_000 }) },
  },
  {
    name: 'a PAX mtime that is not a time fails the archive',
    tar: () => rawTar(extended('x', paxData({ mtime: '1700000000.5e3' })), file('t', 'x')),
    expect: { error: 'LAYER_CORRUPT', message: 'has a PAX mtime "1700000000.5e3" that is not a valid time' },
  },
  {
    name: 'a PAX header padded with NULs after its records fails the archive',
    tar: () =>
      rawTar(extended('x', Buffer.concat([paxData({ path: HIDDEN }), Buffer.alloc(20)])), file('x', 'x')),
    expect: { error: 'LAYER_CORRUPT', message: 'holds a PAX record without a length' },
  },
  {
    name: 'a PAX record key with a NUL fails the archive',
    tar: () => rawTar(extended('x', paxData({ 'SCHILY.xattr.a\0b': 'v' })), file('x', 'x')),
    expect: { error: 'LAYER_CORRUPT', message: 'with a NUL byte' },
  },
  {
    name: 'a PAX size overriding the header size',
    tar: () =>
      rawTar(
        extended('x', paxData({ size: '3' })),
        Buffer.concat([rawHeader({ name: 'sized', typeflag: '0', size: 0 }), rawData('abc')]),
        file('after', 'x'),
      ),
    expect: { result: (r) => expect(entryOf(r, 'sized')).toMatchObject({ size: 3, sha256: sha256('abc') }) },
  },
  {
    name: 'a PAX header followed by the end of the archive (no entry)',
    tar: () => rawTar(extended('x', paxData({ path: HIDDEN }))),
    expect: { result: only() },
  },
  // Where the archive ends.
  {
    name: 'one zero block, then the end of the input',
    tar: () => Buffer.concat([file('a', 'x'), Buffer.alloc(BLOCK)]),
    expect: { result: only('a') },
  },
  {
    name: 'the input ends inside the padding of the last file (Go reads it)',
    tar: () => Buffer.concat([rawHeader({ name: 'a', typeflag: '0', size: 3 }), Buffer.from('abc')]),
    expect: { result: (r) => expect(entryOf(r, 'a')).toMatchObject({ size: 3, sha256: sha256('abc') }) },
  },
  {
    name: 'a zero block, then half a block',
    tar: () => Buffer.concat([file('a', 'x'), Buffer.alloc(BLOCK + 100)]),
    expect: { error: 'LAYER_CORRUPT', message: 'the tar ends inside the header at byte 1536' },
  },
  {
    name: 'an end marker, then a second archive',
    tar: () => Buffer.concat([rawTar(file('a', 'real')), rawTar(file('a', 'fake'), file(HIDDEN, 'x'))]),
    expect: {
      warning: 'TRAILING_DATA',
      result: (r) => {
        expect(paths(r)).toEqual(['a']);
        expect(entryOf(r, 'a')).toMatchObject({ sha256: sha256('real') });
      },
    },
  },
  {
    name: 'a header whose checksum field is not octal',
    tar: () => rawTar(rawHeader({ name: 'f', typeflag: '0' }).fill(0x7a, 148, 150)),
    expect: { error: 'LAYER_CORRUPT', message: 'has a wrong checksum' },
  },
  {
    name: 'invalid UTF-8 in a GNU long name',
    tar: () => {
      const long = Buffer.concat([Buffer.from('dir/'), Buffer.from([0xff, 0xfe]), Buffer.from('\0')]);
      return rawTar(
        rawHeader({ name: '././@LongLink', typeflag: 'L', size: long.length, format: 'gnu' }),
        rawData(long),
        file('short', 'e'),
      );
    },
    expect: { warning: 'INVALID_UTF8_NAME', result: only('dir/\uFFFD\uFFFD') },
  },
];

/** The cases as layer cases for the unit-tier corpus (stored uncompressed, read in odd chunks). */
export const tarFormLayerCases: LayerCase[] = tarFormCases.map((c) => ({
  name: c.name,
  build: () => plainLayer(c.tar()),
  expect: c.expect,
}));
