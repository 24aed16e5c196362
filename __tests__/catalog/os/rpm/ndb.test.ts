import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { adler32, looksLikeNdb, readNdbPackages } from '../../../../src/catalog/os/rpm/ndb.js';
import { RpmFormatError } from '../../../../src/catalog/os/rpm/format-error.js';
import { buildNdb, packageHeader } from '../../../helpers/rpm-db.js';

const blobs = [
  packageHeader({
    name: 'aaa_base',
    version: '84.87',
    release: '1.1',
    arch: 'x86_64',
    files: [{ path: '/etc/a', digest: 'e'.repeat(64) }],
    digestAlgo: 8,
  }),
  packageHeader({ name: 'zypper', version: '1.14', release: '2', arch: 'x86_64' }),
];
/** File offset of slot `i` (0-based, after the 32-byte database header). */
const slot = (i: number): number => 32 + i * 16;

describe('readNdbPackages', () => {
  it('reads every blob under its package index when the file is sound', () => {
    const db = buildNdb(blobs);
    expect(looksLikeNdb(db)).toBe(true);
    const result = readNdbPackages(db);
    expect(result.damage).toEqual([]);
    expect(result.blobs.map((b) => b.key)).toEqual([1, 2]);
    expect(result.blobs.map((b) => Buffer.from(b.blob))).toEqual(blobs);
  });

  it('computes Adler-32 as RFC 1950 defines it', () => {
    // Reference value of "Wikipedia" from the RFC's worked example.
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(Buffer.alloc(100_000, 0xff))).toBe(adler32(Buffer.alloc(100_000, 0xff)));
  });

  it('skips a blob whose checksum does not match and reads the rest', () => {
    const db = buildNdb(blobs);
    const firstBlob = db.readUInt32LE(slot(0) + 8) * 16;
    db[firstBlob + 40] = (db[firstBlob + 40] ?? 0) ^ 0xff;
    const result = readNdbPackages(db);
    expect(result.damage).toEqual(['package 1: adler32 checksum mismatch']);
    expect(result.blobs.map((b) => b.key)).toEqual([2]);
  });

  it('skips a slot that points past the end of the file or into the slot pages', () => {
    const past = buildNdb(blobs);
    past.writeUInt32LE(10_000_000, slot(0) + 8);
    expect(readNdbPackages(past).damage[0]).toMatch(
      /slot 2: blob of \d+ blocks at block 10000000 is outside/,
    );
    const inside = buildNdb(blobs);
    inside.writeUInt32LE(3, slot(1) + 8);
    expect(readNdbPackages(inside).damage[0]).toMatch(/inside the slot pages/);
  });

  it('skips a second slot claiming the same package index', () => {
    const db = buildNdb(blobs);
    db.writeUInt32LE(1, slot(1) + 4);
    expect(readNdbPackages(db).damage).toEqual(['slot 3: package index 1 appears twice']);
  });

  it('skips a blob whose head names another package or whose length disagrees with its blocks', () => {
    const other = buildNdb(blobs);
    other.writeUInt32LE(7, other.readUInt32LE(slot(0) + 8) * 16 + 4);
    expect(readNdbPackages(other).damage).toEqual(['package 1: blob belongs to package 7']);
    const long = buildNdb(blobs);
    long.writeUInt32LE(0xfffffff0, long.readUInt32LE(slot(0) + 8) * 16 + 12);
    expect(readNdbPackages(long).damage[0]).toMatch(/does not match its \d+ blocks/);
  });

  it.each([
    ['garbage', Buffer.alloc(8192, 0x41), /no NDB 'RpmP' magic/],
    ['a truncated header', Buffer.from('RpmP'), /shorter than the NDB header/],
    [
      'a slot page count past the file',
      (() => {
        const b = buildNdb(blobs);
        b.writeUInt32LE(1000, 12);
        return b;
      })(),
      /slot pages do not fit/,
    ],
    [
      'an unknown version',
      (() => {
        const b = buildNdb(blobs);
        b.writeUInt32LE(3, 4);
        return b;
      })(),
      /NDB version 3/,
    ],
  ])('throws RpmFormatError for %s', (_what, bytes, message) => {
    expect(() => readNdbPackages(bytes)).toThrow(RpmFormatError);
    expect(() => readNdbPackages(bytes)).toThrow(message);
  });

  it('fails only with RpmFormatError on any mutation (property)', () => {
    const sound = buildNdb(blobs);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(sound.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.nat(sound.length),
        (edits, cut) => {
          const db = Buffer.from(sound.subarray(0, cut));
          for (const [at, byte] of edits) if (at < db.length) db[at] = byte;
          try {
            const result = readNdbPackages(db);
            expect(result.blobs.length).toBeLessThanOrEqual(blobs.length);
          } catch (err) {
            expect(err).toBeInstanceOf(RpmFormatError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
