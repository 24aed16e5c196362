import type { Bump, Changes, PackageChange } from '../diff/types.js';
import { escapeCode, escapeText } from './escape.js';
import {
  QUIET_SETTING_KEYS,
  byImportance,
  describeOs,
  nonPackagedChanges,
  packagesOfKind,
  plural,
} from './format.js';

const BUMP_RANK: Record<Bump, number> = { major: 0, minor: 1, patch: 2, other: 3 };

/** The changes worth naming first: biggest bumps, then by name. */
function notable(changes: PackageChange[], n: number): PackageChange[] {
  return [...changes]
    .sort(
      (a, b) =>
        BUMP_RANK[a.bump ?? 'other'] - BUMP_RANK[b.bump ?? 'other'] ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    )
    .slice(0, n);
}

function move(p: PackageChange): string {
  const v = (x: string | undefined) => escapeCode(x ?? '', { table: false, max: 40 });
  return `${escapeCode(p.name, { table: false, max: 60 })} ${v(p.before?.version)} → ${v(p.after?.version)}`;
}

function names(ps: PackageChange[]): string {
  return ps.map((p) => escapeCode(p.name, { table: false, max: 60 })).join(', ');
}

/**
 * One human sentence for release notes: "Base OS Debian 12.5 → 12.6; 14 packages upgraded, including
 * openssl 3.0.11 → 3.0.13; 2 configuration files changed". Markdown, every image string escaped.
 */
export function releaseSummary(changes: Changes): string {
  const parts: string[] = [];
  if (changes.firstRelease) {
    parts.push(`First release, based on ${escapeText(describeOs(changes.after.os))}`);
    parts.push(plural(changes.after.packageCount, 'package'));
  } else {
    if (changes.osChanged)
      parts.push(
        `Base OS ${escapeText(describeOs(changes.before?.os))} → ${escapeText(describeOs(changes.after.os))}`,
      );
    const down = packagesOfKind(changes, 'downgraded');
    if (down.length > 0)
      parts.push(
        `${plural(down.length, 'package')} **downgraded**: ${notable(down, 3).map(move).join(', ')}${down.length > 3 ? ', …' : ''}`,
      );
    const up = packagesOfKind(changes, 'upgraded');
    if (up.length > 0)
      parts.push(
        `${plural(up.length, 'package')} upgraded, including ${notable(up, up.length > 3 ? 2 : 3)
          .map(move)
          .join(', ')}`,
      );
    const fixed = changes.security?.fixed ?? [];
    if (fixed.length > 0)
      parts.push(
        `the upgrades fix ${plural(fixed.length, 'CVE')} (${fixed
          .slice(0, 3)
          .map(
            (m) =>
              `${escapeCode(m.id, { table: false, max: 20 })} in ${escapeCode(m.packages[0] ?? '', { table: false, max: 60 })}`,
          )
          .join(', ')}${fixed.length > 3 ? ', …' : ''})`,
      );
    const reopened = changes.security?.reopened ?? [];
    if (reopened.length > 0)
      parts.push(
        `downgrades **reopen ${plural(reopened.length, 'CVE')}** (${reopened
          .slice(0, 3)
          .map((m) => escapeCode(m.id, { table: false, max: 20 }))
          .join(', ')}${reopened.length > 3 ? ', …' : ''})`,
      );
    const added = packagesOfKind(changes, 'added');
    if (added.length > 0)
      parts.push(
        `${plural(added.length, 'package')} added (${names(added.slice(0, 3))}${added.length > 3 ? ', …' : ''})`,
      );
    const removed = packagesOfKind(changes, 'removed');
    if (removed.length > 0)
      parts.push(
        `${plural(removed.length, 'package')} removed (${names(removed.slice(0, 3))}${removed.length > 3 ? ', …' : ''})`,
      );
    const rebuilt = packagesOfKind(changes, 'rebuilt');
    if (rebuilt.length > 0) parts.push(`${plural(rebuilt.length, 'package')} rebuilt`);
    const files = nonPackagedChanges(changes).filter((f) => (f.after ?? f.before)?.type !== 'dir');
    const config = files.filter((f) => f.path.startsWith('etc/')).length;
    const other = files.length - config;
    if (config > 0) parts.push(`${plural(config, 'configuration file')} changed`);
    if (other > 0)
      parts.push(`${plural(other, config > 0 ? 'other non-packaged file' : 'non-packaged file')} changed`);
    if (changes.counts.unexplained > 0)
      parts.push(`${plural(changes.counts.unexplained, 'package file')} changed without a package change`);
    const settings = byImportance(changes.settings).filter(
      (s) => !QUIET_SETTING_KEYS.has(s.key) && s.key !== 'os' && s.key !== 'platform',
    );
    if (settings.length > 0)
      parts.push(
        `${plural(settings.length, 'setting')} changed (${settings
          .slice(0, 3)
          .map((s) => escapeCode(s.key, { table: false, max: 60 }))
          .join(', ')}${settings.length > 3 ? ', …' : ''})`,
      );
  }
  if (changes.platformChanged)
    parts.push(
      `platform ${escapeText(changes.before?.summary.platform ?? '')} → ${escapeText(changes.after.summary.platform)}`,
    );
  if (parts.length === 0) return 'No changes in packages, files or settings.';
  const text = parts.join('; ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}
