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
 */
export const DEBIAN_CHANGELOG_PROBE_ID = 'debian-changelog';
export const HEAD_BYTES = 64 * 1024;

export interface DebianChangelogHead {
  /** The first HEAD_BYTES (or fewer) of the changelog's text, decoded as UTF-8. */
  text: string;
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

class GzipHeadRun implements ProbeRun<DebianChangelogHead> {
  private readonly head = new HeadCollector();
  private readonly gunzip = new Gunzip((data) => this.head.add(data));
  private error: string | undefined;

  write(chunk: Buffer): void {
    // A reader's chunk can hold a whole big changelog: fed a slice at a time, inflating stops once the
    // head is full instead of inflating the rest of the chunk only to drop it.
    for (let at = 0; at < chunk.byteLength && !this.head.full && this.error === undefined; at += PUSH_BYTES) {
      try {
        // fflate may keep a reference to the input between pushes: give it its own copy.
        this.gunzip.push(Uint8Array.prototype.slice.call(chunk, at, at + PUSH_BYTES), false);
      } catch (err) {
        this.error = `damaged gzip stream: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
  }

  end(): DebianChangelogHead {
    if (!this.head.full && this.error === undefined) {
      try {
        this.gunzip.push(new Uint8Array(0), true);
      } catch (err) {
        this.error = `truncated or damaged gzip stream: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    const result: DebianChangelogHead = {
      text: this.head.text(),
      complete: !this.head.full && this.error === undefined,
    };
    if (this.error !== undefined) result.error = this.error;
    return result;
  }
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
  version: 3,
  options: `head=${HEAD_BYTES}`,
  matches: (path, size) => size > 0 && PATH.test(path),
  start: (path) => (path.endsWith('.gz') ? new GzipHeadRun() : new PlainHeadRun()),
};
