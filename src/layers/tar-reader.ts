import { parsePaxRecords } from './pax-records.js';
import {
  BLOCK_SIZE,
  cString,
  decodeHeader,
  isZeroBlock,
  TarHeaderError,
  type RawTarHeader,
} from './tar-header.js';
import { parseGoInt, parsePaxTime, type TarNumber } from './tar-numbers.js';

/**
 * A push parser for layer tars that frames and names every entry exactly as Go's archive/tar does
 * (reader.go Next), because Docker and containerd extract layers with it: a changelog that names
 * another path than the one a container gets would let an image hide a file.
 *
 * What that means, where other readers differ:
 * - a GNU long name ('L') wins over a PAX `path`, which wins over the header's name (and prefix);
 * - a global PAX header ('g') is never applied: it ends the pending extended headers, and the
 *   runtimes skip it;
 * - two zero blocks end the archive; one zero block followed by anything else is an error;
 * - PAX records, numeric fields and checksums are as strict as Go's (see tar-header, pax-records);
 * - extended headers are at most 1 MiB (Go's limit), so memory stays bounded.
 * Where a form is ambiguous or unsupported, the layer is refused naming the entry: GNU sparse files
 * (Go and GNU tar disagree on `GNU.sparse.name`), entry types the runtimes will not extract, a link
 * or device that declares data (readers disagree on whether it follows), numbers out of range.
 */

/** An entry as the runtime sees it: every extended header applied. */
export interface TarEntryHeader {
  /** '0' file, '1' hardlink, '2' symlink, '3' char, '4' block, '5' dir, '6' fifo. */
  typeflag: string;
  /** Name and link as stored (UTF-8 decoded; invalid bytes become U+FFFD), not yet normalised. */
  name: string;
  linkname: string;
  /** Bytes of content that follow (0 for every type but regular files). */
  size: number;
  /** Go's hdr.Mode, reduced to its permission and setuid/setgid/sticky bits. */
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch (informational). */
  mtime: number;
  devmajor: number;
  devminor: number;
  /** The PAX records that applied to this entry (values as bytes), or null. */
  pax: ReadonlyMap<string, Buffer> | null;
  /** Byte offset of the entry's own header block in the tar. */
  offset: number;
}

export interface TarEntryVisitor {
  /** A new entry; `header.size` bytes of content follow through `data`, then `end`. */
  entry(header: TarEntryHeader): void;
  data(chunk: Buffer): void;
  end(): void;
}

/** Why a tar is refused: malformed (`corrupt`) or a form we do not read (`unsupported`). */
export class TarFormatError extends Error {
  constructor(
    message: string,
    readonly kind: 'corrupt' | 'unsupported',
  ) {
    super(message);
  }
}

/** Go's maxSpecialFileSize: the largest PAX header or GNU long name/link it reads. */
export const MAX_EXTENDED_HEADER_BYTES = 1 << 20;

const ENTRY_TYPES = new Set(['0', '1', '2', '3', '4', '5', '6']);
/** Types whose size Go ignores (no content follows). */
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);
const TYPE_NAMES: Readonly<Record<string, string>> = {
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'character device',
  '4': 'block device',
  '6': 'fifo',
  '7': 'contiguous file',
  S: 'GNU sparse file',
  V: 'volume label',
  M: 'multi-volume continuation',
  D: 'GNU dump directory',
  N: 'GNU old long name',
};
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A PAX number in the header's form: a number when it is a safe integer, else the exact BigInt. */
function tarNumber(value: bigint): TarNumber {
  return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value;
}

/** Go's hdr.Mode reduced to its low 12 bits (permissions, setuid/setgid/sticky), as BigInt.asUintN(12). */
function permissionBits(mode: TarNumber): number {
  return typeof mode === 'number' ? ((mode % 4096) + 4096) % 4096 : Number(BigInt.asUintN(12, mode));
}

type State = 'header' | 'zero' | 'extended' | 'data' | 'padding' | 'ended';

