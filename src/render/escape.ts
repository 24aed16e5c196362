/**
 * The one place where strings from images (package names, versions, paths, labels, env, history,
 * policy messages quoting them) become inert before they reach GitHub markdown or a terminal.
 *
 * GitHub renders markdown, then runs filters over the text nodes: @mentions, #123 / GH-123 issue
 * links, bare URL and e-mail autolinks. Backslash escapes stop the markdown parser, not those filters,
 * so mentions, references and autolinks are broken with a zero-width space (U+200B) instead: the text
 * reads the same and links nowhere. Control, bidi and invisible characters (Trojan Source, ANSI
 * escapes, tag characters) are shown as visible escapes such as `\n`, `\x1B` or `\u202E`, so nothing
 * hides and no table row breaks. Everything is truncated (`…`) so one 10,000-character name cannot eat
 * a comment's budget.
 */

/** Longest piece of an untrusted string shown, in code points (before escaping). */
export const DEFAULT_MAX_CHARS = 200;

const ZWSP = '\u200B';
const ELLIPSIS = '…';

/** Control, bidi, zero-width, line-separator, tag and lone-surrogate code points: shown, never passed through. */
function isHidden(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0xad ||
    cp === 0x061c ||
    cp === 0x180e ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x2028 && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x2069) ||
    cp === 0xfeff ||
    (cp >= 0xd800 && cp <= 0xdfff) ||
    (cp >= 0xfff9 && cp <= 0xfffb) ||
    (cp >= 0xe0000 && cp <= 0xe007f)
  );
}

const NAMED: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' };

/** `\n`, `\x1B`, `\u202E`, `\u{E0041}`: a visible stand-in for a hidden code point. */
function visible(cp: number): string {
  const named = NAMED[cp];
  if (named) return named;
  const hex = cp.toString(16).toUpperCase();
  if (cp < 0x100) return `\\x${hex.padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${hex.padStart(4, '0')}`;
  return `\\u{${hex}}`;
}

/**
 * Code points of `s` with hidden ones replaced by visible escapes, at most `max` source code points
 * (then `truncated` is true). Iterates by code point, so surrogate pairs are never split.
 */
function* codePoints(s: string, max: number): Generator<{ ch: string; hidden: boolean }, boolean> {
  let n = 0;
  for (const ch of s) {
    if (n++ >= max) return true;
    const cp = ch.codePointAt(0)!;
    if (isHidden(cp)) yield { ch: visible(cp), hidden: true };
    else yield { ch, hidden: false };
  }
  return false;
}

function collect(s: string, max: number, each: (ch: string, hidden: boolean, next: string) => string): string {
  const parts: Array<{ ch: string; hidden: boolean }> = [];
  const it = codePoints(s, max);
  let r = it.next();
  while (!r.done) {
    parts.push(r.value);
    r = it.next();
  }
  let out = '';
  for (let i = 0; i < parts.length; i++) out += each(parts[i]!.ch, parts[i]!.hidden, parts[i + 1]?.ch ?? '');
  return r.value ? out + ELLIPSIS : out;
}

/** For terminals and logs: hidden characters shown as escapes, truncated; no other change. */
export function terminalSafe(s: string, max = DEFAULT_MAX_CHARS): string {
  return collect(s, max, (ch) => ch);
}

/**
 * Markdown punctuation that could start emphasis, code, links, images, tables, math or headings. `(`,
 * `)` and `!` need no escape: with `[` and `]` escaped no link or image can form around them.
 */
const BACKSLASHED = new Set(['\\', '`', '*', '_', '~', '[', ']', '#', '|', '$']);
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export interface EscapeOptions {
  /** Longest shown, in code points of the source (default 200). */
  max?: number;
}

/**
 * Inert GitHub markdown text for a table cell or running text: no HTML, no emphasis, no links or
 * images, no broken table row, no mention, issue reference or autolink. Never starts a block
 * (list, heading, quote, setext line).
 */
export function escapeText(s: string, options: EscapeOptions = {}): string {
  let out = collect(s, options.max ?? DEFAULT_MAX_CHARS, (ch, hidden, next) => {
    if (hidden) return ch.replace(/\\/g, '\\\\');
    const entity = ENTITIES[ch];
    if (entity) return entity;
    if (BACKSLASHED.has(ch)) return ch === '#' && /[0-9]/.test(next) ? `\\#${ZWSP}` : `\\${ch}`;
    // @user, @org/team, user@example.com: the mention and e-mail filters need a word character after `@`.
    if (ch === '@' && /[A-Za-z0-9_]/.test(next)) return `@${ZWSP}`;
    return ch;
  });
  out = out
    // GH-123 issue references (the filter is case-insensitive on GitHub Enterprise too).
    .replace(/(GH)(-\d)/gi, `$1${ZWSP}$2`)
    // http://, https://, ftp:// and www. autolinks.
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/\b(www)\./gi, `$1${ZWSP}.`);
  // Block starts: `- x`, `+ x`, `= x`, `1. x`, `1) x` at the beginning of a line.
  if (/^[-+=]/.test(out)) out = `\\${out}`;
  else out = out.replace(/^(\d+)([.)])/, '$1\\$2');
  return out;
}

export interface CodeOptions extends EscapeOptions {
  /** Inside a GFM table cell a `|` must be written `\|` even in a code span (default true). */
  table?: boolean;
}

/**
 * An inline code span showing `s` literally: the fence is longer than any backtick run inside, padded
 * when the content starts or ends with a backtick or space. Code spans are never autolinked,
 * mentioned or parsed as HTML, which makes them the safest place for names, versions and paths.
 */
export function escapeCode(s: string, options: CodeOptions = {}): string {
  const table = options.table ?? true;
  const content = collect(s, options.max ?? DEFAULT_MAX_CHARS, (ch) => (table && ch === '|' ? '\\|' : ch));
  if (content === '') return '*(empty)*';
  if (/^ +$/.test(content)) return `\`${content.replace(/ /g, '\\x20')}\``;
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A key safe inside an HTML comment marker (`<!-- image-changelog:KEY -->`): no `--`, no `>`. */
export function markerKey(key: string): string {
  return key
    .replace(/[^A-Za-z0-9._:/@+=-]/g, '_')
    .replace(/-{2,}/g, '-')
    .slice(0, 200);
}
