import type { ContentProbe, ProbeRun } from '../layers/types.js';
import { SECRET_PATTERN_WINDOW, SecretScanner } from './secret-patterns.js';

/** What the probe keeps for a file: the kinds of secret seen, never the secret itself. */
export interface SecretsFound {
  kinds: string[];
}

export interface SecretsProbeOptions {
  /** Largest file scanned, in bytes (default 1 MiB): keys and tokens live in small files. */
  maxFileBytes?: number;
}

export const SECRETS_PROBE_ID = 'secrets';
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
    version: 1,
    options: `maxFileBytes=${maxFileBytes}`,
    matches: (_path, size) => size > 0 && size <= maxFileBytes,
    start: (path) => new SecretsRun(path, maxFileBytes),
  };
}

/**
 * Magic numbers of compressed and image formats: their bytes cannot hold a readable key or token, and
 * a Debian image has thousands of them (gzipped changelogs, icons), so they are not scanned.
 */
const OPAQUE_MAGICS: readonly Buffer[] = [
  Buffer.from([0x1f, 0x8b]), // gzip
  Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), // xz
  Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), // zstd
  Buffer.from('BZh'), // bzip2
  Buffer.from([0x89, 0x50, 0x4e, 0x47]), // PNG
  Buffer.from([0xff, 0xd8, 0xff]), // JPEG
  Buffer.from('GIF8'),
  Buffer.from('wOF2'), // WOFF2
];

export function isOpaqueContent(head: Buffer): boolean {
  return OPAQUE_MAGICS.some((m) => head.length >= m.length && head.subarray(0, m.length).equals(m));
}

class SecretsRun implements ProbeRun<SecretsFound> {
  private readonly scanner: SecretScanner;
  private tail = '';
  private seen = 0;
  private opaque = false;

  constructor(
    path: string,
    private readonly maxBytes: number,
  ) {
    this.scanner = new SecretScanner(path);
  }

  write(chunk: Buffer): void {
    // The header's size decided `matches`; never scan past the cap whatever the stream delivers.
    if (this.seen >= this.maxBytes || this.opaque) return;
    if (this.seen === 0 && isOpaqueContent(chunk)) {
      this.opaque = true;
      return;
    }
    const piece = chunk.subarray(0, this.maxBytes - this.seen);
    this.seen += piece.length;
    const text = this.tail + piece.toString('latin1');
    this.scanner.scan(text);
    this.tail = text.slice(-SECRET_PATTERN_WINDOW);
  }

  end(): SecretsFound | undefined {
    const kinds = this.scanner.kinds();
    return kinds.length > 0 ? { kinds } : undefined;
  }
}

/** Read a probe result back from an entry's `probes` (it may come from a cache: check its shape). */
export function secretKindsOf(probes: Record<string, unknown> | undefined): string[] {
  const found = probes?.[SECRETS_PROBE_ID];
  if (typeof found !== 'object' || found === null) return [];
  const kinds = (found as { kinds?: unknown }).kinds;
  return Array.isArray(kinds) ? kinds.filter((k): k is string => typeof k === 'string') : [];
}
