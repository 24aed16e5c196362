/**
 * The changelog as a reviewer sees it on GitHub, near enough to look at: GitHub-flavoured markdown to
 * HTML with `marked` (raw HTML passes through, as GitHub lets <details>/<summary> through; nothing else is
 * sanitised, so anything the renderer fails to escape shows up), a page with a small GitHub-like
 * stylesheet at the width of a PR comment, and a screenshot by headless Chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Marked } from 'marked';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const gfm = new Marked({ gfm: true, breaks: false, async: false });

export function markdownToHtml(markdown: string): string {
  return gfm.parse(markdown, { async: false });
}

const STYLE = `
body { margin: 0; background: #fff; color: #1f2328; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.comment { width: 780px; margin: 16px; border: 1px solid #d0d7de; border-radius: 6px; }
.comment-header { background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 8px 16px; color: #59636e; }
.markdown-body { padding: 16px; word-wrap: break-word; }
.markdown-body h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; }
.markdown-body h3:first-child { margin-top: 0; }
.markdown-body p, .markdown-body table, .markdown-body details { margin: 0 0 16px; }
.markdown-body code { font: 85%/1 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: rgba(175,184,193,.2); padding: .2em .4em; border-radius: 6px; }
.markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0; border-collapse: collapse; }
.markdown-body th, .markdown-body td { padding: 6px 13px; border: 1px solid #d0d7de; }
.markdown-body th { font-weight: 600; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body summary { cursor: pointer; }
.markdown-body sub { font-size: 75%; color: #59636e; }
`;

/** A page that frames the HTML like a PR comment. */
export function githubPage(title: string, html: string): string {
  const esc = title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${esc}</title><style>${STYLE}</style></head>
<body><div class="comment"><div class="comment-header"><b>github-actions</b> commented</div>
<div class="markdown-body">
${html}
</div></div></body></html>
`;
}

/** Every <details> opened, to see what a reviewer sees after clicking them all. */
export function allOpen(html: string): string {
  return html.replace(/<details>/g, '<details open>');
}

/** Writes `page` to `htmlPath` and a screenshot of it to `pngPath` (1200 x 2400, like a tall browser window). */
export function screenshot(page: string, htmlPath: string, pngPath: string): void {
  writeFileSync(htmlPath, page);
  const profile = mkdtempSync(join(tmpdir(), 'visual-chromium-'));
  try {
    execFileSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--screenshot=${pngPath}`,
        '--window-size=1200,2400',
        `file://${htmlPath}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export interface HtmlTable {
  header: string[];
  rows: string[][];
}

/** Plain text of an HTML fragment (tags dropped, the few entities marked writes decoded). */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

/** The tables of marked's HTML output, as cell texts. */
export function htmlTables(html: string): HtmlTable[] {
  const out: HtmlTable[] = [];
  for (const m of html.matchAll(/<table>([\s\S]*?)<\/table>/g)) {
    const body = m[1]!;
    const head = /<thead>([\s\S]*?)<\/thead>/.exec(body)?.[1] ?? '';
    const header = [...head.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((c) => textOf(c[1]!));
    const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '';
    const rows = [...tbody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
      [...r[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => textOf(c[1]!)),
    );
    out.push({ header, rows });
  }
  return out;
}

/** HTML elements and attributes a hostile string must never become: markup that would run, load or hide. */
export function liveMarkup(html: string): string[] {
  const found: string[] = [];
  // The renderer's own italic markers for a value it does not show; any other emphasis came from an image.
  const own = html.replace(/<em>\((?:unset|redacted)\)<\/em>/g, '');
  const tags = [...own.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)];
  // What the renderer itself writes (the policy verdict is a GitHub alert: a blockquote with a list);
  // a link, image, heading or anything else came from an image's strings.
  const allowed = new Set([
    'p',
    'h3',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'code',
    'details',
    'summary',
    'b',
    'strong',
    'sub',
    'br',
    'blockquote',
    'ul',
    'li',
  ]);
  for (const [all, name, attrs] of tags) {
    if (!allowed.has(name!.toLowerCase())) found.push(`element ${all}`);
    if (/\son\w+\s*=/i.test(attrs!)) found.push(`event handler ${all}`);
    if (/javascript:/i.test(attrs!)) found.push(`javascript: URL ${all}`);
  }
  const comments = own.match(/<!--/g)?.length ?? 0;
  if (comments > 1) found.push(`${comments} HTML comments (only the sticky-comment marker belongs there)`);
  return found;
}
