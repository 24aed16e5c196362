import type { Changes } from '../diff/types.js';
import type { RootBase, StagePair, StageSide } from '../dockerfile/pair.js';
import type { Verdict } from '../policy/types.js';
import { budgetFor, measure, type Surface } from './budget.js';
import { escapeCode, escapeText, terminalSafe } from './escape.js';
import { plural } from './format.js';
import { markerLine, renderMarkdown } from './markdown.js';
import { renderJson } from './json.js';
import { renderText } from './text.js';

/** One stage as rendered: its pair, and the comparison of its base images when they were compared. */
export interface StageChangelog {
  pair: StagePair;
  comparison?: { changes: Changes; verdict?: Verdict };
}

/** One Dockerfile as rendered (the core's DockerfileChangelog): final stage first. */
export interface DockerfileChangelog {
  path: string;
  status: 'modified' | 'added' | 'removed' | 'unchanged';
  stages: readonly StageChangelog[];
}

export interface DockerfileMarkdownOptions {
  surface: Exclude<Surface, 'release'>;
  /** Sticky-comment marker, written first as a hidden HTML comment. */
  marker?: string;
  /** Where the cut rows can be found, as for renderMarkdown. Trusted text. */
  fullReportHint?: string;
  /** A smaller budget than the surface's. */
  budget?: number;
}

/** `debian:bookworm` as written in the FROM line, or `scratch`; `—` when the side has no stage. */
function written(base: RootBase | undefined): string {
  if (!base) return '—';
  return base.kind === 'scratch' ? 'scratch' : base.written;
}

function stageTitle(stage: StageChangelog): string {
  const { pair } = stage;
  if (!pair.final) return `Stage ${pair.label}`;
  const named = (pair.new ?? pair.old)?.stage.name !== undefined;
  return `Final stage${named ? ` ${pair.label}` : ''} (the image that ships)`;
}

function what(stage: StageChangelog): string {
  const { pair } = stage;
  switch (pair.change) {
    case 'unchanged':
      return 'unchanged, not pulled';
    case 'removed':
      return 'stage removed';
    case 'added':
      return pair.new?.base.kind === 'scratch' ? 'new stage, from scratch' : 'new stage: first release';
    default:
      if (pair.new?.base.kind === 'scratch') return 'now from scratch';
      if (pair.old?.base.kind === 'scratch') return 'was from scratch: first release';
      return stage.comparison?.changes.hasChanges === false ? 'new reference, same content' : 'changed';
  }
}

function side(s: StageSide | undefined): string {
  if (!s) return '—';
  const platform = s.base.platform ? ` (${escapeText(s.base.platform, { max: 40 })})` : '';
  return `${escapeCode(written(s.base), { max: 160 })}${platform}`;
}

function intro(file: DockerfileChangelog): string {
  const changed = file.stages.filter((s) => s.pair.change !== 'unchanged').length;
  switch (file.status) {
    case 'added':
      return `This pull request adds the Dockerfile. Each stage's base image is shown as a first release.`;
    case 'removed':
      return `This pull request removes the Dockerfile: nothing is built from it any more, so there is nothing to compare.`;
    case 'unchanged':
      return `No base image changed (${plural(file.stages.length, 'stage')}); nothing was pulled.`;
    default:
      return `The base image of ${changed} of ${plural(file.stages.length, 'stage')} changed.`;
  }
}

