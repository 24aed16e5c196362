import type { ChangelogEntry } from '../catalog/types.js';
import type { Changes, CveMention, PackageChange } from '../diff/types.js';
import { escapeCode, escapeHtmlText, escapeText } from './escape.js';
import { plural } from './format.js';

/**
 * The "why" of a changelog: the security line for the first screen, downgrades that reopen CVEs, and
 * each upgraded or downgraded package's own changelog entries folded under it. Packages of one source
 * that bring the same entries (glibc, glibc-common, …) share one fold. Every string from an image is
 * escaped: changelog text is full of @mentions, #numbers, e-mail addresses and markup.
 */

/** Entries shown per fold, and characters of each entry, before "… and N more". */
export const ENTRIES_PER_PACKAGE = 12;
const ENTRY_CHARS = 500;
/** CVEs named on the first screen. */
const NOTABLE = 3;

const cveCode = (id: string) => escapeCode(id, { table: false, max: 20 });

/**
 * The first screen's security block, or undefined when the upgrades fix no CVE: the count, then the
 * most notable CVEs one per line (a sentence of three CVEs with their packages and words was too long
 * to read in a PR comment):
 *
 *   🔒 **7 CVEs fixed** by the upgrades (6 security updates among 10). Most notable:
 *   - `CVE-2023-4911` in `glibc`, `glibc-common` +1: glibc: buffer overflow in ld.so leading to …
 */
export function securityLine(changes: Changes): string | undefined {
  const s = changes.security;
  if (!s || s.fixed.length === 0) return undefined;
  const upgrades = changes.packages.filter((p) => p.kind === 'upgraded').length;
  const top = s.fixed.slice(0, NOTABLE);
  const rest = s.fixed.length - top.length;
  const head =
    `🔒 **${plural(s.fixed.length, 'CVE')} fixed** by the upgrades ` +
    `(${plural(s.securityUpdates, 'security update')} among ${upgrades}). ${top.length === 1 ? 'Named' : 'Most notable'}:`;
  const lines = top.map((m) => `- ${describeMention(m)}`);
  if (rest > 0) lines.push(`- … and ${rest} more in the changelog entries below`);
  return [head, ...lines].join('\n');
}

/**
 * Downgrades that undo CVE fixes, one line each (bounded): for the minimal form, where the Attention
 * block (whose downgrade items name them otherwise) shows only its count.
 */
export function downgradeReopenLines(changes: Changes, limit = 10): string[] {
  const down = changes.packages.filter((p) => p.kind === 'downgraded' && (p.changelog?.cves.length ?? 0) > 0);
  const lines = down.slice(0, limit).map((p) => {
    const notes = p.changelog!;
    const ids = notes.cves.slice(0, 5).map(cveCode).join(', ');
    const more = notes.cves.length > 5 ? ` and ${notes.cves.length - 5} more` : '';
    return (
      `⚠️ **Downgrade reopens ${plural(notes.cves.length, 'CVE')}**: ${escapeCode(p.name, { table: false, max: 60 })} ` +
      `${versions(p)} undoes ${plural(notes.entries.length, 'changelog entry', 'changelog entries')} fixing ${ids}${more}.`
    );
  });
  if (down.length > limit) lines.push(`⚠️ … and ${down.length - limit} more downgrades that reopen CVEs.`);
  return lines;
}

function describeMention(m: CveMention): string {
  const where = m.packages.slice(0, 2).map((n) => escapeCode(n, { table: false, max: 40 }));
  const pkgs = `${where.join(', ')}${m.packages.length > 2 ? ` +${m.packages.length - 2}` : ''}`;
  const words = mentionWords(m);
  return `${cveCode(m.id)} in ${pkgs}${words ? `: ${escapeText(words, { max: 100 })}` : ''}`;
}

/**
 * The entry line's words about the CVE, without the id when it only labels them (`CVE-2023-4911
 * glibc: …`, `… (CVE-2023-4911)`); kept when the sentence needs it ("Backported a fix for CVE-…").
 */
function mentionWords(m: CveMention): string {
  const line = m.line.replace(/^[-*+]\s+/, '').trim();
  const id = m.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const labelled = new RegExp(`^${id}[:,]?\\s+|\\s*\\(${id}\\)`, 'i');
  if (labelled.test(line)) return line.replace(labelled, ' ').replace(/\s+/g, ' ').trim();
  return line === m.id ? '' : line;
}

function versions(p: PackageChange): string {
  const v = (x: string | undefined) => escapeCode(x ?? '', { table: false, max: 60 });
  return `${v(p.before?.version)} → ${v(p.after?.version)}`;
}

/** Changes with notes to show, folded: one group per identical set of entries and versions. */
export interface NotesGroup {
  changes: PackageChange[];
}

