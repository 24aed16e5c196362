import { globMatcher } from '../util/glob.js';
import semver from 'semver';
import type { Ecosystem, Inventory, Package } from '../catalog/types.js';
import { compareVersions } from '../catalog/versions/index.js';
import type { Changes, PackageChange } from '../diff/types.js';
import type { PackageMatch, PackageRule, VersionConstraint } from './model.js';
import type { Violation } from './types.js';
import { clauseHolds } from './values.js';

/** Violations of a packages rule: over the changes, or (with `present`) over the new inventory. */
export function packageViolations(rule: PackageRule, changes: Changes, after: Inventory): Violation[] {
  const { match } = rule;
  const nameMatches = nameMatcher(match.name);
  const base = { rule: rule.id, action: rule.action };
  if (match.present === true) {
    const seen = new Set<string>();
    const out: Violation[] = [];
    for (const pkg of after.packages) {
      const key = `${pkg.ecosystem}:${pkg.name}@${pkg.version}`;
      if (seen.has(key) || !packageMatches(match, nameMatches, pkg.ecosystem, pkg.name, pkg.version))
        continue;
      seen.add(key);
      out.push({
        ...base,
        subject: subjectOf(pkg),
        message: `${subjectOf(pkg)} ${pkg.version} is present (${pkg.location})`,
      });
    }
    return out;
  }
  const out: Violation[] = [];
  for (const change of changes.packages) {
    const version =
      change.kind === 'removed' ? change.before?.version : (change.after?.version ?? change.before?.version);
    if (match.change !== undefined && !match.change.includes(change.kind)) continue;
    if (match.bump !== undefined && !(match.bump as string[]).includes(change.bump ?? '')) continue;
    if (match.calendarVersions !== undefined && isCalendarChange(change) !== match.calendarVersions) continue;
    if (match.reopensCve !== undefined && reopensCve(change) !== match.reopensCve) continue;
    if (match.withOsMajorUpgrade !== undefined && osMajorUpgrade(changes) !== match.withOsMajorUpgrade)
      continue;
    if (!packageMatches(match, nameMatches, change.ecosystem, change.name, version)) continue;
    // A rule about reopened CVEs names them; other rules keep their plain description.
    const message =
      describeChange(change) +
      (match.reopensCve === true ? `, undoing the fixes of ${reopened(change)}` : '');
    out.push({ ...base, subject: subjectOf(change), message });
  }
  return out;
}

/** A downgrade whose undone changelog entries name a CVE: it brings back a fixed vulnerability. */
export function reopensCve(change: PackageChange): boolean {
  return change.kind === 'downgraded' && (change.changelog?.cves.length ?? 0) > 0;
}

function reopened(change: PackageChange): string {
  const ids = change.changelog?.cves ?? [];
  return ids.slice(0, 5).join(', ') + (ids.length > 5 ? ` and ${ids.length - 5} more` : '');
}

function subjectOf(p: Pick<Package, 'ecosystem' | 'name'>): string {
  return `${p.ecosystem}:${p.name}`;
}

function packageMatches(
  match: PackageMatch,
  nameMatches: (name: string) => boolean,
  ecosystem: Ecosystem,
  name: string,
  version: string | undefined,
): boolean {
  if (match.ecosystem !== undefined && !match.ecosystem.includes(ecosystem)) return false;
  if (!nameMatches(name)) return false;
  if (match.version !== undefined && (version === undefined || !satisfies(ecosystem, version, match.version)))
    return false;
  return true;
}

/** Package names may hold `/` (`@types/node`), so `*` crosses it (bash-style globbing). */
function nameMatcher(globs: string[] | undefined): (name: string) => boolean {
  if (globs === undefined) return () => true;
  const test = globMatcher(globs, { bash: true, dot: true });
  return (name) => test(name);
}

/** npm packages use semver ranges when the constraint is one; every scheme takes `OP VERSION` clauses. */
export function satisfies(ecosystem: Ecosystem, version: string, constraint: VersionConstraint): boolean {
  if (ecosystem === 'npm' && constraint.semverRange !== undefined) {
    return semver.satisfies(version, constraint.semverRange);
  }
  if (constraint.clauses === undefined) return false;
  return constraint.clauses.every((c) => clauseHolds(c.op, compareVersions(ecosystem, version, c.version)));
}

/**
 * Calendar-versioned packages (tzdata 2024a, ca-certificates 20240203, 2024.2.69) change their first
 * number every year, so their "major" bumps are routine updates.
 */
export function isCalendarChange(change: PackageChange): boolean {
  return [change.before?.version, change.after?.version].some((v) => v !== undefined && isCalendarVersion(v));
}

function isCalendarVersion(version: string): boolean {
  const upstream = version.replace(/^\d+:/, '');
  const m = /^(\d+)/.exec(upstream);
  if (m === null) return false;
  const lead = m[1]!;
  const year = Number(lead.slice(0, 4));
  return (lead.length === 4 || lead.length === 6 || lead.length === 8) && year >= 1990 && year <= 2199;
}

function describeChange(change: PackageChange): string {
  const subject = subjectOf(change);
  const before = change.before?.version;
  const after = change.after?.version;
  switch (change.kind) {
    case 'added':
      return words(subject, after, 'added');
    case 'removed':
      return words(subject, before, 'removed');
    case 'rebuilt':
      return words(subject, after, 'rebuilt (same version, different content)');
    default: {
      const bump = change.bump !== undefined && change.bump !== 'other' ? ` (${change.bump})` : '';
      return `${subject} ${change.kind} ${before ?? '?'} → ${after ?? '?'}${bump}`;
    }
  }
}

function words(...parts: Array<string | undefined>): string {
  return parts.filter((p) => p !== undefined && p !== '').join(' ');
}

/** The base OS moved up to another major release of the same distribution in this pair. */
export function osMajorUpgrade(changes: Pick<Changes, 'osRelease'>): boolean {
  return changes.osRelease?.class === 'major' && changes.osRelease.direction === 'up';
}