/** A name for messages: JSON-quoted (no control characters), cut when long. */
export function quoteName(name: string): string {
  return JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}...` : name);
}

function padding(size: number): number {
  return (BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE;
}

export class TarReader {
  private state: State = 'header';
  /** Bytes consumed so far. */
  private offset = 0;
  private readonly block = Buffer.alloc(BLOCK_SIZE);
  private blockFill = 0;
  private headerOffset = 0;
  /** The current entry's name, for messages. */
  private entryName = '';
  /** Content bytes (or padding bytes) still to come for the current entry. */
  private remaining = 0;

  /** The extended header being read, and its bytes. */
  private extended: RawTarHeader | null = null;
  private extendedData: Buffer = Buffer.alloc(0);
  private extendedFill = 0;

  /** Extended headers waiting for the entry they describe (Go's paxHdrs, gnuLongName/Link). */
  private pax: Map<string, Buffer> | null = null;
  private longName: Buffer | null = null;
  private longLink: Buffer | null = null;

  /** Offset of the end-of-archive marker, and whether anything but zeros follows it. */
  endOffset = -1;
  trailingData = false;

  constructor(private readonly visitor: TarEntryVisitor) {}

  get ended(): boolean {
    return this.state === 'ended';
  }

  write(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      switch (this.state) {
        case 'header':
        case 'zero':
          at = this.fillBlock(chunk, at);
          if (this.blockFill === BLOCK_SIZE) this.onBlock();
          break;
        case 'extended': {
          const take = Math.min(this.remaining, chunk.length - at);
          chunk.copy(this.extendedData, this.extendedFill, at, at + take);
          this.extendedFill += take;
          this.remaining -= take;
          at += take;
          this.offset += take;
          if (this.remaining === 0) this.onExtendedData();
          break;
        }
        case 'data': {
          const take = Math.min(this.remaining, chunk.length - at);
          this.remaining -= take;
          this.offset += take;
          this.visitor.data(chunk.subarray(at, at + take));
          at += take;
          if (this.remaining === 0) this.endEntry();
          break;
        }
        case 'padding': {
          const take = Math.min(this.remaining, chunk.length - at);
          this.remaining -= take;
          this.offset += take;
          at += take;
          if (this.remaining === 0) this.state = 'header';
          break;
        }
        case 'ended':
          if (!this.trailingData) {
            for (let i = at; i < chunk.length; i++) {
              if (chunk[i] !== 0) {
                this.trailingData = true;
                break;
              }
            }
          }
          this.offset += chunk.length - at;
          return;
      }
    }
  }

  /** The input ended: fine at a header boundary or in padding (as in Go), an error elsewhere. */
  finish(): void {
    if (this.state === 'ended' || this.state === 'padding') return;
    if ((this.state === 'header' || this.state === 'zero') && this.blockFill === 0) return;
    let where = `inside the header at byte ${this.offset - this.blockFill}`;
    if (this.state === 'data') {
      where = `inside the content of entry ${quoteName(this.entryName)} (header at byte ${this.headerOffset})`;
    } else if (this.state === 'extended') {
      where = `inside the extended header at byte ${this.headerOffset}`;
    }
    throw new TarFormatError(`the tar ends ${where} (truncated)`, 'corrupt');
  }

  private fillBlock(chunk: Buffer, at: number): number {
    const take = Math.min(BLOCK_SIZE - this.blockFill, chunk.length - at);
    chunk.copy(this.block, this.blockFill, at, at + take);
    this.blockFill += take;
    this.offset += take;
    return at + take;
  }

  private onBlock(): void {
    this.blockFill = 0;
    const start = this.offset - BLOCK_SIZE;
    if (isZeroBlock(this.block)) {
      if (this.state === 'zero') {
        this.state = 'ended';
        this.endOffset = start - BLOCK_SIZE;
      } else {
        this.state = 'zero';
      }
      return;
    }
    if (this.state === 'zero') {
      throw new TarFormatError(
        `a single zero block at byte ${start - BLOCK_SIZE} is followed by more data`,
        'corrupt',
      );
    }
    this.headerOffset = start;
    let raw: RawTarHeader;
    try {
      raw = decodeHeader(this.block);
    } catch (err) {
      if (err instanceof TarHeaderError) throw this.error(err.message, 'corrupt');
      throw err;
    }
    switch (raw.typeflag) {
      case 'x':
      case 'g':
      case 'L':
      case 'K':
        this.beginExtended(raw);
        return;
      default:
        this.beginEntry(raw);
    }
  }

  private error(message: string, kind: 'corrupt' | 'unsupported', name?: string): TarFormatError {
    const what = name === undefined ? 'the header' : `entry ${quoteName(name)}`;
    return new TarFormatError(`${what} at byte ${this.headerOffset} ${message}`, kind);
  }

  private beginExtended(raw: RawTarHeader): void {
    if (raw.size < 0) throw this.error('(an extended header) declares a negative size', 'corrupt');
    if (raw.size > MAX_EXTENDED_HEADER_BYTES) {
      throw this.error(
        `is an extended header of ${raw.size} bytes, over the ${MAX_EXTENDED_HEADER_BYTES}-byte limit of Go's archive/tar (Docker, containerd)`,
        'corrupt',
      );
    }
    this.extended = raw;
    this.remaining = Number(raw.size);
    this.extendedData = Buffer.alloc(this.remaining);
    this.extendedFill = 0;
    this.state = 'extended';
    if (this.remaining === 0) this.onExtendedData();
  }

  private onExtendedData(): void {
    const raw = this.extended!;
    const data = this.extendedData;
    this.extended = null;
    this.extendedData = Buffer.alloc(0);
    if (raw.typeflag === 'x' || raw.typeflag === 'g') {
      let records: Map<string, Buffer>;
      try {
        records = parsePaxRecords(data);
      } catch (err) {
        if (err instanceof TarHeaderError) throw this.error(err.message, 'corrupt');
        throw err;
      }
      if (raw.typeflag === 'x') {
        this.pax = records;
      } else {
        // Go returns a global header as an entry of its own and starts afresh after it; Docker and
        // containerd skip that entry. Nothing of it, nor of what was pending, reaches a file.
        this.pax = null;
        this.longName = null;
        this.longLink = null;
      }
    } else if (raw.typeflag === 'L') {
      this.longName = cString(data);
    } else {
      this.longLink = cString(data);
    }
    this.skipPadding(Number(raw.size));
  }

  private skipPadding(size: number): void {
    this.remaining = padding(size);
    this.state = this.remaining > 0 ? 'padding' : 'header';
  }

  private beginEntry(raw: RawTarHeader): void {
    const pax = this.pax;
    let name = raw.name;
    let linkname = raw.linkname;
    let size = raw.size;
    let uid = raw.uid;
    let gid = raw.gid;
    let mtime = Number(raw.mtime);
    let sparse = false;
    this.pax = null;
    if (pax !== null) {
      for (const [key, value] of pax) {
        if (key.startsWith('GNU.sparse.')) sparse = true;
        if (value.length === 0) continue; // Go keeps the header's own value
        switch (key) {
          case 'path':
            name = value;
            break;
          case 'linkpath':
            linkname = value;
            break;
          case 'uid':
          case 'gid':
          case 'size': {
            const text = value.toString('latin1');
            const n = parseGoInt(text);
            if (n === null)
              throw this.error(
                `has a PAX ${key} ${quoteName(text)} that is not a valid number`,
                'corrupt',
                name.toString('utf8'),
              );
            if (key === 'uid') uid = tarNumber(n);
            else if (key === 'gid') gid = tarNumber(n);
            else size = tarNumber(n);
            break;
          }
          case 'mtime':
          case 'atime':
          case 'ctime': {
            const text = value.toString('latin1');
            const seconds = parsePaxTime(text);
            if (seconds === null)
              throw this.error(
                `has a PAX ${key} ${quoteName(text)} that is not a valid time`,
                'corrupt',
                name.toString('utf8'),
              );
            if (key === 'mtime') mtime = seconds;
            break;
          }
        }
      }
    }
    if (this.longName !== null && this.longName.length > 0) name = this.longName;
    if (this.longLink !== null && this.longLink.length > 0) linkname = this.longLink;
    this.longName = null;
    this.longLink = null;

    let typeflag = raw.typeflag;
    if (typeflag === '\0') typeflag = name.length > 0 && name[name.length - 1] === 0x2f ? '5' : '0';
    const text = name.toString('utf8');
    const headerOnly = HEADER_ONLY.has(typeflag);
    const dataSize = headerOnly ? 0 : size;
    if (dataSize < 0) throw this.error('declares a negative size', 'corrupt', text);
    if (typeflag === 'S' || sparse) {
      throw this.error(
        'is a GNU sparse file, which is not supported (readers disagree on its name and content)',
        'unsupported',
        text,
      );
    }
    if (!ENTRY_TYPES.has(typeflag)) {
      const known = TYPE_NAMES[typeflag];
      throw this.error(
        `has type ${JSON.stringify(typeflag)}${known === undefined ? '' : ` (${known})`}, which Docker and containerd do not extract`,
        'unsupported',
        text,
      );
    }
    if (Number(size) !== 0 && typeflag !== '5' && headerOnly) {
      // Go skips no data after a link or device; other readers take the size and read on as content.
      throw this.error(
        `is a ${TYPE_NAMES[typeflag]} but declares ${size} bytes of data`,
        'unsupported',
        text,
      );
    }
    if (dataSize > Number.MAX_SAFE_INTEGER)
      throw this.error(`has a size ${dataSize} out of range`, 'corrupt', text);
    this.checkId('uid', uid, text);
    this.checkId('gid', gid, text);
    this.checkId('devmajor', raw.devmajor, text);
    this.checkId('devminor', raw.devminor, text);
    const header: TarEntryHeader = {
      typeflag,
      name: text,
      linkname: linkname.length === 0 ? '' : linkname.toString('utf8'),
      size: Number(dataSize),
      mode: permissionBits(raw.mode),
      uid: Number(uid),
      gid: Number(gid),
      mtime,
      devmajor: Number(raw.devmajor),
      devminor: Number(raw.devminor),
      pax,
      offset: this.headerOffset,
    };
    this.remaining = header.size;
    this.state = 'data';
    this.entryName = text;
    this.visitor.entry(header);
    if (this.remaining === 0) this.endEntry();
  }

  /** uid, gid and device numbers: Go takes any int64, the runtimes only what fits 32 bits. */
  private checkId(field: string, value: TarNumber, name: string): void {
    if (value < 0 || value > 0xffffffff)
      throw this.error(`has a ${field} ${value} out of range`, 'unsupported', name);
  }

  private endEntry(): void {
    const size = this.offset - this.headerOffset - BLOCK_SIZE;
    this.visitor.end();
    this.skipPadding(size);
  }
}