export function groupNotes(changes: Changes): NotesGroup[] {
  const groups = new Map<string, NotesGroup>();
  const order: Array<PackageChange['kind']> = ['downgraded', 'upgraded'];
  for (const kind of order) {
    for (const p of changes.packages) {
      if (p.kind !== kind || !p.changelog) continue;
      const n = p.changelog;
      // Binary packages of one source bring the same entries from their own copies of the changelog
      // (libssl3 and openssl, perl and perl-base): the source name, not the file, says they are one.
      const key = JSON.stringify([
        p.kind,
        p.ecosystem,
        p.before?.version,
        p.after?.version,
        p.after?.source?.name ?? p.before?.source?.name ?? p.name,
        n.entries.length,
        n.entries[0]?.text.slice(0, 200),
        n.missing,
        n.link,
      ]);
      const g = groups.get(key);
      if (g) g.changes.push(p);
      else groups.set(key, { changes: [p] });
    }
  }
  // Security updates first, then those with entries, then the rest; names keep their order.
  const rank = (g: NotesGroup) => {
    const n = g.changes[0]!.changelog!;
    return g.changes[0]!.kind === 'downgraded' ? 0 : n.security ? 1 : n.entries.length > 0 ? 2 : 3;
  };
  return [...groups.values()].sort((a, b) => rank(a) - rank(b));
}

/** One fold: summary line with the packages, versions, counts; the entries and ids inside. */
export function renderNotesGroup(group: NotesGroup): string {
  const first = group.changes[0]!;
  const notes = first.changelog!;
  const names = group.changes.slice(0, 4).map((p) => `<b>${escapeHtmlText(p.name, { max: 60 })}</b>`);
  const others = group.changes.length > 4 ? ` +${group.changes.length - 4}` : '';
  const counts: string[] = [];
  if (notes.entries.length > 0)
    counts.push(plural(notes.entries.length, 'entry', 'entries') + (notes.incomplete ? ' or more' : ''));
  if (notes.cves.length > 0) counts.push(`🔒 ${plural(notes.cves.length, 'CVE')}`);
  else if (notes.security) counts.push('🔒 security update');
  if (first.kind === 'downgraded') counts.push('⚠️ undone by the downgrade');
  const v = (x: string | undefined) => escapeHtmlText(x ?? '', { max: 60 });
  const summary = `${names.join(', ')}${others} ${v(first.before?.version)} → ${v(first.after?.version)}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`;

  const body: string[] = [];
  if (notes.cves.length > 0) body.push(`CVEs: ${notes.cves.map(cveCode).join(', ')}`);
  if (notes.advisories.length > 0) {
    const shown = notes.advisories.slice(0, 20).map((a) => escapeCode(a, { table: false, max: 30 }));
    body.push(
      `Advisories and bugs: ${shown.join(', ')}${notes.advisories.length > 20 ? ` and ${notes.advisories.length - 20} more` : ''}`,
    );
  }
  if (notes.missing !== undefined) body.push(`No entries: ${escapeText(notes.missing, { max: 300 })}.`);
  if (notes.link !== undefined)
    body.push(`Read them at ${escapeCode(notes.link, { table: false, max: 300 })}`);
  if (notes.entries.length > 0) {
    const shown = notes.entries.slice(0, ENTRIES_PER_PACKAGE).map(entryLine);
    const rest = notes.entries.length - shown.length;
    if (rest > 0) shown.push(`- … and ${plural(rest, 'older entry', 'older entries')} (see the JSON report)`);
    body.push(shown.join('\n'));
  }
  if (notes.incomplete)
    body.push(
      '<sub>The image keeps only the newest part of this changelog: older entries (and their CVEs) may be missing.</sub>',
    );
  return `<details>\n<summary>${summary}</summary>\n\n${body.join('\n\n')}\n\n</details>`;
}

/** `- **2.34-83.7** · 2023-09-19 · Carlos O'Donell: CVE-2023-4911 glibc: …` with every line escaped. */
function entryLine(entry: ChangelogEntry): string {
  const facts: string[] = [];
  if (entry.version !== undefined) facts.push(`**${escapeText(entry.version, { max: 60 })}**`);
  if (entry.distribution !== undefined && /-security\b/.test(entry.distribution))
    facts.push(escapeText(entry.distribution, { max: 40 }));
  if (entry.time !== undefined && entry.time > 0)
    facts.push(new Date(entry.time * 1000).toISOString().slice(0, 10));
  // The name only: no e-mail address, and not the version rpm packagers append to the author line.
  let author = entry.author?.replace(/\s*<[^>]*>.*$/, '') ?? '';
  if (entry.version !== undefined && author.endsWith(entry.version))
    author = author.slice(0, -entry.version.length);
  author = author.replace(/[\s-]+$/, '').trim();
  if (author) facts.push(escapeText(author, { max: 60 }));
  const items = entryItems(entry.text).map((item) => ({
    text: escapeText(item.text, { max: item.max }),
    nested: item.nested,
  }));
  const head = `- ${facts.join(' · ')}`;
  if (items.length === 0) return head;
  if (items.length === 1) return `${head}: ${items[0]!.text}`;
  return [`${head}:`, ...items.map((i) => `${i.nested ? '    ' : '  '}- ${i.text}`)].join('\n');
}

