import type { ContentProbe, ProbeRun } from '../../layers/types.js';
import { CargoAuditSearch, type CargoCrate } from './cargo-auditable.js';
import { NoteCollector, parseElfHead, type PackageNote } from './elf-notes.js';
import { MarkerSearch } from './marker-search.js';

/**
 * What an ELF binary says about itself, read in one pass while the layer streams (alongside the Go
 * build info probe): busybox's version banner, the Node.js version compiled into `node`, systemd
 * package notes (`.note.package`) and the `cargo auditable` dependency tree. Each search keeps a few
 * bytes of look-behind (a banner split across chunks is found) and a bounded amount of data once it has
 * found something; nothing holds the whole file.
 */

export interface BinaryIdentity {
  /** busybox's version, from `BusyBox vX.Y.Z (build date)`. */
  busybox?: string;
  /** Node.js's version, from its release URL `.../node-vX.Y.Z-headers.tar.gz`. */
  node?: string;
  /** CPython's version (`PY_VERSION`), read only from `pythonX.Y` and `libpythonX.Y*.so*`. */
  python?: string;
  packageNotes?: PackageNote[];
  cargo?: CargoCrate[];
  /** Identity data found but not readable. */
  problems?: string[];
}

export const BINARY_IDENTITY_PROBE_ID = 'binary-identity';
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const MIN_SIZE = 1024;
const MAX_SIZE = 512 * 1024 * 1024;
const HEAD_BYTES = 64 * 1024;

const BUSYBOX = /^BusyBox v(\d+\.\d+(?:\.\d+)?[\x21-\x27\x2a-\x7e]*) \(/;
const NODE = /^\/node-v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)-headers\.tar\.gz/;
/** The interpreter or its shared library, the X.Y of its name: the only files searched for PY_VERSION. */
const PYTHON_FILE =
  /(?:^|\/)(?:bin\/python(\d+\.\d+)|lib(?:64)?\/libpython(\d+\.\d+)[a-z]*\.so(?:\.[0-9.]+)?)$/;

/**
 * CPython's `PY_VERSION` as the compiler stored it: `X.Y.Z` (with `a1`, `b2`, `rc1` or `+`) ending in
 * a NUL. It may stand alone or be the tail of a longer string the linker merged it into
 * (`.../Python-3.11.7`), which is why only the bytes from the marker `X.Y.` on are judged.
 */
function pythonSearch(xy: string): MarkerSearch {
  const version = new RegExp(`^(${xy.replace('.', '\\.')}\\.\\d{1,3}(?:(?:a|b|rc)\\d{1,2})?\\+?)\\x00`);
  return new MarkerSearch(Buffer.from(`${xy}.`), 16, (t) => version.exec(t)?.[1]);
}

class BinaryIdentityRun implements ProbeRun<BinaryIdentity> {
  private offset = 0;
  private head: Buffer[] = [];
  private headSize = 0;
  private mode: 'head' | 'body' | 'skip' = 'head';
  private notes: NoteCollector | undefined;
  private readonly busybox = new MarkerSearch(Buffer.from('BusyBox v'), 96, (t) => BUSYBOX.exec(t)?.[1]);
  private readonly node = new MarkerSearch(Buffer.from('/node-v'), 96, (t) => NODE.exec(t)?.[1]);
  private readonly cargo = new CargoAuditSearch();
  private readonly python: MarkerSearch | undefined;

  constructor(path: string) {
    const m = PYTHON_FILE.exec(path);
    const xy = m?.[1] ?? m?.[2];
    if (xy !== undefined) this.python = pythonSearch(xy);
  }

  write(chunk: Buffer): void {
    if (this.mode === 'skip' || chunk.length === 0) return;
    if (this.mode === 'head') {
      this.head.push(Buffer.from(chunk));
      this.headSize += chunk.length;
      const head = Buffer.concat(this.head);
      if (head.length >= ELF.length && !head.subarray(0, ELF.length).equals(ELF)) return this.skip();
      const layout = parseElfHead(head);
      if (layout === 'more' && this.headSize < HEAD_BYTES) return;
      this.mode = 'body';
      this.head = [];
      if (layout !== 'more' && layout !== undefined && layout.notes.length > 0)
        this.notes = new NoteCollector(layout);
      return this.scan(head);
    }
    this.scan(chunk);
  }

  private skip(): void {
    this.mode = 'skip';
    this.head = [];
  }

  private scan(chunk: Buffer): void {
    this.notes?.write(chunk, this.offset);
    this.offset += chunk.length;
    this.busybox.write(chunk);
    this.node.write(chunk);
    this.python?.write(chunk);
    this.cargo.write(chunk);
  }

  end(): BinaryIdentity | undefined {
    if (this.mode === 'head' && this.headSize >= ELF.length) {
      const head = Buffer.concat(this.head);
      this.head = [];
      if (head.subarray(0, ELF.length).equals(ELF)) {
        this.mode = 'body';
        this.scan(head);
      }
    }
    if (this.mode !== 'body') return undefined;
    this.busybox.end();
    this.node.end();
    this.python?.end();
    this.cargo.end();
    const out: BinaryIdentity = {};
    const problems: string[] = [];
    if (this.busybox.result !== undefined) out.busybox = this.busybox.result;
    if (this.node.result !== undefined) out.node = this.node.result;
    if (this.python?.result !== undefined) out.python = this.python.result;
    const notes = this.notes?.notes(problems) ?? [];
    if (notes.length > 0) out.packageNotes = notes;
    const cargo = this.cargo.result;
    if (typeof cargo === 'string') problems.push(`cargo auditable: ${cargo}`);
    else if (cargo && cargo.crates.length > 0) out.cargo = cargo.crates;
    if (problems.length > 0) out.problems = problems;
    return Object.keys(out).length > 0 ? out : undefined;
  }
}

export const binaryIdentityProbe: ContentProbe<BinaryIdentity> = {
  id: BINARY_IDENTITY_PROBE_ID,
  version: 2,
  // Executables, and shared libraries (which carry package notes and are often not executable).
  matches: (path, size, mode) =>
    size >= MIN_SIZE && size <= MAX_SIZE && ((mode & 0o111) !== 0 || /\.so(\.[0-9.]+)?$/.test(path)),
  start: (path) => new BinaryIdentityRun(path),
};
