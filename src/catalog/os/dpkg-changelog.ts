import {
  DEBIAN_CHANGELOG_PROBE_ID,
  debianChangelogText,
  isDebianChangelogHead,
  type DebianChangelogHead,
} from '../changelog/debian-changelog-probe.js';
import { parseDebianChangelog } from '../changelog/debian-changelog.js';
import type { CatalogContext, ChangelogEntry, Package, PackageChangelog } from '../types.js';

const DOC = 'usr/share/doc/';
const MAX_HOPS = 4;

/**
 * A dpkg package's changelog from the head the debian-changelog probe kept while the layers streamed:
 * `usr/share/doc/<pkg>/changelog.Debian.gz`, preceded by the binNMU entries of
 * `changelog.Debian.<arch>.gz` (a binary-only rebuild writes its entry there). The doc directory may
 * be a symlink to another package's of the same source (`libssl3` → `openssl` style), followed within
 * the image. A Debian-native package (apt, dpkg, base-files) has no `changelog.Debian.gz`: its Debian
 * changelog is `changelog.gz`, taken when it parses as one (for other packages that file is the
 * upstream changelog, which has no Debian entry headers). Undefined when the image holds no changelog
 * (slim images drop them with `path-exclude`).
 */
export function debianChangelogOf(
  ctx: Pick<CatalogContext, 'tree'>,
  pkg: Pick<Package, 'name' | 'arch'>,
): PackageChangelog | undefined {
  const dir = docDirectory(ctx, `${DOC}${pkg.name}`);
  if (dir === undefined) return undefined;
  const debian = headAt(ctx, `${dir}/changelog.Debian.gz`) ?? headAt(ctx, `${dir}/changelog.Debian`);
  const main = debian ?? headAt(ctx, `${dir}/changelog.gz`);
  if (main === undefined) return undefined;
  const parsed = parseDebianChangelog(debianChangelogText(main.head), { complete: main.head.complete });
  if (debian === undefined && parsed.entries.length === 0) return undefined; // an upstream changelog.gz
  const entries: ChangelogEntry[] = [];
  let truncated = parsed.truncated;
  const binNmu = pkg.arch ? headAt(ctx, `${dir}/changelog.Debian.${pkg.arch}.gz`) : undefined;
  if (binNmu) {
    const nmu = parseDebianChangelog(debianChangelogText(binNmu.head), { complete: binNmu.head.complete });
    entries.push(...nmu.entries);
    truncated ||= nmu.truncated;
  }
  entries.push(...parsed.entries);
  const changelog: PackageChangelog = { format: 'debian', path: main.path, entries };
  if (truncated) changelog.truncated = true;
  return changelog;
}

/** The doc directory after following symlinks on it (bounded), or undefined when absent. */
function docDirectory(ctx: Pick<CatalogContext, 'tree'>, start: string): string | undefined {
  let current = start;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const entry = ctx.tree.entries.get(current);
    if (entry === undefined) return undefined;
    if (entry.type === 'dir') return current;
    if (entry.type !== 'symlink' || entry.link === undefined) return undefined;
    current = resolveLink(current, entry.link);
  }
  return undefined;
}

function resolveLink(from: string, link: string): string {
  const base = link.startsWith('/') ? [] : from.split('/').slice(0, -1);
  for (const part of link.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') base.pop();
    else base.push(part);
  }
  return base.join('/');
}

function headAt(
  ctx: Pick<CatalogContext, 'tree'>,
  path: string,
): { path: string; head: DebianChangelogHead } | undefined {
  const head = ctx.tree.entries.get(path)?.probes?.[DEBIAN_CHANGELOG_PROBE_ID];
  if (!isDebianChangelogHead(head)) return undefined;
  return { path, head };
}
