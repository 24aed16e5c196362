/**
 * The golden changelogs: which image pairs, which outputs, and how they are rendered. Shared by the
 * golden tests (which compare) and scripts/update-golden.ts (which writes).
 *
 * References are relative to the repo root and the renderers run with the repo root as the working
 * directory, so the outputs carry the same reference strings on every machine; any absolute repo path
 * that still leaks is replaced by `<repo>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compareImages } from '../../src/scan/compare-images.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderJson } from '../../src/render/json.js';
import { renderText } from '../../src/render/text.js';
import type { Changes, DiffOptions } from '../../src/diff/types.js';
import { repoRoot, sharedFixtures } from '../world/world.js';
import { archiveFacts, worldForm } from './world-form.js';

export type GoldenFormat = 'markdown' | 'json' | 'text';

export const GOLDEN_FILE: Record<GoldenFormat, string> = { markdown: 'changelog.md', json: 'report.json', text: 'changelog.txt' };

export type GoldenTier = 'examples' | 'world' | 'fixtures';

export interface GoldenCase {
  /** Folder under __tests__/golden/files. */
  name: string;
  tier: GoldenTier;
  /** References relative to the repo root, as a user would type them there. */
  previous: string;
  current: string;
  formats: GoldenFormat[];
}

/** The CLI's defaults (`diff OLD NEW` with no flags). */
export const GOLDEN_DIFF_OPTIONS: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };

export const goldenDir = join(repoRoot, '__tests__', 'golden', 'files');
export const UPDATE_COMMAND = 'node --import tsx scripts/update-golden.ts';

const all: GoldenFormat[] = ['markdown', 'json', 'text'];
const world = (tag: string) => `oci:.cache/world/layout:${tag}`;
const fixture = (file: string) => `oci-archive:${relative(repoRoot, join(sharedFixtures, 'images', file))}`;

export const GOLDEN_CASES: readonly GoldenCase[] = [
  // The README's example: the exact command it quotes, `diff examples/v1.oci.tar examples/v2.oci.tar`.
  { name: 'examples-v1-v2', tier: 'examples', previous: 'examples/v1.oci.tar', current: 'examples/v2.oci.tar', formats: all },
  { name: 'bookworm-old-new', tier: 'world', previous: world('old'), current: world('new'), formats: all },
  { name: 'bookworm-trixie', tier: 'world', previous: world('old'), current: world('trixie'), formats: all },
  { name: 'alpine-3.19.4-3.20.3', tier: 'fixtures', previous: fixture('alpine-3.19.4.oci.tar'), current: fixture('alpine-3.20.3.oci.tar'), formats: ['markdown', 'json'] },
  {
    name: 'alpine-3.19.4-upgrade-layer',
    tier: 'fixtures',
    previous: fixture('alpine-3.19.4.oci.tar'),
    current: fixture('alpine-3.19.4-to-3.20.3.oci.tar'),
    formats: ['markdown', 'json'],
  },
  {
    name: 'almalinux-9.2-9.3-arm64',
    tier: 'fixtures',
    previous: fixture('almalinux-9.2-micro-arm64.oci.tar'),
    current: fixture('almalinux-9.3-micro-arm64.oci.tar'),
    formats: ['markdown', 'json'],
  },
  {
    name: 'almalinux-8.8-8.9-s390x',
    tier: 'fixtures',
    previous: fixture('almalinux-8.8-micro-s390x.oci.tar'),
    current: fixture('almalinux-8.9-micro-s390x.oci.tar'),
    formats: ['markdown', 'json'],
  },
];

export function goldenCase(name: string): GoldenCase {
  const c = GOLDEN_CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no golden case ${name}`);
  return c;
}

export interface RenderedCase {
  changes: Changes;
  outputs: Record<GoldenFormat, string>;
}

/**
 * What the golden file of a case holds: the output as rendered, or for the Debian world (rebuilt on
 * each machine from the live archive) its world form, which masks what a rebuild changes.
 */
export function goldenForm(c: GoldenCase, format: GoldenFormat, rendered: RenderedCase): string {
  return c.tier === 'world' ? worldForm(rendered.outputs[format], format, archiveFacts(rendered.changes)) : rendered.outputs[format];
}

/** Absolute repo paths in an output become `<repo>` (references are relative, so none should be there). */
export function normaliseOutput(text: string): string {
  const withNewline = text.endsWith('\n') ? text : `${text}\n`;
  return withNewline.split(repoRoot).join('<repo>');
}

/** Compares the pair and renders every format the way `image-changelog diff` prints it (summary surface, no colour). */
export async function renderGoldenCase(c: GoldenCase): Promise<RenderedCase> {
  if (process.cwd() !== repoRoot) process.chdir(repoRoot);
  const { changes } = await compareImages(c.previous, c.current, GOLDEN_DIFF_OPTIONS);
  const outputs: Record<GoldenFormat, string> = {
    markdown: normaliseOutput(renderMarkdown(changes, { surface: 'summary' })),
    json: normaliseOutput(renderJson(changes)),
    text: normaliseOutput(renderText(changes, { color: false })),
  };
  return { changes, outputs };
}

export function goldenPath(c: GoldenCase, format: GoldenFormat): string {
  return join(goldenDir, c.name, GOLDEN_FILE[format]);
}

export function readGolden(c: GoldenCase, format: GoldenFormat): string | undefined {
  const path = goldenPath(c, format);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** The manifest digests a report was made from: `previous current`. */
export function reportInputs(json: string): string {
  const report = JSON.parse(json) as { before: { summary: { manifestDigest: string } } | null; after: { summary: { manifestDigest: string } } };
  return `${report.before?.summary.manifestDigest ?? '-'} ${report.after.summary.manifestDigest}`;
}

/** The first line where two texts differ (1-based), with both lines cut to a readable length; undefined when equal. */
export function firstDifference(expected: string, actual: string): { line: number; expected: string; actual: string } | undefined {
  if (expected === actual) return undefined;
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return { line: i + 1, expected: (a[i] ?? '<end of file>').slice(0, 300), actual: (b[i] ?? '<end of file>').slice(0, 300) };
  }
  return { line: a.length, expected: '<same lines>', actual: '<same lines>' };
}

// ---- README excerpt -------------------------------------------------------------------------------

export const README = join(repoRoot, 'README.md');
export const EXCERPT_START = '<!-- changelog-excerpt:start (written by scripts/update-golden.ts from the examples golden file) -->';
export const EXCERPT_END = '<!-- changelog-excerpt:end -->';

/** The changelog between the README's excerpt markers, or undefined when the markers are missing. */
export function readmeExcerpt(readme: string): string | undefined {
  const start = readme.indexOf(EXCERPT_START);
  const end = readme.indexOf(EXCERPT_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + EXCERPT_START.length, end).replace(/^\n+/, '').replace(/\n+$/, '\n');
}

/** The README with the excerpt between the markers replaced (the markers must be there). */
export function withReadmeExcerpt(readme: string, changelog: string): string {
  const start = readme.indexOf(EXCERPT_START);
  const end = readme.indexOf(EXCERPT_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the changelog excerpt markers (${EXCERPT_START} ... ${EXCERPT_END})`);
  return `${readme.slice(0, start + EXCERPT_START.length)}\n\n${changelog.trimEnd()}\n\n${readme.slice(end)}`;
}
