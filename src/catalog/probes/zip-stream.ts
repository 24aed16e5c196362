import { inflateRawSync } from 'node:zlib';
import { InflateSink, type EntrySink, type InflateBudget } from './inflate-sink.js';

/**
 * A forward-only reader of zip local file headers, fed chunk by chunk (the layer streams; we cannot seek
 * to the central directory at the end). It hands back the contents of the few entries a caller wants and
 * skips everything else without inflating it.
 *
 * Entries written with a data descriptor (flag bit 3, as `jar` and java.util.zip write every deflated
 * entry) have no size in their header. Instead of inflating every such entry to find its end, we look
 * for the descriptor itself: a `PK\x07\x08` record whose compressed-size field equals the number of data
 * bytes seen so far, or (for writers that omit that optional signature) a 12-byte descriptor followed by
 * the next header's signature, with the same size check. A false match needs a 4-byte signature and a
 * 4-byte size to coincide at one spot, so stored and deflated entries are handled alike.
 *
 * Memory: at most one header (≤ 128 KiB), one chunk plus a 28-byte tail, and `maxEntryBytes` of a wanted
 * entry's compressed data. Inflation is capped at `maxEntryBytes` of output (zip bombs stop there).
 * Entries a caller streams instead (`nested`: an archive inside the archive) are passed on as they
 * arrive, stored bytes as they are and deflated ones inflated on the fly within a shared budget.
 */

export interface ZipEntry {
  name: string;
  /** Uncompressed content (wanted entries only), absent when `problem` is set. */
  data?: Buffer;
  problem?: string;
}

export interface ZipStreamOptions {
  wants(name: string): boolean;
  /** Cap on a wanted entry's compressed and uncompressed size. */
  maxEntryBytes: number;
  /** A sink for an entry to stream rather than collect (asked only for entries `wants` declined). */
  nested?(name: string): EntrySink | undefined;
  /** Bytes inflating nested entries may produce, shared with everything nested (required with `nested`). */
  inflateBudget?: InflateBudget;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_DESCRIPTOR = 0x08074b50;
const TAIL = 28;

type State =
  | { kind: 'header' }
  | { kind: 'data'; entry: Current; remaining: number }
  | { kind: 'scan'; entry: Current; consumed: number }
  | { kind: 'done' };

interface Current {
  name: string;
  method: number;
  wanted: boolean;
  sink: EntrySink | undefined;
  zip64: boolean;
  chunks: Buffer[];
  collected: number;
  overflow: boolean;
}

export class ZipLocalStream {
  private buf: Buffer = Buffer.alloc(0);
  private state: State = { kind: 'header' };
  private sawHeader = false;
  /** Set when the archive could not be followed to its end. */
  problem: string | undefined;

  constructor(
    private readonly options: ZipStreamOptions,
    private readonly onEntry: (entry: ZipEntry) => void,
  ) {}

  get done(): boolean {
    return this.state.kind === 'done';
  }

  write(chunk: Buffer): void {
    if (this.state.kind === 'done') return;
    this.buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.step()) {
      /* keep going while progress is made */
    }
    // Never hold a view of the caller's chunk beyond this call (what is left is a header or a tail).
    if (this.buf.length > 0) this.buf = Buffer.from(this.buf);
  }

  /** Call at end of file. */
  end(): void {
    const s = this.state;
    if (s.kind === 'data' || s.kind === 'scan') s.entry.sink?.end('archive truncated inside this entry');
    if (!this.sawHeader && this.state.kind !== 'done') this.problem ??= 'not a zip archive';
    else if (this.state.kind === 'header' && this.buf.length === 0)
      this.problem ??= 'archive ends without a central directory';
    else if (this.state.kind !== 'done') this.problem ??= 'archive truncated inside an entry';
    this.state = { kind: 'done' };
    this.buf = Buffer.alloc(0);
  }

  private stop(problem?: string): false {
    if (problem !== undefined) this.problem ??= problem;
    const s = this.state;
    if (s.kind === 'data' || s.kind === 'scan')
      s.entry.sink?.end(problem ?? 'archive ended inside this entry');
    this.state = { kind: 'done' };
    this.buf = Buffer.alloc(0);
    return false;
  }

  private step(): boolean {
    const s = this.state;
    if (s.kind === 'header') return this.readHeader();
    if (s.kind === 'data') return this.readData(s.entry, s.remaining);
    if (s.kind === 'scan') return this.scan(s.entry, s.consumed);
    return false;
  }

  private readHeader(): boolean {
    if (this.buf.length < 4) return false;
    const sig = this.buf.readUInt32LE(0);
    if (sig === SIG_CENTRAL || sig === SIG_END || sig === SIG_END64) return this.stop();
    if (sig !== SIG_LOCAL)
      return this.stop(this.sawHeader ? 'unexpected record between entries' : 'not a zip archive');
    if (this.buf.length < 30) return false;
    const flags = this.buf.readUInt16LE(6);
    const method = this.buf.readUInt16LE(8);
    let compressed = this.buf.readUInt32LE(18);
    const uncompressed = this.buf.readUInt32LE(22);
    const nameLength = this.buf.readUInt16LE(26);
    const extraLength = this.buf.readUInt16LE(28);
    if (this.buf.length < 30 + nameLength + extraLength) return false;
    this.sawHeader = true;
    const nameBytes = this.buf.subarray(30, 30 + nameLength);
    const name = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1');
    const extra = this.buf.subarray(30 + nameLength, 30 + nameLength + extraLength);
    const zip64 = zip64Sizes(extra, uncompressed === 0xffffffff, compressed === 0xffffffff);
    if (zip64?.compressed !== undefined) compressed = zip64.compressed;
    this.buf = this.buf.subarray(30 + nameLength + extraLength);
    const encrypted = (flags & 1) !== 0;
    const readable = !encrypted && (method === 0 || method === 8);
    const wanted = readable && this.options.wants(name);
    const entry: Current = {
      name,
      method,
      wanted,
      sink: readable && !wanted ? this.sinkFor(name, method) : undefined,
      zip64: zip64 !== undefined,
      chunks: [],
      collected: 0,
      overflow: false,
    };
    this.state =
      (flags & 8) !== 0
        ? { kind: 'scan', entry, consumed: 0 }
        : { kind: 'data', entry, remaining: compressed };
    return true;
  }

