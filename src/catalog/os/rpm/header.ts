import { RpmFormatError, check } from './format-error.js';

/**
 * An rpm header as the package databases store it: the "header without lead and magic".
 *
 *   int32 il (index entries) | int32 dl (data bytes) | il × {int32 tag, type, offset, count} | data[dl]
 *
 * Everything is big-endian whatever the machine. Every offset and count is checked against the blob
 * before it is used, so a hostile header gives an `RpmFormatError`, never an out-of-bounds read or a
 * huge allocation.
 */

export const RpmTag = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  FILEMODES: 1030,
  FILEDIGESTS: 1035,
  FILEFLAGS: 1037,
  SOURCERPM: 1044,
  CHANGELOGTIME: 1080,
  CHANGELOGNAME: 1081,
  CHANGELOGTEXT: 1082,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  FILEDIGESTALGO: 5011,
} as const;

export const RpmType = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;

/** rpm's own limits (hdrchkTags / hdrchkData): more is a corrupt or hostile header. */
export const MAX_INDEX_ENTRIES = 0xffff;
export const MAX_DATA_BYTES = 256 * 1024 * 1024;

const INDEX_ENTRY_BYTES = 16;
const PREAMBLE_BYTES = 8;

interface IndexEntry {
  tag: number;
  type: number;
  offset: number;
  count: number;
}

/** A parsed header: typed, bounds-checked access to its tags. */
export class RpmHeader {
  private readonly entries = new Map<number, IndexEntry>();
  private readonly data: DataView;
  private readonly bytes: Uint8Array;

  private constructor(blob: Uint8Array, dataStart: number, dataLength: number, entries: IndexEntry[]) {
    this.bytes = blob.subarray(dataStart, dataStart + dataLength);
    this.data = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    // rpm lets entries appended after the immutable region ("dribble" entries) replace earlier ones
    // with the same tag, so the last one wins here too.
    for (const entry of entries) this.entries.set(entry.tag, entry);
  }

  /** Parse a header blob; throws `RpmFormatError` when its structure is not sound. */
  static parse(blob: Uint8Array): RpmHeader {
    check(
      blob.byteLength >= PREAMBLE_BYTES,
      `header of ${blob.byteLength} bytes is shorter than its preamble`,
    );
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const il = view.getUint32(0);
    const dl = view.getUint32(4);
    check(
      il >= 1 && il <= MAX_INDEX_ENTRIES,
      `header claims ${il} index entries (allowed 1..${MAX_INDEX_ENTRIES})`,
    );
    check(dl <= MAX_DATA_BYTES, `header claims ${dl} data bytes (at most ${MAX_DATA_BYTES})`);
    const dataStart = PREAMBLE_BYTES + il * INDEX_ENTRY_BYTES;
    check(
      dataStart + dl <= blob.byteLength,
      `header needs ${dataStart + dl} bytes (${il} entries, ${dl} data bytes) but the blob has ${blob.byteLength}`,
    );
    const entries: IndexEntry[] = [];
    for (let i = 0; i < il; i++) {
      const at = PREAMBLE_BYTES + i * INDEX_ENTRY_BYTES;
      const entry = {
        tag: view.getUint32(at),
        type: view.getUint32(at + 4),
        offset: view.getUint32(at + 8),
        count: view.getUint32(at + 12),
      };
      // Type and offset are checked when a tag is read: tags we never read (region markers, whose
      // legacy offsets can be negative, signatures) must not make a sound package unreadable.
      entries.push(entry);
    }
    return new RpmHeader(blob, dataStart, dl, entries);
  }

  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  /** A STRING (or the first I18NSTRING) tag; undefined when absent. */
  string(tag: number): string | undefined {
    const entry = this.entry(tag);
    if (!entry) return undefined;
    check(
      entry.type === RpmType.STRING ||
        entry.type === RpmType.I18NSTRING ||
        entry.type === RpmType.STRING_ARRAY,
      `tag ${tag} is of type ${entry.type}, expected a string`,
    );
    check(entry.count >= 1, `tag ${tag} holds no string`);
    return this.readStrings(entry, 1)[0];
  }

  /** A STRING_ARRAY tag (its first `limit` strings, when given); undefined when absent. */
  stringArray(tag: number, limit = Infinity): string[] | undefined {
    const entry = this.entry(tag);
    if (!entry) return undefined;
    check(
      entry.type === RpmType.STRING_ARRAY,
      `tag ${tag} is of type ${entry.type}, expected a string array`,
    );
    return this.readStrings(entry, Math.min(entry.count, limit));
  }

  /** How many values a tag holds (0 when absent). */
  count(tag: number): number {
    return this.entries.get(tag)?.count ?? 0;
  }

  /** An INT32 tag as unsigned numbers (its first `limit`, when given); undefined when absent. */
  uint32Array(tag: number, limit = Infinity): number[] | undefined {
    return this.ints(tag, RpmType.INT32, 4, (at) => this.data.getUint32(at), limit);
  }

  /** An INT16 tag as unsigned numbers; undefined when absent. */
  uint16Array(tag: number): number[] | undefined {
    return this.ints(tag, RpmType.INT16, 2, (at) => this.data.getUint16(at));
  }

  private entry(tag: number): IndexEntry | undefined {
    const entry = this.entries.get(tag);
    if (entry)
      check(
        entry.offset <= this.bytes.byteLength,
        `tag ${tag} offset ${entry.offset} is outside the ${this.bytes.byteLength}-byte data`,
      );
    return entry;
  }

  private ints(
    tag: number,
    type: number,
    width: number,
    read: (at: number) => number,
    limit = Infinity,
  ): number[] | undefined {
    const entry = this.entry(tag);
    if (!entry) return undefined;
    check(entry.type === type, `tag ${tag} is of type ${entry.type}, expected type ${type}`);
    const end = entry.offset + entry.count * width;
    check(
      end <= this.bytes.byteLength,
      `tag ${tag}: ${entry.count} values at offset ${entry.offset} run past the data`,
    );
    const count = Math.min(entry.count, limit);
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) out[i] = read(entry.offset + i * width);
    return out;
  }

  /** `count` NUL-terminated strings starting at the entry's offset, each ending inside the data. */
  private readStrings(entry: IndexEntry, count: number): string[] {
    // Each string takes at least one byte: a count larger than the remaining data cannot be true.
    check(
      count <= this.bytes.byteLength - entry.offset,
      `tag ${entry.tag} claims ${count} strings in ${this.bytes.byteLength - entry.offset} bytes`,
    );
    const out = new Array<string>(count);
    let at = entry.offset;
    for (let i = 0; i < count; i++) {
      const nul = this.bytes.indexOf(0, at);
      if (nul < 0)
        throw new RpmFormatError(`tag ${entry.tag}: string ${i} is not NUL-terminated within the data`);
      out[i] = decoder.decode(this.bytes.subarray(at, nul));
      at = nul + 1;
    }
    return out;
  }
}

const decoder = new TextDecoder('utf-8');
