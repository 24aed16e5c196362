import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHeader, TarHeaderError } from '../../src/layers/tar-header.js';
import { parseNumericAt, parseNumericField } from '../../src/layers/tar-numbers.js';
import {
  referenceChecksums,
  referenceDecodeHeader,
  referenceParseNumeric,
} from '../helpers/reference-tar-header.js';

/**
 * The header decoder's fast paths (numbers without BigInt, a word-wise checksum, magic compared byte
 * by byte) must decode every block exactly as the plain decoder does, down to the error it throws.
 */

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const asTarNumber = (v: bigint) => (v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v);

function ours(block: Buffer): unknown {
  try {
    return decodeHeader(block);
  } catch (err) {
    if (err instanceof TarHeaderError) return err.message;
    throw err;
  }
}

function reference(block: Buffer): unknown {
  const r = referenceDecodeHeader(block);
  if (typeof r === 'string') return r;
  return {
    ...r,
    size: asTarNumber(r.size),
    mode: asTarNumber(r.mode),
    uid: asTarNumber(r.uid),
    gid: asTarNumber(r.gid),
    mtime: asTarNumber(r.mtime),
    devmajor: asTarNumber(r.devmajor),
    devminor: asTarNumber(r.devminor),
  };
}

/** Field contents that hit the parsers' edges: octal with padding, NULs, junk, base-256 of any size. */
const octalText = fc
  .tuple(
    fc.constantFrom('', ' ', '\0', '  '),
    fc.stringMatching(/^[0-7]{0,12}$/),
    fc.constantFrom('', ' ', '\0', ' \0', '\0 '),
  )
  .map(([a, b, c]) => Buffer.from(a + b + c, 'latin1'));
const junkText = fc.stringMatching(/^[0-9 \0a+-]{0,12}$/).map((s) => Buffer.from(s, 'latin1'));
const base256 = fc.uint8Array({ minLength: 1, maxLength: 12 }).map((b) => {
  const out = Buffer.from(b);
  out[0] = out[0]! | 0x80;
  return out;
});
const numericField = fc.oneof(
  octalText,
  junkText,
  base256,
  fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b)),
);

const MAGICS = ['ustar\0', 'ustar ', 'ustax\0', '\0\0\0\0\0\0'];
const VERSIONS = ['00', ' \0', '  ', '\0\0'];

const blockArb = fc
  .record({
    name: fc.uint8Array({ maxLength: 100 }),
    prefix: fc.uint8Array({ maxLength: 155 }),
    link: fc.uint8Array({ maxLength: 100 }),
    typeflag: fc.constantFrom(0x30, 0x35, 0x78, 0x00, 0x4c, 0xff),
    numbers: fc.array(numericField, { minLength: 10, maxLength: 10 }),
    magic: fc.constantFrom(...MAGICS),
    version: fc.constantFrom(...VERSIONS),
    star: fc.boolean(),
    checksum: fc.constantFrom('unsigned', 'signed', 'wrong', 'junk'),
    high: fc.boolean(),
  })
  .map((r) => {
    const b = Buffer.alloc(512);
    b.set(r.name.subarray(0, 100), 0);
    b.set(r.link.subarray(0, 100), 157);
    b[156] = r.typeflag;
    const offsets: [number, number][] = [
      [124, 12],
      [100, 8],
      [108, 8],
      [116, 8],
      [136, 12],
      [329, 8],
      [337, 8],
      [345, 12],
      [357, 12],
      [476, 12],
    ];
    offsets.forEach(([at, len], i) => b.set(r.numbers[i]!.subarray(0, len), at));
    b.write(r.magic, 257, 'latin1');
    b.write(r.version, 263, 'latin1');
    if (r.prefix.length > 0 && r.numbers[7]!.length === 0) b.set(r.prefix.subarray(0, 155), 345);
    if (r.star) b.write('tar\0', 508, 'latin1');
    if (r.high) b[200] = 0xf0;
    const { unsigned, signed } = referenceChecksums(b);
    const sum = { unsigned, signed, wrong: unsigned + 1, junk: -1 }[r.checksum];
    if (sum >= 0) b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    else b.write('12x4\0   ', 148, 'latin1');
    return b;
  });

describe('decodeHeader fast paths', () => {
  it('decode every block as the plain decoder does', () => {
    fc.assert(
      fc.property(blockArb, (block) => {
        expect(ours(block)).toEqual(reference(block));
      }),
      { numRuns: 5000 },
    );
  });

  it('decode a block that is not 4-byte aligned as an aligned one', () => {
    fc.assert(
      fc.property(blockArb, fc.integer({ min: 1, max: 3 }), (block, shift) => {
        const unaligned = Buffer.alloc(512 + shift).subarray(shift);
        block.copy(unaligned);
        expect(ours(unaligned)).toEqual(reference(block));
      }),
      { numRuns: 1000 },
    );
  });

  it('parse numeric fields as the BigInt parser does', () => {
    fc.assert(
      fc.property(numericField, fc.integer({ min: 0, max: 5 }), (field, at) => {
        const bytes = Buffer.alloc(at + field.length);
        field.copy(bytes, at);
        const expected = referenceParseNumeric(field);
        expect(parseNumericField(field)).toEqual(expected);
        expect(parseNumericAt(bytes, at, field.length)).toEqual(
          expected === null ? null : asTarNumber(expected),
        );
      }),
      { numRuns: 5000 },
    );
  });
});