  private sinkFor(name: string, method: number): EntrySink | undefined {
    const sink = this.options.nested?.(name);
    if (!sink || method === 0) return sink;
    const budget = this.options.inflateBudget ?? { remaining: 0, limit: 0 };
    return new InflateSink(
      sink,
      budget,
      `nested archives inflate to more than ${budget.limit} bytes: not read further`,
    );
  }

  private take(entry: Current, bytes: Buffer): void {
    if (entry.sink && bytes.length > 0) entry.sink.write(bytes);
    if (!entry.wanted || entry.overflow || bytes.length === 0) return;
    entry.collected += bytes.length;
    if (entry.collected > this.options.maxEntryBytes) {
      entry.overflow = true;
      entry.chunks = [];
    } else entry.chunks.push(Buffer.from(bytes));
  }

  private readData(entry: Current, remaining: number): boolean {
    if (this.buf.length === 0) return false;
    const n = Math.min(remaining, this.buf.length);
    this.take(entry, this.buf.subarray(0, n));
    this.buf = this.buf.subarray(n);
    if (n < remaining) {
      this.state = { kind: 'data', entry, remaining: remaining - n };
      return false;
    }
    this.finishEntry(entry);
    this.state = { kind: 'header' };
    return true;
  }

  private scan(entry: Current, consumed: number): boolean {
    const buf = this.buf;
    for (let p = buf.indexOf('PK', 0, 'latin1'); p >= 0; p = buf.indexOf('PK', p + 1, 'latin1')) {
      if (p + 4 > buf.length) break;
      const sig = buf.readUInt32LE(p);
      let dataEnd = -1;
      let resume = -1;
      const descriptor = sig === SIG_DESCRIPTOR ? descriptorSize(buf, p, consumed + p, entry.zip64) : 0;
      if (descriptor > 0) {
        dataEnd = p;
        resume = p + descriptor;
      } else if (
        (sig === SIG_LOCAL || sig === SIG_CENTRAL) &&
        p >= 12 &&
        buf.readUInt32LE(p - 8) === consumed + p - 12
      ) {
        dataEnd = p - 12;
        resume = p;
      }
      if (dataEnd >= 0) {
        this.take(entry, buf.subarray(0, dataEnd));
        this.buf = buf.subarray(resume);
        this.finishEntry(entry);
        this.state = { kind: 'header' };
        return true;
      }
    }
    // No descriptor yet: everything but a tail that may hold the start of one is entry data.
    const n = Math.max(0, buf.length - TAIL);
    this.take(entry, buf.subarray(0, n));
    this.buf = buf.subarray(n);
    this.state = { kind: 'scan', entry, consumed: consumed + n };
    return false;
  }

  private finishEntry(entry: Current): void {
    entry.sink?.end();
    entry.sink = undefined;
    if (!entry.wanted) return;
    const { name } = entry;
    if (entry.overflow)
      return this.onEntry({
        name,
        problem: `entry larger than ${this.options.maxEntryBytes} bytes compressed`,
      });
    const raw = Buffer.concat(entry.chunks);
    if (entry.method === 0) return this.onEntry({ name, data: raw });
    try {
      this.onEntry({ name, data: inflateRawSync(raw, { maxOutputLength: this.options.maxEntryBytes }) });
    } catch (err) {
      const bomb = err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      this.onEntry({
        name,
        problem: bomb
          ? `entry inflates to more than ${this.options.maxEntryBytes} bytes`
          : `corrupt deflate data: ${(err as Error).message}`,
      });
    }
  }
}

/**
 * Size of a signed data descriptor at `p` whose compressed-size field equals `dataLength`: 16 bytes
 * (32-bit sizes) or 24 (zip64 sizes), the entry's zip64 flag deciding which form is tried first.
 * 0 when it is not a descriptor for this entry, or when 24 bytes have not arrived yet (a central
 * directory always follows, so waiting for them is safe, and both forms are judged on the same bytes).
 */
function descriptorSize(buf: Buffer, p: number, dataLength: number, zip64: boolean): number {
  if (p + 24 > buf.length) return 0;
  for (const size of zip64 ? [24, 16] : [16, 24]) {
    const field = size === 24 ? Number(buf.readBigUInt64LE(p + 8)) : buf.readUInt32LE(p + 8);
    if (field === dataLength) return size;
  }
  return 0;
}

/** The zip64 extended-information extra field (0x0001): holds, in order, the sizes whose header field is 0xffffffff. */
function zip64Sizes(
  extra: Buffer,
  hasUncompressed: boolean,
  hasCompressed: boolean,
): { compressed?: number } | undefined {
  for (let i = 0; i + 4 <= extra.length;) {
    const id = extra.readUInt16LE(i);
    const size = extra.readUInt16LE(i + 2);
    if (id === 0x0001) {
      const at = i + 4 + (hasUncompressed ? 8 : 0);
      return hasCompressed && at + 8 <= Math.min(extra.length, i + 4 + size)
        ? { compressed: Number(extra.readBigUInt64LE(at)) }
        : {};
    }
    i += 4 + size;
  }
  return undefined;
}
