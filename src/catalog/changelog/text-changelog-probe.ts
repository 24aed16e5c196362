import type { ContentProbe, ProbeRun } from '../../layers/types.js';

/**
 * Keeps the head of the CHANGELOG / HISTORY / NEWS file a language package ships in its own folder,
 * while the layer streams, so the npm, Python and RubyGems catalogers can tell why a package changed
 * without a second read of the layer, and a warm run finds the heads in the layer-index cache.
 *
 * Package folders only: `node_modules/<name>/` (and `@scope/<name>/`), a Python `.dist-info` or
 * `.egg-info` folder, a RubyGems `gems/<name>-<version>/` folder; the file directly inside it. Those
 * files put the newest version first, and a change only needs the sections newer than the other
 * image's version, so HEAD_BYTES of each is kept (a node_modules tree holds hundreds of them: the
 * head is smaller than a Debian changelog's). A file with a NUL byte in its head is not text and
 * keeps nothing.
 */
export const TEXT_CHANGELOG_PROBE_ID = 'text-changelog';
export const TEXT_HEAD_BYTES = 32 * 1024;

export interface TextChangelogHead {
  /** The first TEXT_HEAD_BYTES (or fewer) of the file, decoded as UTF-8. */
  text: string;
  /** The whole file is in `text`. */
  complete: boolean;
}

/** CHANGELOG, ChangeLog, CHANGES, HISTORY, History, NEWS, RELEASE_NOTES, with a text extension or none. */
const NAME =
  /^(?:change[-_]?log|changes|history|news|release[-_]?notes)(?:\.(?:md|markdown|mdown|rst|txt|adoc|rdoc|textile))?$/i;

/**
 * Whether the folder holding the file (the segments before its name) is a package's own folder.
 * Segment by segment, not one pattern over the path: `gems/[^/]+-\d[^/]*\/` backtracked over every
 * `-<digit>` of a long hostile folder name, quadratic in its length.
 */
function isPackageDir(segments: readonly string[]): boolean {
  const n = segments.length;
  const dir = segments[n - 2] ?? '';
  const parent = segments[n - 3];
  if (dir === '') return false;
  const name = (s: string) => s !== '' && s[0] !== '@' && s[0] !== '.';
  if (parent === 'node_modules') return name(dir);
  const scope = parent !== undefined && parent.length > 1 && parent[0] === '@';
  if (segments[n - 4] === 'node_modules' && scope) return name(dir);
  const suffix = ['.dist-info', '.egg-info'].find((x) => dir.endsWith(x));
  if (suffix !== undefined) return dir.length > suffix.length;
  return parent === 'gems' && /-\d/.test(dir.slice(1));
}

export function isTextChangelogPath(path: string): boolean {
  const slash = path.lastIndexOf('/');
  return slash > 0 && NAME.test(path.slice(slash + 1)) && isPackageDir(path.split('/'));
}

class TextHeadRun implements ProbeRun<TextChangelogHead> {
  private readonly parts: Buffer[] = [];
  private size = 0;
  private seen = 0;
  private binary = false;

  write(chunk: Buffer): void {
    this.seen += chunk.byteLength;
    const room = TEXT_HEAD_BYTES - this.size;
    if (room <= 0 || this.binary) return;
    const piece = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
    if (piece.includes(0)) {
      this.binary = true;
      return;
    }
    // A copy: the chunk is a view into the reader's buffer.
    this.parts.push(Buffer.from(piece));
    this.size += piece.byteLength;
  }

  end(): TextChangelogHead | undefined {
    if (this.binary || this.size === 0) return undefined;
    let head = Buffer.concat(this.parts);
    const complete = this.seen <= TEXT_HEAD_BYTES;
    // A cut head may end inside a UTF-8 sequence: drop the partial character rather than decode it as U+FFFD.
    if (!complete) head = head.subarray(0, utf8Boundary(head));
    return { text: head.toString('utf8'), complete };
  }
}

/** The length of `buf` without a trailing incomplete UTF-8 sequence. */
function utf8Boundary(buf: Buffer): number {
  let i = buf.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (buf[i]! & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return buf.length;
  const lead = buf[i]!;
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return need > continuation ? i : buf.length;
}

export const textChangelogProbe: ContentProbe<TextChangelogHead> = {
  id: TEXT_CHANGELOG_PROBE_ID,
  version: 1,
  options: `head=${TEXT_HEAD_BYTES}`,
  matches: (path, size) => size > 0 && isTextChangelogPath(path),
  start: () => new TextHeadRun(),
};
