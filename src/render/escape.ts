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

/** Any code point `isHidden` flags (surrogates included, so astral text takes the careful path). */
const MAYBE_HIDDEN =
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ud800-\udfff\ufeff\ufff9-\ufffb]/;

/**
 * `s` with hidden code points replaced by visible escapes and cut after `max` code points (with `…`).
 * Iterates by code point, so a surrogate pair is never split.
 */
function visibleText(s: string, max: number): string {
  if (s.length <= max && !MAYBE_HIDDEN.test(s)) return s;
  let out = '';
  let n = 0;
  for (const ch of s) {
    if (n++ >= max) return out + ELLIPSIS;
    const cp = ch.codePointAt(0)!;
    out += isHidden(cp) ? visible(cp) : ch;
  }
  return out;
}

/** For terminals and logs: hidden characters shown as escapes, truncated; no other change. */
export function terminalSafe(s: string, max = DEFAULT_MAX_CHARS): string {
  return visibleText(s, max);
}

/**
 * Markdown punctuation that could start emphasis, code, links, images, tables, math or headings. `(`,
 * `)` and `!` need no escape: with `[` and `]` escaped no link or image can form around them.
 */
const SPECIAL = /[&<>"\\`*_~[\]|$#@]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeSpecial(m: string, offset: number, all: string): string {
  const entity = ENTITIES[m];
  if (entity !== undefined) return entity;
  const next = all[offset + 1] ?? '';
  // @user, @org/team, user@example.com: the mention and e-mail filters need a word character after `@`.
  if (m === '@') return /[A-Za-z0-9_]/.test(next) ? `@${ZWSP}` : '@';
  if (m === '#') return /[0-9]/.test(next) ? `\\#${ZWSP}` : '\\#';
  return `\\${m}`;
}

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
  let out = visibleText(s, options.max ?? DEFAULT_MAX_CHARS).replace(SPECIAL, escapeSpecial);
  out = out
    // GH-123 issue references (the filter is case-insensitive on GitHub Enterprise too).
    .replace(/(GH)(-\d)/gi, `$1${ZWSP}$2`)
    // http://, https://, ftp:// and www. autolinks.
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/(www)\./gi, `$1${ZWSP}.`);
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
 * A string with `<` becomes `<code>` with escaped text instead, so no raw `<script` ever appears in
 * the markdown source (for renderers other than GitHub's, and for people reading the source).
 */
export function escapeCode(s: string, options: CodeOptions = {}): string {
  const table = options.table ?? true;
  const shown = visibleText(s, options.max ?? DEFAULT_MAX_CHARS);
  if (shown.includes('<')) return `<code>${escapeText(shown, { max: Infinity })}</code>`;
  const content = table ? shown.replace(/\|/g, '\\|') : shown;
  if (content === '') return '*(empty)*';
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // CommonMark strips one space from each side unless the content is all spaces.
  const pad = /^[` ]|[` ]$/.test(content) && !/^ +$/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A key safe inside an HTML comment marker (`<!-- image-changelog:KEY -->`): no `--`, no `>`. */
export function markerKey(key: string): string {
  return key
    .replace(/[^A-Za-z0-9._:/@+=-]/g, '_')
    .replace(/-{2,}/g, '-')
    .slice(0, 200);
}

/**
 * Inert text inside raw HTML (a `<summary>`, where markdown is not parsed, so backslash escapes would
 * show): entities for `& < > "` and for markdown punctuation, and the same breaks as escapeText for
 * mentions, issue references and autolinks (GitHub's filters run over HTML text too). Hidden
 * characters shown, truncated.
 */
export function escapeHtmlText(s: string, options: EscapeOptions = {}): string {
  return (
    visibleText(s, options.max ?? DEFAULT_MAX_CHARS)
      .replace(/[&<>"]/g, (m) => ENTITIES[m]!)
      .replace(/@(?=[A-Za-z0-9_])/g, `@${ZWSP}`)
      .replace(/#(?=[0-9])/g, `#${ZWSP}`)
      .replace(/(GH)(-\d)/gi, `$1${ZWSP}$2`)
      .replace(/:\/\//g, `:${ZWSP}//`)
      .replace(/(www)\./gi, `$1${ZWSP}.`)
      // Markdown punctuation as numeric entities, last (their `#` must stay whole): inert whether
      // or not a renderer parses markdown here.
      .replace(/[[\]`*_~|\\$!]/g, (m) => `&#${m.codePointAt(0)!};`)
  );
}
