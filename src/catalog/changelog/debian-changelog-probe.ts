import { constants, gunzipSync } from 'node:zlib';
import { Gunzip } from 'fflate';
import type { ContentProbe, ProbeRun } from '../../layers/types.js';

/**
 * Keeps the head of every Debian changelog (`usr/share/doc/<pkg>/changelog.Debian.gz`, the binNMU
 * `changelog.Debian.<arch>.gz`, an uncompressed `changelog.Debian`, and `changelog.gz`, where a
 * Debian-native package such as apt or dpkg keeps its Debian changelog) while the layer streams, so
 * the dpkg cataloger can tell why a package changed without a second read of the layer. A
 * non-native package's `changelog.gz` is its upstream changelog: the cataloger reads it only when it
 * parses as a Debian changelog and the package has no `changelog.Debian.gz`.
 *
 * Changelogs are newest first and a change only needs the entries newer than the other image's
 * version, so the probe inflates only until it holds HEAD_BYTES of text and ignores the rest of the
 * file (a big changelog.Debian.gz is hundreds of KB; a gzip bomb costs no more than a small file).
 * fflate's streaming inflater is synchronous, as a probe's `write` must be. A gzip stream that ends
 * early or is damaged keeps the text inflated so far, marked incomplete with the reason.
 *
 * A gzip changelog's head is kept as the compressed bytes that hold it (base64 in the result, so the
 * layer-index cache stays JSON), about a third of the text: a diff reads the changelogs of its changed
 * packages only, and `debianChangelogText` inflates a head when it is read. The bytes are fed to the
 * inflater in PUSH_BYTES pieces counted from the start of the file, so which bytes are kept does not
 * depend on how the layer reader cut the stream.
 */
export const DEBIAN_CHANGELOG_PROBE_ID = 'debian-changelog';
export const HEAD_BYTES = 64 * 1024;

export interface DebianChangelogHead {
  /** The first HEAD_BYTES (or fewer) of the changelog's text, decoded as UTF-8 (a plain or damaged file). */
  text?: string;
  /** Base64 of the start of a gzip changelog that inflates to its head (see debianChangelogText). */
  gzip?: string;
  /** The whole file was read and inflated without error. */
  complete: boolean;
  /** Why the text ends early when it is not for size: a damaged or truncated gzip stream. */
  error?: string;
}

const PATH = /^usr\/share\/doc\/[^/]+\/(?:changelog\.Debian(?:\.[^/]+)?(?:\.gz)?|changelog\.gz)$/;

export function isDebianChangelogPath(path: string): boolean {
  return PATH.test(path);
}

class HeadCollector {
  private readonly parts: Uint8Array[] = [];
  size = 0;
  add(data: Uint8Array): void {
    const room = HEAD_BYTES - this.size;
    if (room <= 0) return;
    const piece = data.byteLength > room ? data.subarray(0, room) : data;
    // A copy: the piece may be a view into the inflater's (or the layer reader's) larger buffer.
    this.parts.push(piece.slice());
    this.size += piece.byteLength;
  }
  get full(): boolean {
    return this.size >= HEAD_BYTES;
  }
  text(): string {
    return Buffer.concat(this.parts).toString('utf8');
  }
}

/** Compressed bytes handed to the inflater at a time (text inflates to a few times this). */
const PUSH_BYTES = 8 * 1024;

/**
 * Inflates a gzip changelog PUSH_BYTES at a time, counted from the start of the file, into a head of at
 * most HEAD_BYTES; stops at the first piece that fills the head or fails.
 */
class HeadInflater {
  readonly head = new HeadCollector();
  private readonly gunzip = new Gunzip((data) => this.head.add(data));
  /** The pieces pushed so far (each its own copy: fflate may keep a reference between pushes). */
  readonly pushed: Uint8Array[] = [];
  error: string | undefined;

  get done(): boolean {
    return this.head.full || this.error !== undefined;
  }

