import type { ChangelogEntry } from '../types.js';
import { MAX_CHANGELOG_CHARS, MAX_ENTRIES, boundEntryText } from './bounds.js';

/**
 * The CHANGELOG / HISTORY / NEWS file a language package ships, read as a list of sections, one per
 * version heading, in file order. No format is standard, so a heading is recognised in the common
 * styles only, and a line is a heading only when the version is the point of it:
 *
 *   ## 1.2.3                      # v1.2.3 (2020-01-01)           ## [1.2.3] - 2020-01-01
 *   # [1.6.0](https://…) (2023-10-26)   ### Version 1.2.3          ## axios 1.2.3 / @scope/pkg@1.2.3
 *   4.19.2 / 2024-03-25           1.2.3 (2020-01-01)              v1.2.3      === 13.0.6 (RDoc)
 *   ===================           ------------------              (a plain line of only the version)
 *
 * "## Upgrading to 2.0.0" or "2.0.0 brings a new API" are not headings: before the version at most
 * one word (a package name, `v`, `Version`, `Release`), after it only a date or a short note in
 * brackets or after a dash. Text before the first heading ("# Changelog", "## Unreleased") is left out.
 *
 * Entries keep the section's text with the markdown made plain (links to their label, HTML tags and
 * emphasis markers dropped, `### Bug Fixes` as `Bug Fixes:`): the renderers escape it anyway, and the
 * CVE ids in link labels and targets stay in the text. Work is linear in the text: every line is
 * looked at once, headings only when short, and the output is bounded like every changelog.
 */
export interface ParsedTextChangelog {
  entries: ChangelogEntry[];
  /** Sections were left out: bounds reached, or the text given is only the head of the file. */
  truncated: boolean;
}

/** Longest line considered as a heading (a heading with a compare link is ~100 characters). */
const MAX_HEADING_CHARS = 200;
/** Lines kept per section before the rest is dropped (the entry's text is bounded again after). */
const MAX_SECTION_LINES = 400;

