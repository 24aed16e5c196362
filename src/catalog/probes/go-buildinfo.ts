import type { ContentProbe, ProbeRun } from '../../layers/types.js';
import { lines } from '../../util/lines.js';

/**
 * Go build info: since Go 1.13 the linker writes a `.go.buildinfo` blob into every binary, starting
 * with the 14-byte magic `\xff Go buildinf:` at a 16-byte aligned offset. Go 1.18+ writes the "inline"
 * form (flags & 2): after a 32-byte header come two varint-length-prefixed strings, the Go version and
 * the module info (framed by 16-byte sentinels). Older binaries store pointers into the data segment
 * instead; resolving those needs the ELF program headers and random access, so they are reported as
 * unsupported rather than guessed.
 *
 * The probe streams: it keeps at most 13 bytes of look-behind while searching (so a magic split across
 * chunks is found) and, once the magic is seen, at most MAX_WINDOW bytes (plus one chunk) after it. A magic that does not
 * lead to a valid header (the same bytes can appear as a string constant in programs that read build
 * info, e.g. the `go` command) is skipped and the search goes on.
 */

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  /** `=> path version` replacement, when the module was replaced. */
  replace?: { path: string; version?: string; sum?: string };
}

export interface GoBuildInfo {
  goVersion?: string;
  /** Package path of the main package (`path` line). */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  /** Set when build info was found but could not be read; the cataloger reports it as a Problem. */
  problem?: string;
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
/** Bytes kept after the magic; Kubernetes-sized binaries have ~30 KiB of module info. */
export const MAX_WINDOW = 256 * 1024;
const MIN_SIZE = 1024;
const MAX_SIZE = 512 * 1024 * 1024;
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

type Decoded =
  { kind: 'more' } | { kind: 'invalid' } | { kind: 'pointer' } | { kind: 'ok'; info: GoBuildInfo };

/** Unsigned LEB128 (Go's binary.Uvarint): [value, bytes used], or undefined when incomplete. */
function uvarint(buf: Buffer, at: number): [number, number] | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 5; i++) {
    const b = buf[at + i];
    if (b === undefined) return undefined;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, i + 1];
    scale *= 128;
  }
  return [Number.MAX_SAFE_INTEGER, 5]; // longer than any window: rejected by the caller
}

/** Decode the blob that starts at the magic; 'more' when `buf` ends before the blob does. */
export function decodeBuildInfo(buf: Buffer): Decoded {
  if (buf.length < HEADER_SIZE) return { kind: 'more' };
  const ptrSize = buf[14];
  const flags = buf[15] ?? 0;
  if (ptrSize !== 4 && ptrSize !== 8) return { kind: 'invalid' };
  if ((flags & 2) === 0) return { kind: 'pointer' };
  const vlen = uvarint(buf, HEADER_SIZE);
  if (!vlen) return { kind: 'more' };
  if (vlen[0] === 0 || vlen[0] > 256) return { kind: 'invalid' };
  const mlenAt = HEADER_SIZE + vlen[1] + vlen[0];
  const mlen = uvarint(buf, mlenAt);
  if (!mlen) return { kind: 'more' };
  const end = mlenAt + mlen[1] + mlen[0];
  if (end > MAX_WINDOW) return { kind: 'invalid' };
  if (buf.length < end) return { kind: 'more' };
  const goVersion = buf.toString('utf8', HEADER_SIZE + vlen[1], mlenAt);
  if (!/^(go|devel)[\x21-\x7e]*( [\x20-\x7e]*)?$/.test(goVersion)) return { kind: 'invalid' };
  let mod = buf.subarray(mlenAt + mlen[1], end);
  // The module info is framed by two 16-byte sentinels; Go strips them when the frame is intact.
  if (mod.length >= 33 && mod[mod.length - 17] === 0x0a) mod = mod.subarray(16, mod.length - 16);
  return { kind: 'ok', info: { goVersion, ...parseModInfo(mod.toString('utf8')) } };
}

function moduleOf(fields: string[]): GoModule | undefined {
  const [path, version = '', sum] = fields;
  if (!path) return undefined;
  const m: GoModule = { path, version };
  if (sum) m.sum = sum;
  return m;
}

