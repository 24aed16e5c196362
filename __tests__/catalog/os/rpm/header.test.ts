import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RpmFormatError } from '../../../../src/catalog/os/rpm/format-error.js';
import { RpmHeader } from '../../../../src/catalog/os/rpm/header.js';
import {
  parseSourceRpm,
  readRpmPackage,
  rpmVersionString,
} from '../../../../src/catalog/os/rpm/package-record.js';
import { T, buildHeader, packageHeader, type SimplePackage } from '../../../helpers/rpm-db.js';

const sha256 = 'ab'.repeat(32);
const bash: SimplePackage = {
  name: 'bash',
  version: '5.1.8',
  release: '6.el9_1',
  epoch: 1,
  arch: 'x86_64',
  sourceRpm: 'bash-5.1.8-6.el9_1.src.rpm',
  license: 'GPLv3+',
  digestAlgo: 8,
  files: [
    { path: '/etc/skel/.bashrc', digest: sha256, mode: 0o100644, flags: 1 },
    { path: '/usr/bin/bash', digest: 'CD'.repeat(32), mode: 0o104755 },
    { path: '/usr/bin/sh', mode: 0o120777 },
    { path: '/usr/share/doc/bash', mode: 0o40755 },
    { path: '/var/log/bash.log', mode: 0o100600, flags: 64 },
  ],
};

/** Write a big-endian uint32 into a copy of the blob. */
function patched(blob: Buffer, at: number, value: number): Buffer {
  const copy = Buffer.from(blob);
  copy.writeUInt32BE(value, at);
  return copy;
}

