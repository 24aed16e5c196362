import { RpmFormatError, check } from './format-error.js';
import type { HeaderBlobs } from './header-blobs.js';

/**
 * Reader for rpm's BerkeleyDB `Packages` (rpm ≤ 4.15: CentOS/RHEL 7-8, Amazon Linux 2, AlmaLinux 8),
 * a BerkeleyDB *hash* database keyed by the header number.
 *
 * The file is a sequence of pages. Page 0 is the hash metadata page; the pairs live on hash pages
 * (type 13, or 2 for unsorted), where each pair is a key item and a data item. Headers are larger
 * than a page, so their data item is an "off-page" reference to a chain of overflow pages (type 7).
 * Rather than following the bucket structure we visit every page once and read the pairs of every
 * hash page: a page a hostile file lists twice is still read once, and nothing is followed in a loop.
 *
 * Integers in page headers are in the byte order of the machine that wrote the file (s390x writes
 * big-endian), told apart by the magic number; the header blobs themselves are always big-endian.
 */

const HASH_MAGIC = 0x061561;
const BTREE_MAGIC = 0x053162;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_DUPLICATE = 2;
const H_OFFPAGE = 3;
const H_OFFDUP = 4;
/** Size of the generic page header; the item index (or overflow data) starts right after it. */
const PAGE_HEADER_BYTES = 26;
const METAFLAG_CHECKSUM = 0x01;

interface Layout {
  bytes: Uint8Array;
  view: DataView;
  littleEndian: boolean;
  pageSize: number;
  /** Last page number that is both announced and present in the file. */
  lastPage: number;
}

/** True when the bytes start like a BerkeleyDB hash database (either byte order). */
export function looksLikeBdbHash(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 16) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint32(12, true) === HASH_MAGIC || view.getUint32(12, false) === HASH_MAGIC;
}

