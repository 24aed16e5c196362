import { check } from './format-error.js';
import type { HeaderBlobs } from './header-blobs.js';

/**
 * Reader for rpm's NDB `Packages.db` (SUSE), little-endian throughout:
 *
 *   header (32 bytes): 'RpmP' | version 0 | generation | slot page count | next package index
 *   slot pages (4096 bytes each; the first one starts after the header): 16-byte slots
 *       'Slot' | package index | block offset | block count     (block offset 0: a free slot)
 *   blobs at block offset × 16:
 *       head 'BlbS' | package index | timestamp | blob length, the header blob, zero padding,
 *       tail adler32 (of head, blob and padding) | blob length | 'BlbE'
 *
 * A slot or blob that does not check out is reported as damage and skipped; the others are read.
 */

const magic = (text: string): number => Buffer.from(text, 'latin1').readUInt32LE(0);
const DB_MAGIC = magic('RpmP');
const SLOT_MAGIC = magic('Slot');
const BLOB_HEAD_MAGIC = magic('BlbS');
const BLOB_TAIL_MAGIC = magic('BlbE');
const DB_VERSION = 0;
const DB_HEADER_BYTES = 32;
const SLOT_BYTES = 16;
const BLOCK_BYTES = 16;
const PAGE_BYTES = 4096;
const BLOB_HEAD_BYTES = 16;
const BLOB_TAIL_BYTES = 12;

/** True when the bytes start with the NDB package database magic. */
export function looksLikeNdb(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 4 && Buffer.from(bytes.buffer, bytes.byteOffset, 4).readUInt32LE(0) === DB_MAGIC;
}

/** Read every header blob of an NDB `Packages.db`; throws `RpmFormatError` when it is not one. */
export function readNdbPackages(bytes: Uint8Array): HeaderBlobs {
  check(
    bytes.byteLength >= DB_HEADER_BYTES,
    `file of ${bytes.byteLength} bytes is shorter than the NDB header`,
  );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number): number => view.getUint32(at, true);
  check(u32(0) === DB_MAGIC, "no NDB 'RpmP' magic");
  check(u32(4) === DB_VERSION, `NDB version ${u32(4)} is not the known version ${DB_VERSION}`);
  const slotPages = u32(12);
  const fileBlocks = Math.floor(bytes.byteLength / BLOCK_BYTES);
  check(
    slotPages >= 1 && slotPages * PAGE_BYTES <= bytes.byteLength,
    `${slotPages} slot pages do not fit a ${bytes.byteLength}-byte file`,
  );
  // Blobs start after the slot pages; a slot pointing into them is corrupt.
  const firstBlobBlock = (slotPages * PAGE_BYTES) / BLOCK_BYTES;

  const damage: string[] = [];
  const blobs: HeaderBlobs['blobs'] = [];
  const seen = new Set<number>();
  for (let at = DB_HEADER_BYTES; at < slotPages * PAGE_BYTES; at += SLOT_BYTES) {
    const slotNo = at / SLOT_BYTES;
    if (u32(at) !== SLOT_MAGIC) {
      damage.push(`slot ${slotNo} has no 'Slot' magic`);
      continue;
    }
    const pkgIndex = u32(at + 4);
    const blockOffset = u32(at + 8);
    const blockCount = u32(at + 12);
    if (blockOffset === 0) continue;
    const problem = checkSlot(pkgIndex, blockOffset, blockCount, firstBlobBlock, fileBlocks, seen);
    if (problem) {
      damage.push(`slot ${slotNo}: ${problem}`);
      continue;
    }
    seen.add(pkgIndex);
    const blob = readBlob(bytes, view, pkgIndex, blockOffset, blockCount);
    if (typeof blob === 'string') damage.push(`package ${pkgIndex}: ${blob}`);
    else blobs.push({ key: pkgIndex, blob });
  }
  return { blobs, damage };
}

function checkSlot(
  pkgIndex: number,
  blockOffset: number,
  blockCount: number,
  firstBlobBlock: number,
  fileBlocks: number,
  seen: Set<number>,
): string | undefined {
  if (pkgIndex === 0) return 'package index 0';
  if (seen.has(pkgIndex)) return `package index ${pkgIndex} appears twice`;
  if (blockOffset < firstBlobBlock) return `blob at block ${blockOffset} lies inside the slot pages`;
  if (blockCount === 0 || blockOffset + blockCount > fileBlocks)
    return `blob of ${blockCount} blocks at block ${blockOffset} is outside the ${fileBlocks}-block file`;
  return undefined;
}

/** The header blob of one slot, or why it cannot be trusted. */
function readBlob(
  bytes: Uint8Array,
  view: DataView,
  pkgIndex: number,
  blockOffset: number,
  blockCount: number,
): Uint8Array | string {
  const start = blockOffset * BLOCK_BYTES;
  const end = start + blockCount * BLOCK_BYTES;
  if (view.getUint32(start, true) !== BLOB_HEAD_MAGIC) return "no 'BlbS' blob magic";
  if (view.getUint32(start + 4, true) !== pkgIndex)
    return `blob belongs to package ${view.getUint32(start + 4, true)}`;
  const length = view.getUint32(start + 12, true);
  if (Math.ceil((BLOB_HEAD_BYTES + length + BLOB_TAIL_BYTES) / BLOCK_BYTES) !== blockCount) {
    return `blob length ${length} does not match its ${blockCount} blocks`;
  }
  const tail = end - BLOB_TAIL_BYTES;
  if (view.getUint32(tail + 8, true) !== BLOB_TAIL_MAGIC) return "no 'BlbE' tail magic";
  if (view.getUint32(tail + 4, true) !== length) return 'blob length in the tail differs from the head';
  if (view.getUint32(tail, true) !== adler32(bytes.subarray(start, tail))) return 'adler32 checksum mismatch';
  return bytes.slice(start + BLOB_HEAD_BYTES, start + BLOB_HEAD_BYTES + length);
}

/** Adler-32 (RFC 1950), as NDB checksums its blobs. */
export function adler32(data: Uint8Array): number {
  const MOD = 65521;
  let a = 1;
  let b = 0;
  // 5552 bytes is the longest run before the sums can overflow 2^32 without a reduction.
  for (let i = 0; i < data.length;) {
    const stop = Math.min(i + 5552, data.length);
    for (; i < stop; i++) {
      a += data[i] ?? 0;
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}