describe('readRpmPackage', () => {
  it('reads identity, source and files with digests, modes and flags when the header is sound', () => {
    const record = readRpmPackage(packageHeader(bash));
    expect(record).toMatchObject({
      name: 'bash',
      epoch: 1,
      version: '5.1.8',
      release: '6.el9_1',
      arch: 'x86_64',
      license: 'GPLv3+',
    });
    expect(record.sourceRpm).toBe('bash-5.1.8-6.el9_1.src.rpm');
    expect(record.warnings).toEqual([]);
    expect(record.files).toEqual([
      { path: 'etc/skel/.bashrc', digest: { algorithm: 'sha256', value: sha256 }, mode: 0o644, config: true },
      { path: 'usr/bin/bash', digest: { algorithm: 'sha256', value: 'cd'.repeat(32) }, mode: 0o4755 },
      { path: 'usr/bin/sh', mode: 0o777 },
      { path: 'usr/share/doc/bash', mode: 0o755 },
      { path: 'var/log/bash.log', mode: 0o600, ghost: true },
    ]);
  });

  it.each([
    [undefined, 'md5', 32],
    [2, 'sha1', 40],
    [9, 'sha384', 96],
    [10, 'sha512', 128],
  ] as const)('maps FILEDIGESTALGO %s to %s', (algo, name, hexLength) => {
    const record = readRpmPackage(
      packageHeader({ ...bash, digestAlgo: algo, files: [{ path: '/a', digest: 'e'.repeat(hexLength) }] }),
    );
    expect(record.files[0]?.digest).toEqual({ algorithm: name, value: 'e'.repeat(hexLength) });
  });

  it('leaves a digest out when its length does not fit the algorithm', () => {
    const record = readRpmPackage(
      packageHeader({ ...bash, digestAlgo: 8, files: [{ path: '/a', digest: 'e'.repeat(32) }] }),
    );
    expect(record.files[0]?.digest).toBeUndefined();
  });

  it('warns and leaves digests out when the algorithm is unknown', () => {
    const record = readRpmPackage(
      packageHeader({ ...bash, digestAlgo: 77, files: [{ path: '/a', digest: 'e'.repeat(64) }] }),
    );
    expect(record.files).toEqual([{ path: 'a', mode: 0o644 }]);
    expect(record.warnings[0]).toMatch(/unknown algorithm 77/);
  });

  it('reads the legacy OLDFILENAMES when BASENAMES is absent', () => {
    const blob = buildHeader([
      { tag: 1000, type: T.STRING, value: 'old' },
      { tag: 1001, type: T.STRING, value: '1' },
      { tag: 1002, type: T.STRING, value: '1' },
      { tag: 1027, type: T.STRING_ARRAY, value: ['/bin/old', '/etc/old.conf'] },
    ]);
    expect(readRpmPackage(blob).files.map((f) => f.path)).toEqual(['bin/old', 'etc/old.conf']);
  });

  it('keeps a gpg-pubkey pseudo-package with no arch and no epoch', () => {
    const record = readRpmPackage(
      packageHeader({ name: 'gpg-pubkey', version: 'b86b3716', release: '61e69f29' }),
    );
    expect(record.arch).toBeUndefined();
    expect(rpmVersionString(record)).toBe('b86b3716-61e69f29');
    expect(record.files).toEqual([]);
  });

  it('treats the arch "(none)" like an absent one', () => {
    expect(readRpmPackage(packageHeader({ ...bash, arch: '(none)' })).arch).toBeUndefined();
  });

  it('lets a later entry of the same tag replace an earlier one, as rpm does for dribble entries', () => {
    const blob = buildHeader([
      { tag: 1000, type: T.STRING, value: 'first' },
      { tag: 1001, type: T.STRING, value: '1' },
      { tag: 1002, type: T.STRING, value: '1' },
      { tag: 1000, type: T.STRING, value: 'second' },
    ]);
    expect(readRpmPackage(blob).name).toBe('second');
  });

  it('leaves out paths with a ".." component and the root itself', () => {
    const record = readRpmPackage(
      packageHeader({ ...bash, files: [{ path: '/usr/../etc/shadow' }, { path: '/' }, { path: '/ok' }] }),
    );
    expect(record.files.map((f) => f.path)).toEqual(['ok']);
    expect(record.warnings.join()).toMatch(/'\.\.' component/);
  });

  it('keeps the package but drops its file list when a DIRINDEXES value is out of range', () => {
    const blob = buildHeader([
      { tag: 1000, type: T.STRING, value: 'x' },
      { tag: 1001, type: T.STRING, value: '1' },
      { tag: 1002, type: T.STRING, value: '1' },
      { tag: 1116, type: T.INT32, value: [0, 5] },
      { tag: 1117, type: T.STRING_ARRAY, value: ['a', 'b'] },
      { tag: 1118, type: T.STRING_ARRAY, value: ['/d/'] },
    ]);
    const record = readRpmPackage(blob);
    expect(record.files).toEqual([]);
    expect(record.warnings[0]).toMatch(/DIRINDEXES\[1\] = 5/);
  });

  it('ignores a per-file array whose length differs from the file count', () => {
    const blob = buildHeader([
      { tag: 1000, type: T.STRING, value: 'x' },
      { tag: 1001, type: T.STRING, value: '1' },
      { tag: 1002, type: T.STRING, value: '1' },
      { tag: 1030, type: T.INT16, value: [0o100644] },
      { tag: 1116, type: T.INT32, value: [0, 0] },
      { tag: 1117, type: T.STRING_ARRAY, value: ['a', 'b'] },
      { tag: 1118, type: T.STRING_ARRAY, value: ['/d/'] },
    ]);
    const record = readRpmPackage(blob);
    expect(record.files).toEqual([{ path: 'd/a' }, { path: 'd/b' }]);
    expect(record.warnings[0]).toMatch(/FILEMODES has 1 values for 2 files/);
  });
});