/**
 * The entry's own bullets (`*`, `-`, `+`), wrapped lines joined back to their bullet, within
 * ENTRY_CHARS in all: rendered as a nested list, never as raw line breaks. A bullet indented deeper
 * than the entry's first one stays one level down (Debian's `- ` under `* `, a History.md's
 * `- ` under `* deps: …`); a line after a blank line starts an item of its own (a paragraph, a
 * former `### Bug Fixes` heading), where a line right after another is the same item wrapped.
 */
function entryItems(text: string): Array<{ text: string; max: number; nested: boolean }> {
  const items: Array<{ text: string; nested: boolean }> = [];
  let top: number | undefined;
  let afterBlank = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') {
      afterBlank = true;
      continue;
    }
    const bullet = /^[-*+]\s+(.*)$/.exec(line);
    const indent = raw.length - raw.trimStart().length;
    if (bullet) {
      top ??= indent;
      items.push({ text: bullet[1]!, nested: indent > top && items.length > 0 });
    } else if (items.length === 0 || afterBlank) items.push({ text: line, nested: false });
    else items[items.length - 1]!.text += ` ${line}`;
    afterBlank = false;
  }
  const out: Array<{ text: string; max: number; nested: boolean }> = [];
  let room = ENTRY_CHARS;
  for (const item of items) {
    if (room <= 0) {
      out.push({ text: `… and ${items.length - out.length} more lines`, max: 60, nested: false });
      break;
    }
    out.push({ text: item.text, max: room, nested: item.nested });
    room -= item.text.length;
  }
  return out;
}

/** A package without entries, in one line: why, and where to read them. */
function withoutEntriesLine(p: PackageChange): string {
  const notes = p.changelog!;
  const why =
    notes.missing !== undefined
      ? escapeText(notes.missing, { max: 200 })
      : 'no entries between the two versions';
  const link = notes.link !== undefined ? `; ${escapeCode(notes.link, { table: false, max: 300 })}` : '';
  return `- ${escapeCode(p.name, { table: false, max: 60 })} ${versions(p)}: ${why}${link}`;
}

/**
 * The section, prepared once: a fold per group with entries, then one fold listing the packages
 * without entries (slim images drop every changelog: one line each, not one fold each). Rendering
 * for a budget only takes a prefix.
 */
export class ChangelogSection {
  private readonly folds: string[];
  private readonly title: string;

  constructor(changes: Changes) {
    const groups = groupNotes(changes);
    const withEntries = groups.filter((g) => g.changes[0]!.changelog!.entries.length > 0);
    const without = groups
      .filter((g) => g.changes[0]!.changelog!.entries.length === 0)
      .flatMap((g) => g.changes);
    this.folds = withEntries.map(renderNotesGroup);
    if (without.length > 0) {
      const lines = without.slice(0, 50).map(withoutEntriesLine);
      if (without.length > 50) lines.push(`- … and ${without.length - 50} more (see the JSON report)`);
      this.folds.push(
        `<details>\n<summary>${plural(without.length, 'package')} without changelog entries</summary>\n\n${lines.join('\n')}\n\n</details>`,
      );
    }
    const packages = groups.reduce((n, g) => n + g.changes.length, 0);
    const cves = new Set(groups.flatMap((g) => g.changes[0]!.changelog!.cves)).size;
    const described = packages - without.length;
    this.title =
      described > 0
        ? `<b>Why they changed</b>: changelog entries of ${plural(described, 'package')}${cves > 0 ? `, ${plural(cves, 'CVE')}` : ''}`
        : `<b>Why they changed</b>: no changelog entries`;
  }

  get total(): number {
    return this.folds.length;
  }

  /**
   * The section with at most `limit` folds. Cut to none, it is left out whole: a section of only
   * "… and N more" says nothing, and the CVEs it held stay in the security line and the JSON report.
   */
  render(limit: number, more: (n: number) => string): string {
    if (this.folds.length === 0 || limit === 0) return '';
    const shown = this.folds.slice(0, limit);
    if (this.folds.length > limit) shown.push(more(this.folds.length - limit));
    return `<details open>\n<summary>${this.title}</summary>\n\n${shown.join('\n\n')}\n\n</details>`;
  }
}
