import {
  TEXT_CHANGELOG_PROBE_ID,
  isTextChangelogPath,
  type TextChangelogHead,
} from '../changelog/text-changelog-probe.js';
import { isChangelogHead } from '../changelog/bounds.js';
import { parseTextChangelog } from '../changelog/text-changelog.js';
import type { CatalogContext, LangEcosystem, PackageChangelog } from '../types.js';
import { compareVersions } from '../versions/index.js';
import type { ProjectLinks } from './project-links.js';
import { basename, pathsUnder } from './tree-paths.js';

/**
 * A language package's own changelog: the CHANGELOG / HISTORY / NEWS file directly in its folder,
 * from the head the text-changelog probe kept while the layers streamed, parsed into one entry per
 * version heading. Undefined when the folder holds none, or none whose headings name versions.
 *
 * Most files put the newest version first; one that puts it last is turned around when the whole
 * file was kept, and left out when only its head (the oldest versions) was: a cut-off cannot be
 * told from it.
 */
export function packageChangelogIn(
  ctx: CatalogContext,
  dir: string,
  ecosystem: LangEcosystem,
): PackageChangelog | undefined {
  const prefix = dir === '' ? '' : `${dir}/`;
  const candidates: Array<{ path: string; head: TextChangelogHead }> = [];
  for (const path of pathsUnder(ctx.tree, dir)) {
    if (path.indexOf('/', prefix.length) >= 0 || !isTextChangelogPath(path)) continue;
    const head = ctx.tree.entries.get(path)?.probes?.[TEXT_CHANGELOG_PROBE_ID];
    if (isChangelogHead(head)) candidates.push({ path, head });
  }
  candidates.sort((a, b) => rank(a.path) - rank(b.path) || (a.path < b.path ? -1 : 1));
  for (const { path, head } of candidates) {
    const parsed = parseTextChangelog(head.text, { complete: head.complete });
    let entries = parsed.entries;
    if (entries.length === 0) continue;
    if (entries.length > 1 && order(ecosystem, entries[0]!.version!, entries.at(-1)!.version!) < 0) {
      if (!head.complete || parsed.truncated) continue;
      entries = [...entries].reverse();
    }
    const changelog: PackageChangelog = { format: 'text', path, entries };
    if (parsed.truncated) changelog.truncated = true;
    return changelog;
  }
  return undefined;
}

/** The package's links as metadata keys (for the diff's "read them at"). */
export function linkMetadata(links: ProjectLinks): Record<string, string> {
  const out: Record<string, string> = {};
  if (links.changelogUrl !== undefined) out.changelogUrl = links.changelogUrl;
  if (links.repositoryUrl !== undefined) out.repositoryUrl = links.repositoryUrl;
  return out;
}

const NAMES = ['changelog', 'changes', 'history', 'news', 'releasenotes'];

/** CHANGELOG before CHANGES before HISTORY before NEWS; markdown before other extensions. */
function rank(path: string): number {
  const [stem = '', ext = ''] = basename(path).toLowerCase().replace(/[-_]/g, '').split('.');
  const i = NAMES.indexOf(stem);
  return (i < 0 ? NAMES.length : i) * 3 + (ext === 'md' ? 0 : ext === '' ? 1 : 2);
}

function order(ecosystem: LangEcosystem, a: string, b: string): number {
  try {
    return compareVersions(ecosystem, a, b);
  } catch {
    return 0;
  }
}
