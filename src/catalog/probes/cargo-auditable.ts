import { constants, inflateSync } from 'node:zlib';

/**
 * Rust binaries built with `cargo auditable` carry their dependency tree in a `.dep-v0` section:
 * zlib-compressed JSON, `{"packages":[{"name","version","source","kind","dependencies","root"}, ...]}`.
 * Section headers sit at the end of an ELF file, after the section has streamed past, so the data is
 * found by its content: a zlib header (0x78 followed by one of the four check bytes without a preset
 * dictionary) whose first bytes inflate to the start of that JSON object. From there at most
 * MAX_COMPRESSED bytes are kept and inflated, to at most MAX_JSON bytes (cargo auditable's own readers
 * stop at 8 MiB).
 */

export interface CargoCrate {
  name: string;
  version: string;
  source?: string;
  kind?: string;
  root?: boolean;
}

export interface CargoAudit {
  crates: CargoCrate[];
}

export const MAX_COMPRESSED = 1024 * 1024;
export const MAX_JSON = 8 * 1024 * 1024;
const MAX_CRATES = 10_000;
const PROBE_BYTES = 64;
const HEADERS = [0x01, 0x5e, 0x9c, 0xda].map((flg) => Buffer.from([0x78, flg]));
const JSON_START = /^\{"(packages|format)":/;

/** Bit `n` of the deflate data that starts at byte 2 of `buf` (deflate packs bits LSB first). */
function bitAt(buf: Buffer, n: number): number {
  const pos = 16 + n;
  return ((buf[pos >> 3] ?? 0) >> (pos & 7)) & 1;
}

function bitsAt(buf: Buffer, from: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) v |= bitAt(buf, from + i) << i;
  return v;
}

/**
 * Whether the first deflate block after a zlib header could begin a stream that inflates to `{`:
 * checked on its header bits alone, because most `78 xx` pairs in a binary are not zlib at all and an
 * inflater per pair (which then throws) was most of this probe's time (96 MB of ELF files: 1.1-1.4 s).
 * Stored: LEN and NLEN agree and the first byte is `{`; fixed Huffman: the first code is `{`'s;
 * dynamic: the code-length code is complete, as zlib requires.
 */
export function plausibleJsonDeflate(buf: Buffer): boolean {
  const type = bitsAt(buf, 1, 2);
  if (type === 3) return false;
  if (type === 0)
    return buf.length > 7 && (buf.readUInt16LE(3) ^ buf.readUInt16LE(5)) === 0xffff && buf[7] === 0x7b;
  if (type === 1) {
    let code = 0; // Huffman codes are packed most significant bit first
    for (let i = 0; i < 8; i++) code = (code << 1) | bitAt(buf, 3 + i);
    return code === 0x30 + 0x7b;
  }
  if (bitsAt(buf, 3, 5) > 29 || bitsAt(buf, 8, 5) > 29) return false;
  const lengths = bitsAt(buf, 13, 4) + 4;
  let kraft = 0; // in units of 2^-7: a complete code sums to 128
  for (let i = 0; i < lengths; i++) {
    const len = bitsAt(buf, 17 + 3 * i, 3);
    if (len > 0) kraft += 1 << (7 - len);
  }
  return kraft === 128;
}

/** True when the zlib stream at the start of `buf` begins with the audit JSON. */
function looksLikeAudit(buf: Buffer): boolean {
  if (!plausibleJsonDeflate(buf)) return false;
  try {
    const head = inflateSync(buf.subarray(0, PROBE_BYTES), {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: 4096,
    });
    return JSON_START.test(head.toString('latin1'));
  } catch {
    return false;
  }
}

/** The audit JSON, parsed; a string says why it could not be read. */
export function parseAudit(json: string): CargoAudit | string {
  let obj: unknown;
  try {
    obj = JSON.parse(json);
  } catch {
    return 'audit data is not JSON';
  }
  const packages = (obj as { packages?: unknown } | null)?.packages;
  if (!Array.isArray(packages)) return 'audit data has no packages list';
  const crates: CargoCrate[] = [];
  for (const p of packages.slice(0, MAX_CRATES)) {
    const { name, version, source, kind, root } = (p ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof version !== 'string' || name === '' || version === '') continue;
    const crate: CargoCrate = { name, version };
    if (typeof source === 'string') crate.source = source;
    if (typeof kind === 'string') crate.kind = kind;
    if (root === true) crate.root = true;
    crates.push(crate);
  }
  return { crates };
}

/** Streams a binary's bytes, looking for the audit data. */
export class CargoAuditSearch {
  private carry: Buffer = Buffer.alloc(0);
  private collected: Buffer[] | undefined;
  private size = 0;
  private outcome: CargoAudit | string | undefined;

  get result(): CargoAudit | string | undefined {
    return this.outcome;
  }

  write(chunk: Buffer): void {
    if (this.outcome !== undefined) return;
    if (this.collected) return this.collect(chunk);
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    // The next place of each header, searched again only once passed: one scan of the data per header.
    const next = HEADERS.map((h) => data.indexOf(h));
    for (let from = 0; ;) {
      let at = -1;
      for (let k = 0; k < HEADERS.length; k++) {
        if ((next[k] as number) >= 0 && (next[k] as number) < from)
          next[k] = data.indexOf(HEADERS[k] as Buffer, from);
        const i = next[k] as number;
        if (i >= 0 && (at < 0 || i < at)) at = i;
      }
      if (at < 0) break;
      if (data.length - at < PROBE_BYTES) {
        this.carry = Buffer.from(data.subarray(at));
        return;
      }
      if (looksLikeAudit(data.subarray(at))) {
        this.collected = [];
        this.carry = Buffer.alloc(0);
        return this.collect(data.subarray(at));
      }
      from = at + 1;
    }
    this.carry = Buffer.from(data.subarray(data.length - 1));
  }

  private collect(bytes: Buffer): void {
    const room = MAX_COMPRESSED - this.size;
    const take = bytes.subarray(0, room);
    this.collected?.push(Buffer.from(take));
    this.size += take.length;
    this.tryInflate(this.size >= MAX_COMPRESSED);
  }

  /** Inflate what was collected; settles when the stream is complete, or when `last`. */
  private tryInflate(last: boolean): void {
    const all = Buffer.concat(this.collected ?? []);
    try {
      const json = inflateSync(all, { maxOutputLength: MAX_JSON });
      this.outcome = parseAudit(json.toString('utf8'));
      this.collected = undefined;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        this.outcome = `audit data inflates to more than ${MAX_JSON} bytes`;
        this.collected = undefined;
      } else if (last) {
        this.outcome =
          this.size >= MAX_COMPRESSED
            ? `audit data larger than ${MAX_COMPRESSED} bytes compressed`
            : 'audit data truncated or corrupt';
        this.collected = undefined;
      } else this.collected = [all];
    }
  }

  end(): void {
    // A candidate the file ends within PROBE_BYTES of: judge it on what there is.
    if (this.outcome === undefined && !this.collected && this.carry.length > 2 && looksLikeAudit(this.carry))
      this.collected = [this.carry];
    if (this.outcome === undefined && this.collected) this.tryInflate(true);
    this.carry = Buffer.alloc(0);
  }
}