/** A version: at least two dot-separated numbers, then an optional pre-release/build/post suffix. */
const VERSION = String.raw`(\d{1,9}(?:\.\d{1,9}){1,3}(?:(?:[-+_]|\.(?=[A-Za-z]))?[0-9A-Za-z]{1,20}(?:[.-][0-9A-Za-z]{1,20}){0,4})?)`;
/** The one word allowed before the version: a package name (`axios `, `@scope/pkg@`), `v`, `Version`, `Release`. */
const PREFIX = String.raw`(?:(?:version|release|rel\.?|v)\s*|[@\w][\w.@/-]{0,80}(?:\s+v?|@v?)(?:version\s+)?)?v?`;
const TITLE = new RegExp(`^${PREFIX}${VERSION}(.*)$`, 'i');
/** What may follow the version in a heading: nothing, or a date / note after a separator or in brackets. */
const HEADING_REST = /^(?:\s*[-–—/:,|(]|\s+\(|\s+\[|\s+\d{4}-\d\d-\d\d|\s*$)/;
/** A date (or `unreleased`, `yanked`) as it follows the version on a plain line, trimmed. */
const PLAIN_DATE =
  /^(?:\d{4}-\d\d?-\d\d?|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|unreleased|yanked)$/i;

/**
 * What may follow the version on a plain line: only a date, in brackets or after a separator.
 * Taken apart by trimming, not by one pattern: the pattern's five `\s*` in a row, over a run of
 * spaces that ends in something else, tried every split of the run (160 ms for one 200-character
 * line, 26 s for a 32 KiB head of such lines).
 */
function isPlainRest(rest: string): boolean {
  let s = rest.trim();
  if (/^[-–—/:,]/.test(s)) s = s.slice(1).trimStart();
  if (s.startsWith('(') || s.startsWith('[')) s = s.slice(1).trimStart();
  if (s.endsWith(')') || s.endsWith(']')) s = s.slice(0, -1).trimEnd();
  return s === '' || PLAIN_DATE.test(s);
}
/** A code fence, also one opened in a list item (`- ```). */
const FENCE = /^\s{0,12}(?:[-*+]\s{1,4})?(?:```|~~~)/;
/** A markdown ATX heading (`## x`), or an RDoc one (`=== x`, History.rdoc). */
const ATX = /^ {0,3}(?:#{1,6}|={1,6})[ \t]+(.*?)[ \t#=]*$/;
/** A setext (markdown) or reStructuredText underline: one repeated punctuation character. */
const UNDERLINE = /^ {0,3}([=\-~^*#+`'"])\1{2,}\s*$/;

/** The version a heading title names, or undefined when the title is not a version heading. */
export function versionOfTitle(title: string, strict = false): string | undefined {
  if (title.length > MAX_HEADING_CHARS) return undefined;
  const plain = plainTitle(title);
  const m = TITLE.exec(plain);
  if (!m) return undefined;
  const rest = m[2] ?? '';
  if (!(strict ? isPlainRest(rest) : HEADING_REST.test(rest))) return undefined;
  if (!strict && rest.length > 120) return undefined;
  return m[1]!;
}

/** `[1.6.0](https://…) (2023-10-26)` → `1.6.0 (2023-10-26)`; anchors, emphasis and code marks dropped. */
function plainTitle(title: string): string {
  return title
    .replace(/<a\b[^<>]{0,200}>\s*<\/a>/gi, '')
    .replace(/<[^<>]{0,200}>/g, '')
    .replace(/\[([^\]]{0,120})\]\([^()\s]{0,300}\)/g, '$1')
    .replace(/\[([^\]]{0,120})\](?:\[[^\]]{0,60}\])?/g, '$1')
    .replace(/[*_`]+/g, '')
    .trim();
}

/** The heading at line `i`, when it is one: its version and how many lines it takes (2 when underlined). */
function headingAt(lines: readonly string[], i: number): { version: string; lines: number } | undefined {
  const line = lines[i]!;
  if (line.length > MAX_HEADING_CHARS || line.trim() === '') return undefined;
  const atx = ATX.exec(line);
  if (atx) {
    const version = versionOfTitle(atx[1]!);
    return version === undefined ? undefined : { version, lines: 1 };
  }
  if (UNDERLINE.test(line)) return undefined;
  const next = lines[i + 1];
  if (next !== undefined && UNDERLINE.test(next) && !/^\s*[-*+]\s/.test(line)) {
    const version = versionOfTitle(line.trim());
    if (version !== undefined) return { version, lines: 2 };
  }
  // A plain line: at the margin, nothing but the version (and a date).
  if (/^\s/.test(line)) return undefined;
  const version = versionOfTitle(line, true);
  return version === undefined ? undefined : { version, lines: 1 };
}

export function parseTextChangelog(text: string, options: { complete?: boolean } = {}): ParsedTextChangelog {
  const lines = text.split(/\r?\n/, 200_000);
  const entries: ChangelogEntry[] = [];
  let truncated = options.complete === false || lines.length === 200_000;
  let chars = 0;
  let current: { version: string; lines: string[] } | undefined;
  let fence = false;
  const close = () => {
    if (current === undefined) return;
    const body = boundEntryText(plainText(trimBlankLines(current.lines)).join('\n'));
    chars += body.length;
    entries.push({ version: current.version, text: body });
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // Inside a fenced code block nothing is a heading.
    if (FENCE.test(line)) fence = !fence;
    const heading = fence ? undefined : headingAt(lines, i);
    if (heading) {
      close();
      if (entries.length >= MAX_ENTRIES || chars >= MAX_CHANGELOG_CHARS) {
        truncated = true;
        break;
      }
      current = { version: heading.version, lines: [] };
      i += heading.lines - 1;
      continue;
    }
    if (current !== undefined && current.lines.length < MAX_SECTION_LINES) current.lines.push(line);
  }
  // The last section of a cut text may miss its end: left out rather than shown short.
  if (current !== undefined && options.complete === false) current = undefined;
  close();
  return { entries, truncated };
}

/** Markdown made plain text, line by line (bounded patterns: no backtracking across lines). */
function plainText(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of lines) {
    if (FENCE.test(raw) || UNDERLINE.test(raw)) continue;
    let line = raw
      .replace(/<[^<>\n]{0,1000}>/g, '')
      .replace(/!\[([^\]\n]{0,300})\]\([^()\s]{0,2000}\)/g, '$1')
      .replace(/\[([^\]\n]{0,300})\]\([^()\s]{0,2000}(?:\s+"[^"\n]{0,300}")?\)/g, '$1')
      .replace(/\*\*|__/g, '');
    const heading = ATX.exec(line);
    if (heading) line = heading[1] === '' ? '' : `${heading[1]!}:`;
    out.push(line);
  }
  return trimBlankLines(out);
}

function trimBlankLines(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start++;
  while (end > start && lines[end - 1]!.trim() === '') end--;
  return lines.slice(start, end);
}