/** Parse the tab-separated module info (`path`, `mod`, `dep`, `=>` lines; `build` lines ignored). */
export function parseModInfo(text: string): Omit<GoBuildInfo, 'goVersion'> {
  const info: Omit<GoBuildInfo, 'goVersion'> = { deps: [] };
  let last: GoModule | undefined;
  for (const line of lines(text)) {
    const [kind, ...fields] = line.split('\t');
    if (kind === 'path' && fields[0]) info.path = fields[0];
    else if (kind === 'mod' || kind === 'dep') {
      last = moduleOf(fields);
      if (!last) continue;
      if (kind === 'mod') info.main = last;
      else info.deps.push(last);
    } else if (kind === '=>' && last && fields[0]) {
      last.replace = { path: fields[0] };
      if (fields[1]) last.replace.version = fields[1];
      if (fields[2]) last.replace.sum = fields[2];
    }
  }
  return info;
}

class GoBuildInfoRun implements ProbeRun<GoBuildInfo> {
  private offset = 0; // absolute file offset of pending[0]
  private pending: Buffer = Buffer.alloc(0); // sniff/search: a few look-behind bytes; collect: bytes from the magic on
  private mode: 'sniff' | 'search' | 'collect' | 'done' = 'sniff';
  private result: GoBuildInfo | undefined;
  private sawPointerFormat = false;

  write(chunk: Buffer): void {
    if (this.mode === 'done' || chunk.length === 0) return;
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.mode === 'collect') {
      // Never more than MAX_WINDOW plus one chunk: decode() settles once MAX_WINDOW bytes are in.
      this.pending = data;
      this.decode();
      return;
    }
    if (this.mode === 'sniff') {
      if (data.length < ELF.length) {
        this.pending = Buffer.from(data);
        return;
      }
      if (!data.subarray(0, ELF.length).equals(ELF)) return this.finish(undefined);
      this.mode = 'search';
    }
    if (this.search(data)) this.decode();
  }

  /** Look for an aligned magic in `data` (which starts at this.offset); true when one was found. */
  private search(data: Buffer): boolean {
    let from = 0;
    for (;;) {
      const at = data.indexOf(MAGIC, from);
      if (at < 0) break;
      if ((this.offset + at) % 16 === 0) {
        this.offset += at;
        this.mode = 'collect';
        // The whole rest is kept (a copy, not a view of the caller's chunk) so that after a false
        // magic the search resumes without a gap.
        this.pending = Buffer.from(data.subarray(at));
        return true;
      }
      from = at + 1;
    }
    // Keep the last MAGIC.length - 1 bytes: a magic may straddle this chunk and the next.
    const keep = Math.min(data.length, MAGIC.length - 1);
    this.offset += data.length - keep;
    this.pending = Buffer.from(data.subarray(data.length - keep));
    return false;
  }

  /** Decode what was collected; on a false magic, resume the search just after it. */
  private decode(): void {
    for (;;) {
      const decoded = decodeBuildInfo(this.pending);
      if (decoded.kind === 'more') {
        if (this.pending.length >= MAX_WINDOW)
          this.finish({ deps: [], problem: `build info larger than ${MAX_WINDOW} bytes` });
        return;
      }
      if (decoded.kind === 'ok') return this.finish(decoded.info);
      if (decoded.kind === 'pointer') this.sawPointerFormat = true;
      const rest = this.pending.subarray(1);
      this.offset += 1;
      this.mode = 'search';
      if (!this.search(rest)) return;
    }
  }

  private finish(result: GoBuildInfo | undefined): void {
    this.result = result;
    this.mode = 'done';
    this.pending = Buffer.alloc(0);
  }

  end(): GoBuildInfo | undefined {
    // Still collecting at end of file: the header looked right but the file stops inside the blob.
    if (this.mode === 'collect')
      this.finish({ deps: [], problem: 'build info truncated: the file ends inside it' });
    if (this.mode !== 'done' && this.sawPointerFormat) {
      return {
        deps: [],
        problem:
          'build info in the pre-Go-1.18 pointer format is not read (it needs random access to the binary)',
      };
    }
    return this.result;
  }
}

export const goBuildInfoProbe: ContentProbe<GoBuildInfo> = {
  id: 'go-buildinfo',
  version: 1,
  matches: (_path, size, mode) => (mode & 0o111) !== 0 && size >= MIN_SIZE && size <= MAX_SIZE,
  start: () => new GoBuildInfoRun(),
};