/** Read every header blob of a BerkeleyDB hash `Packages` file; throws `RpmFormatError` if it is not one. */
export function readBdbPackages(bytes: Uint8Array): HeaderBlobs {
  const damage: string[] = [];
  const layout = readMeta(bytes, damage);
  const usedOverflow = new Set<number>();
  const blobs: HeaderBlobs['blobs'] = [];
  for (let page = 1; page <= layout.lastPage; page++) {
    const type = bytes[page * layout.pageSize + 25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    try {
      readHashPage(layout, page, usedOverflow, blobs, damage);
    } catch (err) {
      if (!(err instanceof RpmFormatError)) throw err;
      damage.push(`page ${page}: ${err.message}`);
    }
  }
  return { blobs, damage };
}

function readMeta(bytes: Uint8Array, damage: string[]): Layout {
  check(
    bytes.byteLength >= 512,
    `file of ${bytes.byteLength} bytes is too short for a BerkeleyDB metadata page`,
  );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let littleEndian: boolean;
  if (view.getUint32(12, true) === HASH_MAGIC) littleEndian = true;
  else if (view.getUint32(12, false) === HASH_MAGIC) littleEndian = false;
  else if (view.getUint32(12, true) === BTREE_MAGIC || view.getUint32(12, false) === BTREE_MAGIC) {
    throw new RpmFormatError('a BerkeleyDB btree database, not the hash database rpm writes');
  } else throw new RpmFormatError('no BerkeleyDB hash magic');
  const pageSize = view.getUint32(20, littleEndian);
  check(
    pageSize >= 512 && pageSize <= 65536 && (pageSize & (pageSize - 1)) === 0,
    `page size ${pageSize} is not a power of two in 512..65536`,
  );
  check(bytes[25] === P_HASHMETA, `page 0 has type ${bytes[25]}, not hash metadata`);
  check(bytes[24] === 0, 'the database is encrypted');
  check(
    ((bytes[26] ?? 0) & METAFLAG_CHECKSUM) === 0,
    'the database uses page checksums, which rpm never writes',
  );
  const announced = view.getUint32(32, littleEndian);
  const present = Math.floor(bytes.byteLength / pageSize) - 1;
  if (announced > present)
    damage.push(`metadata announces ${announced + 1} pages but the file holds ${present + 1} (truncated)`);
  return { bytes, view, littleEndian, pageSize, lastPage: Math.min(announced, present) };
}

function readHashPage(
  layout: Layout,
  page: number,
  usedOverflow: Set<number>,
  blobs: HeaderBlobs['blobs'],
  damage: string[],
): void {
  const { view, pageSize, littleEndian } = layout;
  const base = page * pageSize;
  const entries = view.getUint16(base + 20, littleEndian);
  check(entries % 2 === 0, `odd number of items (${entries})`);
  check(PAGE_HEADER_BYTES + entries * 2 <= pageSize, `${entries} items cannot fit a ${pageSize}-byte page`);
  const offsets: number[] = [];
  for (let i = 0; i < entries; i++) {
    const offset = view.getUint16(base + PAGE_HEADER_BYTES + i * 2, littleEndian);
    const end = i === 0 ? pageSize : (offsets[i - 1] ?? 0);
    check(
      offset >= PAGE_HEADER_BYTES + entries * 2 && offset < end,
      `item ${i} at offset ${offset} is outside its room`,
    );
    offsets.push(offset);
  }
  for (let i = 0; i < entries; i += 2) {
    const keyAt = base + (offsets[i] ?? 0);
    const keyEnd = base + (i === 0 ? pageSize : (offsets[i - 1] ?? 0));
    const dataAt = base + (offsets[i + 1] ?? 0);
    const dataEnd = keyAt;
    try {
      const key = readKey(layout, keyAt, keyEnd);
      // Record 0 holds rpm's next-instance counter, not a header.
      if (key === 0) continue;
      const blob = readData(layout, dataAt, dataEnd, usedOverflow);
      blobs.push({ key, blob });
    } catch (err) {
      if (!(err instanceof RpmFormatError)) throw err;
      damage.push(`page ${page} item ${i / 2}: ${err.message}`);
    }
  }
}

function readKey(layout: Layout, at: number, end: number): number {
  const type = layout.bytes[at];
  check(type === H_KEYDATA, `key item of type ${type}, expected inline data`);
  const length = end - at - 1;
  // rpm keys are 4-byte header numbers in the writer's byte order.
  return length === 4 ? layout.view.getUint32(at + 1, layout.littleEndian) : -1;
}

function readData(layout: Layout, at: number, end: number, usedOverflow: Set<number>): Uint8Array {
  const type = layout.bytes[at];
  if (type === H_KEYDATA) return layout.bytes.slice(at + 1, end);
  if (type === H_DUPLICATE || type === H_OFFDUP)
    throw new RpmFormatError('duplicate data items, which rpm never writes');
  check(type === H_OFFPAGE, `data item of unknown type ${type}`);
  check(end - at >= 12, 'off-page reference is truncated');
  const first = layout.view.getUint32(at + 4, layout.littleEndian);
  const total = layout.view.getUint32(at + 8, layout.littleEndian);
  return readOverflowChain(layout, first, total, usedOverflow);
}

/** Concatenate an overflow chain; each page may belong to one chain only, so loops and shared pages stop it. */
function readOverflowChain(
  layout: Layout,
  first: number,
  total: number,
  usedOverflow: Set<number>,
): Uint8Array {
  const { bytes, view, pageSize, littleEndian, lastPage } = layout;
  check(total <= bytes.byteLength, `overflow item of ${total} bytes is larger than the file`);
  const out = new Uint8Array(total);
  let filled = 0;
  let page = first;
  while (filled < total) {
    check(page >= 1 && page <= lastPage, `overflow page ${page} is outside the file's ${lastPage + 1} pages`);
    check(!usedOverflow.has(page), `overflow page ${page} is reached twice (a cycle or a shared chain)`);
    usedOverflow.add(page);
    const base = page * pageSize;
    check(bytes[base + 25] === P_OVERFLOW, `page ${page} in an overflow chain has type ${bytes[base + 25]}`);
    const length = view.getUint16(base + 22, littleEndian);
    check(
      length <= pageSize - PAGE_HEADER_BYTES && length <= total - filled,
      `overflow page ${page} claims ${length} bytes`,
    );
    check(length > 0 || filled === total, `overflow page ${page} is empty`);
    out.set(bytes.subarray(base + PAGE_HEADER_BYTES, base + PAGE_HEADER_BYTES + length), filled);
    filled += length;
    page = view.getUint32(base + 16, littleEndian);
    if (filled < total) check(page !== 0, `overflow chain ends after ${filled} of ${total} bytes`);
  }
  return out;
}
