import type { ChangelogEntry } from '../types.js';
import { MAX_CHANGELOG_CHARS, MAX_ENTRIES, boundEntryText } from './bounds.js';

/**
 * Debian's changelog format (deb-changelog(5)), as dpkg-parsechangelog reads it:
 *
 *   package (version) distribution(s); urgency=urgency[, key=value]
 *
 *     * change details
 *
 *    -- maintainer name <email address>  date
 *
 * Only whole entries are returned: an entry without its trailer (the text was cut, or the file ends
 * early) ends the list and marks it truncated. Parsing stops at the historic "Local variables:" or
 * "Old Changelog:" sections, like dpkg. Work is linear in the text, and bounded by MAX_ENTRIES and
 * MAX_CHANGELOG_CHARS.
 */
export interface ParsedDebianChangelog {
  entries: ChangelogEntry[];
  /** Entries were left out: bounds reached, or the text ended inside an entry. */
  truncated: boolean;
  /** Source package name of the first entry. */
  source?: string;
}

const HEADER = /^(\w[-+0-9a-z.]*) \(([^() \t]+)\)((?:[ \t]+[-+0-9A-Za-z./]+)+)[ \t]*;(.*)$/i;
const TRAILER = /^ -- (.*?) ?<([^>]*)>( ?)( ?)(.*)$/;
const END_OF_ENTRIES = /^(?:Local variables:|Old Changelog:)/i;

export function parseDebianChangelog(
  text: string,
  options: { complete?: boolean } = {},
): ParsedDebianChangelog {
  const entries: ChangelogEntry[] = [];
  let truncated = options.complete === false;
  let source: string | undefined;
  let current: { entry: ChangelogEntry; lines: string[] } | undefined;
  let chars = 0;
  let at = 0;
  while (at < text.length) {
    const lineStart = at;
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const line = text.slice(at, nl).replace(/\r$/, '');
    at = nl + 1;
    if (current === undefined) {
      if (END_OF_ENTRIES.test(line)) break;
      const head = HEADER.exec(line);
      if (!head) continue; // blank lines and stray text between entries, as dpkg warns and skips
      if (entries.length >= MAX_ENTRIES || chars >= MAX_CHANGELOG_CHARS) {
        truncated = true;
        break;
      }
      source ??= head[1];
      const entry: ChangelogEntry = {
        version: head[2]!,
        distribution: head[3]!.trim().replace(/\s+/g, ' '),
        text: '',
      };
      const urgency = /(?:^|,)\s*urgency=([^\s,]+)/i.exec(head[4] ?? '')?.[1];
      if (urgency) entry.urgency = urgency.toLowerCase();
      current = { entry, lines: [] };
      continue;
    }
    const trailer = TRAILER.exec(line);
    if (trailer) {
      const { entry, lines } = current;
      entry.author = `${trailer[1]!.trim()} <${trailer[2]!}>`;
      const time = Date.parse(trailer[5]!.trim());
      if (Number.isFinite(time)) entry.time = Math.floor(time / 1000);
      entry.text = boundEntryText(trimBlankLines(lines).join('\n'));
      chars += entry.text.length;
      entries.push(entry);
      current = undefined;
      continue;
    }
    if (HEADER.test(line)) {
      // A new header before the trailer: the previous entry is malformed; dpkg keeps going, so do we.
      current = undefined;
      at = lineStart;
      continue;
    }
    if (current.lines.length < 2000) current.lines.push(line);
  }
  if (current !== undefined) truncated = true;
  const result: ParsedDebianChangelog = { entries, truncated };
  if (source !== undefined) result.source = source;
  return result;
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start++;
  while (end > start && lines[end - 1]!.trim() === '') end--;
  return lines.slice(start, end);
}
