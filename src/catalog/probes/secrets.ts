import type { ContentProbe, ProbeRun } from '../../layers/types.js';
import { SECRETS_PROBE_ID } from './secret-kinds.js';
import { SECRET_PATTERN_WINDOW, SecretScanner } from './secret-patterns.js';

/** What the probe keeps for a file: the kinds of secret seen, never the secret itself. */
export interface SecretsFound {
  kinds: string[];
}

export interface SecretsProbeOptions {
  /** Largest file scanned, in bytes (default 1 MiB): keys and tokens live in small files. */
  maxFileBytes?: number;
}

export const DEFAULT_SECRETS_MAX_FILE_BYTES = 1024 * 1024;

/**
 * A content probe that scans regular files up to a size cap for private keys, cloud credentials and
 * tokens while the layer streams. Chunks are scanned with an overlap window so a secret split across
 * two chunks is still found.
 */
export function createSecretsProbe(options: SecretsProbeOptions = {}): ContentProbe<SecretsFound> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_SECRETS_MAX_FILE_BYTES;
  return {
    id: SECRETS_PROBE_ID,
    // 2: binary content (a NUL in the first 8,000 bytes) is no longer scanned.
    version: 2,
    options: `maxFileBytes=${maxFileBytes}`,
    matches: (_path, size) => size > 0 && size <= maxFileBytes,
    start: (path, size) => new SecretsRun(path, size, maxFileBytes),
  };
}

/**
 * Magic numbers of compressed and image formats: their bytes cannot hold a readable key or token, and
 * a Debian image has thousands of them (gzipped changelogs, icons), so they are not scanned.
 */
export const OPAQUE_MAGICS: readonly Buffer[] = [
  Buffer.from([0x1f, 0x8b]), // gzip
  Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), // xz
  Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), // zstd
  Buffer.from('BZh'), // bzip2
  Buffer.from([0x89, 0x50, 0x4e, 0x47]), // PNG
  Buffer.from([0xff, 0xd8, 0xff]), // JPEG
  Buffer.from('GIF8'),
  Buffer.from('wOF2'), // WOFF2
];

/** The magics by their first byte: a file is compared with at most one, byte by byte, no views. */
const MAGICS_BY_FIRST_BYTE: readonly (readonly Buffer[] | undefined)[] = (() => {
  const table: Buffer[][] = [];
  for (const m of OPAQUE_MAGICS) (table[m[0]!] ??= []).push(m);
  return table;
})();

export function isOpaqueContent(head: Buffer): boolean {
  if (head.length === 0) return false;
  const candidates = MAGICS_BY_FIRST_BYTE[head[0]!];
  if (candidates === undefined) return false;
  for (const m of candidates) if (startsWith(head, m)) return true;
  return false;
}

function startsWith(bytes: Buffer, magic: Buffer): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 1; i < magic.length; i++) if (bytes[i] !== magic[i]) return false;
  return true;
}

/**
 * Bytes looked at to tell binary from text: a NUL among the first 8,000 bytes means binary, as git,
 * gitleaks and Trivy decide. Binaries (ELF objects, compiled Python, gettext catalogues) are most of a
 * Debian image's small-file bytes and hold no key or credential *file*; a token compiled into a binary
 * is left to binary-aware scanners.
 */
export const BINARY_SNIFF_BYTES = 8000;

export function isBinaryContent(head: Buffer): boolean {
  return (head.length > BINARY_SNIFF_BYTES ? head.subarray(0, BINARY_SNIFF_BYTES) : head).includes(0);
}

class SecretsRun implements ProbeRun<SecretsFound> {
  /** Made on the first text scanned (most files are binary, compressed or too short to matter). */
  private scanner: SecretScanner | null = null;
  /** The text scanned last, whose end overlaps the next chunk. */
  private scanned = '';
  private seen = 0;
  /** The first bytes (a copy), held until there are enough to decide text or not. */
  private head: Buffer | null = null;
  private headLength = 0;
  private decided = false;
  private skip = false;

  /** Bytes needed to decide: the sniff window, or the whole file when it is shorter. */
  private readonly sniff: number;

  constructor(
    private readonly path: string,
    size: number,
    private readonly maxBytes: number,
  ) {
    this.sniff = Math.min(size, BINARY_SNIFF_BYTES);
  }

  write(chunk: Buffer): void {
    if (this.skip) return;
    if (this.decided) return this.scan(chunk);
    if (this.headLength === 0 && chunk.length >= this.sniff) {
      // The usual case: the first chunk holds the whole window, decide on it without a copy.
      this.decideOn(chunk);
      return;
    }
    // A window split over chunks: copied, since a kept chunk would pin the reader's buffer (ProbeRun.write).
    this.head ??= Buffer.allocUnsafe(Math.max(this.sniff, 1));
    const n = chunk.copy(this.head, this.headLength);
    this.headLength += n;
    if (this.headLength < this.sniff) return;
    this.decide();
    if (n < chunk.length && !this.skip) this.scan(chunk.subarray(n));
  }

  end(): SecretsFound | undefined {
    if (!this.decided) this.decide();
    const kinds = this.scanner?.kinds() ?? [];
    return kinds.length > 0 ? { kinds } : undefined;
  }

  /** Text gets scanned from its first byte; compressed, image and binary content not at all. */
  private decide(): void {
    const head = (this.head ?? Buffer.alloc(0)).subarray(0, this.headLength);
    this.head = null;
    this.decideOn(head);
  }

  /** `bytes` starts at the file's first byte and holds at least the window (or the whole file). */
  private decideOn(bytes: Buffer): void {
    this.decided = true;
    if (isOpaqueContent(bytes) || isBinaryContent(bytes)) this.skip = true;
    else this.scan(bytes);
  }

  private scan(chunk: Buffer): void {
    // The header's size decided `matches`; never scan past the cap whatever the stream delivers.
    if (this.seen >= this.maxBytes) return;
    const length = Math.min(chunk.length, this.maxBytes - this.seen);
    this.seen += length;
    const tail = this.scanned === '' ? '' : this.scanned.slice(-SECRET_PATTERN_WINDOW);
    const text = tail + chunk.toString('latin1', 0, length);
    (this.scanner ??= new SecretScanner(this.path)).scan(text);
    // The overlap with a next chunk is cut from it only if one comes (most files are one chunk).
    this.scanned = text;
  }
}