describe('RpmHeader (hostile headers)', () => {
  const sound = packageHeader(bash);
  const il = sound.readUInt32BE(0);
  const dl = sound.readUInt32BE(4);

  it.each([
    ['an index count of zero', patched(sound, 0, 0), /index entries/],
    ['a huge index count', patched(sound, 0, 0x7fffffff), /index entries/],
    ['a data size past the blob', patched(sound, 4, dl + 1), /needs \d+ bytes/],
    ['a data size over the cap', patched(sound, 4, 0xffffffff), /data bytes/],
    ['a NAME offset outside the data', patched(sound, 8 + 8, dl + 100), /offset .* outside/],
    ['a NAME of the wrong type', patched(sound, 8 + 4, T.INT32), /expected a string/],
    [
      'a DIRNAMES count larger than the data',
      patched(sound, 8 + 16 * (il - 2) + 12, 0x0fffffff),
      /claims \d+ strings/,
    ],
    ['a truncated preamble', sound.subarray(0, 5), /shorter than its preamble/],
    ['a truncated data store', sound.subarray(0, sound.length - 1), /needs \d+ bytes/],
  ])('throws RpmFormatError for %s', (_what, blob, message) => {
    expect(() => readRpmPackage(blob)).toThrow(RpmFormatError);
    expect(() => readRpmPackage(blob)).toThrow(message);
  });

  it('throws RpmFormatError when a string runs to the end of the data without a NUL', () => {
    const blob = buildHeader([{ tag: 1000, type: T.BIN, value: Buffer.from('abc') }]);
    blob.writeUInt32BE(T.STRING, 8 + 4);
    expect(() => RpmHeader.parse(blob).string(1000)).toThrow(/not NUL-terminated/);
  });

  it('throws RpmFormatError when INT32 values run past the data', () => {
    const blob = buildHeader([{ tag: 1116, type: T.INT32, value: [1, 2] }]);
    blob.writeUInt32BE(3, 8 + 12);
    expect(() => RpmHeader.parse(blob).uint32Array(1116)).toThrow(/run past the data/);
  });

  it('reads a sound header whose unread tags have nonsense offsets and types', () => {
    const blob = buildHeader([
      { tag: 1000, type: T.STRING, value: 'n' },
      { tag: 1001, type: T.STRING, value: '1' },
      { tag: 1002, type: T.STRING, value: '1' },
      { tag: 63, type: T.BIN, value: Buffer.alloc(16) },
    ]);
    blob.writeUInt32BE(0xffffffc0, 8 + 3 * 16 + 8);
    blob.writeUInt32BE(99, 8 + 3 * 16 + 4);
    expect(readRpmPackage(blob).name).toBe('n');
  });

  it('fails only with RpmFormatError on any truncation or byte mutation (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(sound.length),
        fc.array(fc.tuple(fc.nat(sound.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        (cut, edits) => {
          const blob = Buffer.from(sound.subarray(0, Math.max(cut, 1)));
          for (const [at, byte] of edits) if (at < blob.length) blob[at] = byte;
          try {
            const record = readRpmPackage(blob);
            expect(typeof record.name).toBe('string');
          } catch (err) {
            expect(err).toBeInstanceOf(RpmFormatError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('rpmVersionString', () => {
  it('prints the epoch when the header has one, even 0, as rpm %{EVR} does', () => {
    expect(rpmVersionString({ version: '1.0', release: '2' })).toBe('1.0-2');
    expect(rpmVersionString({ epoch: 0, version: '1.0', release: '2' })).toBe('0:1.0-2');
    expect(rpmVersionString({ epoch: 3, version: '1.0', release: '2.el9' })).toBe('3:1.0-2.el9');
  });
});

describe('parseSourceRpm', () => {
  it.each([
    ['bash-5.1.8-6.el9_1.src.rpm', { name: 'bash', version: '5.1.8-6.el9_1' }],
    ['python-dateutil-2.8.1-6.el9.src.rpm', { name: 'python-dateutil', version: '2.8.1-6.el9' }],
    ['kernel-5.14.0-1.nosrc.rpm', { name: 'kernel', version: '5.14.0-1' }],
    ['weird.src.rpm', { name: 'weird' }],
    ['.src.rpm', undefined],
  ])('splits %s', (input, expected) => {
    expect(parseSourceRpm(input)).toEqual(expected);
  });
});