function table(file: DockerfileChangelog): string {
  const rows = file.stages.map((s) => {
    const name = escapeText(s.pair.label, { max: 60 });
    const label = s.pair.final ? `**${name}** (final)` : name;
    const line = s.pair.new?.stage.line ?? s.pair.old?.stage.line;
    return `| ${label} | ${line ?? ''} | ${side(s.pair.old)} | ${side(s.pair.new)} | ${what(s)} |`;
  });
  return ['| Stage | Line | Before | After | |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** A stage whose base was not compared (scratch, removed): one plain sentence. */
function plainSection(stage: StageChangelog): string | undefined {
  const { pair } = stage;
  const title = `### ${escapeText(stageTitle(stage))}`;
  if (pair.change === 'removed')
    return `${title}\n\nRemoved: it started from ${side(pair.old)}; nothing ships from it any more.`;
  if ((pair.change === 'changed' || pair.change === 'added') && pair.new?.base.kind === 'scratch')
    return `${title}\n\nNow starts from scratch (an empty image)${pair.old ? `, no longer from ${side(pair.old)}` : ''}: nothing of a base image remains.`;
  return undefined;
}

/**
 * One Dockerfile's base-image changes as markdown: a table of every stage (final first), then a
 * section per compared stage, each the usual image changelog. The whole fits the surface: the
 * compared sections share the room left after the table, the final stage's section first in line.
 */
export function renderDockerfileMarkdown(
  file: DockerfileChangelog,
  options: DockerfileMarkdownOptions,
): string {
  const head = [
    ...(options.marker !== undefined ? [markerLine(options.marker)] : []),
    `## Base images: ${escapeCode(file.path, { table: false, max: 200 })}`,
  ].join('\n');
  const fixed = [head, intro(file), ...(file.status === 'removed' ? [] : [table(file)])];
  const plain = file.stages.map(plainSection).filter((s): s is string => s !== undefined);
  const compared = file.stages.filter((s) => s.comparison);
  const budget = budgetFor(options.surface, options.budget);
  const used = measure(options.surface, `${[...fixed, ...plain].join('\n\n')}\n`);
  let room = Math.max(0, budget - used - 2 * compared.length);
  const sections: string[] = [];
  compared.forEach((stage, i) => {
    // Equal shares of what is left; what one section does not use goes to the next.
    const share = Math.floor(room / (compared.length - i));
    const text = renderMarkdown(stage.comparison!.changes, {
      // Measured in bytes, which is never less than the comment's UTF-16 count: a share fits both.
      surface: 'summary',
      budget: share,
      // The stage table and the section's own overview name both images in full.
      title: stageTitle(stage),
      ...(stage.comparison!.verdict ? { verdict: stage.comparison!.verdict } : {}),
      ...(options.fullReportHint !== undefined ? { fullReportHint: options.fullReportHint } : {}),
    }).trimEnd();
    room -= measure(options.surface, text) + 2;
    sections.push(text);
  });
  return `${[...fixed, ...sections, ...plain].join('\n\n')}\n`;
}

/** The same sections for a terminal: the stage table as lines, then each compared stage's changelog. */
export function renderDockerfileText(file: DockerfileChangelog, options: { color: boolean }): string {
  const safe = (s: string) => terminalSafe(s, 200);
  const out = [`Base images: ${safe(file.path)}`, intro(file).replace(/\*\*/g, '')];
  for (const s of file.stages) {
    const arrow = `${safe(written(s.pair.old?.base))} -> ${safe(written(s.pair.new?.base))}`;
    out.push(
      `  ${s.pair.final ? '* ' : '  '}${safe(s.pair.label)}${s.pair.final ? ' (final)' : ''}: ${arrow}  [${what(s)}]`,
    );
  }
  const sections = file.stages
    .filter((s) => s.comparison)
    .map((s) => {
      const text = renderText(s.comparison!.changes, {
        color: options.color,
        ...(s.comparison!.verdict ? { verdict: s.comparison!.verdict } : {}),
      });
      return `== ${safe(stageTitle(s))} ==\n${text.trimEnd()}`;
    });
  return `${[out.join('\n'), ...sections].join('\n\n')}\n`;
}

/** Version of the Dockerfile report (schema/dockerfile-report.schema.json). */
export const DOCKERFILE_REPORT_SCHEMA_VERSION = 1;

function sideJson(s: StageSide | undefined): unknown {
  if (!s) return null;
  return {
    line: s.stage.line,
    from: s.stage.from,
    base: s.base.kind === 'scratch' ? 'scratch' : s.base.reference,
    ...(s.base.platform ? { platform: s.base.platform } : {}),
  };
}

/** Every Dockerfile and stage, each compared stage with its full report (schema/report.schema.json). */
export function renderDockerfileJson(files: readonly DockerfileChangelog[]): string {
  const doc = {
    schemaVersion: DOCKERFILE_REPORT_SCHEMA_VERSION,
    dockerfiles: files.map((f) => ({
      path: f.path,
      status: f.status,
      stages: f.stages.map((s) => ({
        label: s.pair.label,
        final: s.pair.final,
        change: s.pair.change,
        before: sideJson(s.pair.old),
        after: sideJson(s.pair.new),
        report: s.comparison
          ? (JSON.parse(renderJson(s.comparison.changes, s.comparison.verdict)) as unknown)
          : null,
      })),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
