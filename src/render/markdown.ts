import type { Changes } from '../diff/types.js';
import type { Verdict } from '../policy/types.js';
import { budgetFor, fitToBudget, measure, type Surface } from './budget.js';
import { escapeCode, escapeText, markerKey } from './escape.js';
import { plural, stateFileChanges } from './format.js';
import { attentionBlock, attentionLines } from './attention.js';
import { headline, overviewTable, prepareVerdict, problemsLine, verdictBlock } from './markdown-head.js';
import { MarkdownSections } from './markdown-sections.js';
import { ChangelogSection, downgradeReopenLines, securityLine } from './markdown-changelog.js';
import { releaseSummary } from './release-summary.js';

export type { Surface } from './budget.js';

export interface MarkdownOptions {
  surface: Surface;
  verdict?: Verdict;
  /** Sticky-comment marker (`image-changelog:KEY` or just `KEY`), written as a hidden HTML comment first. */
  marker?: string;
  /** Appended to "see the full JSON report" where rows are cut, e.g. " in the job summary of <run URL>". Trusted text. */
  fullReportHint?: string;
  /** Heading; default `Image changelog` with the new image's reference. */
  title?: string;
  /** A smaller budget than the surface's (same unit: characters, or bytes for the summary). */
  budget?: number;
}

const MARKER_PREFIX = 'image-changelog:';

/** `<!-- image-changelog:KEY -->`, the key made safe for an HTML comment. */
export function markerLine(marker: string): string {
  const key = marker.startsWith(MARKER_PREFIX) ? marker.slice(MARKER_PREFIX.length) : marker;
  return `<!-- ${MARKER_PREFIX}${markerKey(key)} -->`;
}

/**
 * The changelog as GitHub-flavoured markdown for a PR comment, a job summary or a release body,
 * always within that surface's budget: sections shrink by priority (see budget.ts), each cut list ends
 * with "… and N more", and the headline, verdict, overview and downgrades stay.
 */
export function renderMarkdown(changes: Changes, options: MarkdownOptions): string {
  const { surface, verdict } = options;
  const more = (n: number) => `… and ${n} more (see the full JSON report${options.fullReportHint ?? ''})`;
  const sections = new MarkdownSections(changes, more, verdict?.violations.length ?? 0);
  const attention = attentionLines(changes.attention);
  const policy = verdict ? prepareVerdict(verdict) : undefined;
  const top: string[] = [];
  if (options.marker !== undefined || surface === 'comment')
    top.push(markerLine(options.marker ?? 'default'));
  top.push(
    `### ${options.title !== undefined ? escapeText(options.title) : `Image changelog: ${escapeCode(changes.after.summary.reference, { table: false, max: 120 })}`}`,
  );
  const head = top.join('\n');
  // The security block is a paragraph and a list of its own, not a sentence run on after the headline.
  const line = [headline(changes), problemsLine(changes, options.fullReportHint), securityLine(changes)]
    .filter((l): l is string => l !== undefined)
    .join('\n\n');
  const notes = new ChangelogSection(changes);
  const totals = { ...sections.totals, changelogs: notes.total };
  const summary = surface === 'release' ? releaseSummary(changes) : undefined;
  const overview = overviewTable(changes);
  const footer = footnotes(changes);
  const fullReport = `<sub>Some rows were cut to fit here: the full JSON report${options.fullReportHint ?? ''} has every one.</sub>`;
  const cut = (limits: typeof totals) =>
    (Object.keys(totals) as Array<keyof typeof totals>).some((k) => limits[k] < totals[k]);

  const render = (limits: typeof totals): string =>
    join([
      head,
      summary,
      line,
      attentionBlock(attention, changes.attention, limits.attention, more),
      policy ? verdictBlock(policy, limits.violations, more) : undefined,
      overview,
      sections.packages(limits),
      notes.render(limits.changelogs, more),
      sections.suspicious(limits),
      sections.nonPackaged(limits),
      sections.settings(limits),
      sections.layers(limits),
      footer,
      cut(limits) ? fullReport : undefined,
    ]);
  const budget = budgetFor(surface, options.budget);
  const fits = (text: string) => measure(surface, text) <= budget;
  const minimal = () =>
    join([
      head,
      line,
      attentionBlock(attention, changes.attention, 0, more),
      // The Attention items named the CVEs downgrades reopen; with none shown, these lines still do.
      downgradeReopenLines(changes).join('\n'),
      policy ? verdictBlock(policy, 0, more) : undefined,
      `The details do not fit here; see the full JSON report${options.fullReportHint ?? ''}.`,
    ]);
  return fitToBudget(render, totals, fits, minimal, (text) => hardCut(text, surface, budget));
}

/** Release notes: a one-sentence human summary, then the details, within the release body budget. */
export function renderReleaseNotes(
  changes: Changes,
  verdict?: Verdict,
  options: Omit<MarkdownOptions, 'surface' | 'verdict'> = {},
): string {
  return renderMarkdown(changes, { ...options, surface: 'release', ...(verdict ? { verdict } : {}) });
}

function join(parts: Array<string | undefined>): string {
  return `${parts.filter((p): p is string => p !== undefined && p !== '').join('\n\n')}\n`;
}

function footnotes(changes: Changes): string {
  const notes: string[] = [];
  if (changes.counts.excluded > 0)
    notes.push(
      `${plural(changes.counts.excluded, 'changed path')} matched the exclude globs (caches, logs, ...) and ${changes.counts.excluded === 1 ? 'is' : 'are'} only in the JSON report.`,
    );
  const state = stateFileChanges(changes);
  if (state > 0)
    notes.push(
      `${plural(state, 'package-manager state file')} (package databases) changed with the packages.`,
    );
  return notes.length > 0 ? `<sub>${notes.join(' ')}</sub>` : '';
}

/** Last resort, for a caller budget too small for even the minimal form: cut at a code point boundary. */
function hardCut(text: string, surface: Surface, budget: number): string {
  const note = '\n\n… (cut to fit)\n';
  const room = budget - measure(surface, note);
  const keep = room >= 0 ? room : budget;
  let size = 0;
  let end = 0;
  for (const ch of text) {
    const s = measure(surface, ch);
    if (size + s > keep) break;
    size += s;
    end += ch.length;
  }
  return room >= 0 ? text.slice(0, end) + note : text.slice(0, end);
}