  push(piece: Uint8Array, final: boolean): void {
    if (piece.byteLength > 0) this.pushed.push(piece);
    try {
      this.gunzip.push(piece, final);
    } catch (err) {
      const what = final ? 'truncated or damaged gzip stream' : 'damaged gzip stream';
      this.error = `${what}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
}

class GzipHeadRun implements ProbeRun<DebianChangelogHead> {
  private readonly inflater = new HeadInflater();
  /** The piece being filled (the next PUSH_BYTES of the file) and how much of it is filled. */
  private piece = new Uint8Array(PUSH_BYTES);
  private filled = 0;

  write(chunk: Buffer): void {
    // A reader's chunk can hold a whole big changelog: inflating stops once the head is full instead
    // of inflating the rest of the chunk only to drop it.
    for (let at = 0; at < chunk.byteLength && !this.inflater.done;) {
      const take = Math.min(PUSH_BYTES - this.filled, chunk.byteLength - at);
      this.piece.set(chunk.subarray(at, at + take), this.filled);
      this.filled += take;
      at += take;
      if (this.filled === PUSH_BYTES) {
        this.inflater.push(this.piece, false);
        this.piece = new Uint8Array(PUSH_BYTES);
        this.filled = 0;
      }
    }
  }

  end(): DebianChangelogHead {
    const inflater = this.inflater;
    if (!inflater.done && this.filled > 0) inflater.push(this.piece.subarray(0, this.filled), false);
    if (!inflater.done) inflater.push(new Uint8Array(0), true);
    const complete = !inflater.head.full && inflater.error === undefined;
    // A damaged stream keeps its text: where inflating fails can depend on how the bytes were pushed.
    if (inflater.error !== undefined) return { text: inflater.head.text(), complete, error: inflater.error };
    return { gzip: Buffer.concat(inflater.pushed).toString('base64'), complete };
  }
}

/**
 * The text of a head the probe kept: as it is, or inflated from its gzip bytes. Node's zlib does it
 * (fast, where fflate's inflater would be cold: a diff reads a few heads); a head cut at HEAD_BYTES ends
 * mid-stream, and the sync flush returns what its bytes hold. zlib also checks the gzip trailer, which
 * fflate (and so the probe) does not: a stream it refuses is inflated again as the probe did, so the
 * text is always the probe's.
 */
export function debianChangelogText(head: DebianChangelogHead): string {
  if (head.text !== undefined || head.gzip === undefined) return head.text ?? '';
  const bytes = Buffer.from(head.gzip, 'base64');
  try {
    return gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH })
      .subarray(0, HEAD_BYTES)
      .toString('utf8');
  } catch {
    const inflater = new HeadInflater();
    for (let at = 0; at < bytes.byteLength && !inflater.done; at += PUSH_BYTES)
      inflater.push(bytes.subarray(at, at + PUSH_BYTES), false);
    if (!inflater.done) inflater.push(new Uint8Array(0), true);
    return inflater.head.text();
  }
}

/** A probe result read back (from the layer walk or the cache) that has a Debian changelog head's shape. */
export function isDebianChangelogHead(value: unknown): value is DebianChangelogHead {
  if (typeof value !== 'object' || value === null) return false;
  const { text, gzip, complete } = value as DebianChangelogHead;
  return typeof complete === 'boolean' && (typeof text === 'string' || typeof gzip === 'string');
}

class PlainHeadRun implements ProbeRun<DebianChangelogHead> {
  private readonly head = new HeadCollector();
  private seen = 0;
  write(chunk: Buffer): void {
    this.seen += chunk.byteLength;
    this.head.add(chunk);
  }
  end(): DebianChangelogHead {
    return { text: this.head.text(), complete: this.seen <= HEAD_BYTES };
  }
}

export const debianChangelogProbe: ContentProbe<DebianChangelogHead> = {
  id: DEBIAN_CHANGELOG_PROBE_ID,
  version: 4,
  options: `head=${HEAD_BYTES}`,
  matches: (path, size) => size > 0 && PATH.test(path),
  start: (path) => (path.endsWith('.gz') ? new GzipHeadRun() : new PlainHeadRun()),
};
