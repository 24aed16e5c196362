import type { PackageChangelog } from '../../types.js';
import type { ChangelogEntry } from '../../types.js';
import { MAX_CHANGELOG_CHARS, MAX_ENTRIES, boundEntryText } from '../../changelog/bounds.js';
import { RpmHeader, RpmTag } from './header.js';

/**
 * A package's changelog from its header: CHANGELOGTIME (INT32), CHANGELOGNAME and CHANGELOGTEXT
 * (STRING_ARRAY), three parallel arrays, newest first, as `rpm -q --changelog` prints them. Only the
 * head is read (MAX_ENTRIES, MAX_CHANGELOG_CHARS), so a header with 100,000 entries costs no more than
 * one with 300. Arrays of different lengths are damage: the changelog is left out with a warning.
 */
export function readRpmChangelog(
  header: RpmHeader,
  path: string,
  warnings: string[],
): PackageChangelog | undefined {
  const total = header.count(RpmTag.CHANGELOGTIME);
  if (total === 0) return undefined;
  if (header.count(RpmTag.CHANGELOGNAME) !== total || header.count(RpmTag.CHANGELOGTEXT) !== total) {
    warnings.push(
      `CHANGELOGTIME, CHANGELOGNAME and CHANGELOGTEXT hold ${total}, ${header.count(RpmTag.CHANGELOGNAME)} and ${header.count(RpmTag.CHANGELOGTEXT)} values; changelog left out`,
    );
    return undefined;
  }
  const want = Math.min(total, MAX_ENTRIES);
  const times = header.uint32Array(RpmTag.CHANGELOGTIME, want) ?? [];
  const names = header.stringArray(RpmTag.CHANGELOGNAME, want) ?? [];
  const texts = header.stringArray(RpmTag.CHANGELOGTEXT, want) ?? [];
  const entries: ChangelogEntry[] = [];
  let chars = 0;
  for (let i = 0; i < want && chars < MAX_CHANGELOG_CHARS; i++) {
    const author = names[i] ?? '';
    const entry: ChangelogEntry = { author, time: times[i] ?? 0, text: boundEntryText(texts[i] ?? '') };
    const version = versionOfAuthorLine(author);
    if (version !== undefined) entry.version = version;
    chars += entry.text.length;
    entries.push(entry);
  }
  const changelog: PackageChangelog = { format: 'rpm', path, entries };
  if (entries.length < total) changelog.truncated = true;
  return changelog;
}

/**
 * The version packagers write at the end of the author line: `Name <mail> - 2.34-83.7`,
 * `Name <mail> 6.2-10.20210508`, `Name - 11.4.1-2.1.alma`. Undefined when the line has none.
 */
export function versionOfAuthorLine(author: string): string | undefined {
  // Both patterns end at the line's end, and are quadratic in a long last word (`>1>1>1...`: 20,000
  // characters took 8.7 s): they look at the last 256 characters only, after an `x` that keeps the cut
  // from reading as a leading `-`. No version is that long.
  const tail = author.length > MAX_AUTHOR_TAIL ? `x${author.slice(-MAX_AUTHOR_TAIL)}` : author;
  const m =
    /(?:>|\s-|^-)\s*\[?((?:\d+:)?\d[^\s\]]*)\]?\s*$/.exec(tail) ??
    /\s((?:\d+:)?\d[\w.+~^:-]*-[\w.+~^]+)\s*$/.exec(tail);
  return m?.[1];
}

const MAX_AUTHOR_TAIL = 256;
