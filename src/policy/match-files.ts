import { globMatcher } from '../util/glob.js';
import type { FileChange, FileState } from '../diff/types.js';
import { describeFileChange, formatBytes, formatMode, isRegular } from './describe.js';
import type { FileMatch, FileRule } from './model.js';
import type { Violation } from './types.js';

const SETUID = 0o4000;
const SETGID = 0o2000;
const STICKY = 0o1000;

/**
 * Violations of a files rule over the changed paths. Every condition given must hold; conditions on
 * the file itself (bits, size, owner) look at its new state, so a removed file never meets them.
 */
export function fileViolations(rule: FileRule, files: readonly FileChange[]): Violation[] {
  const { match } = rule;
  const pathMatches = match.path === undefined ? () => true : globMatcher(match.path, { dot: true });
  const out: Violation[] = [];
  for (const change of files) {
    if (match.change !== undefined && !match.change.includes(change.kind)) continue;
    if (!pathMatches(change.path)) continue;
    const facts = matchFacts(match, change);
    if (facts === undefined) continue;
    const details = [describeFileChange(change), ...facts].join(', ');
    out.push({
      rule: rule.id,
      action: rule.action,
      subject: change.path,
      message: `${change.path}: ${details}`,
    });
  }
  return out;
}

/** The facts that made the change match (for the message), or undefined when it does not match. */
function matchFacts(match: FileMatch, change: FileChange): string[] | undefined {
  const facts: string[] = [];
  const after = change.after;
  const check = (wanted: boolean | undefined, actual: boolean, fact: string): boolean => {
    if (wanted === undefined) return true;
    if (actual !== wanted) return false;
    if (actual && fact !== '') facts.push(fact);
    return true;
  };
  if (!check(match.nonPackaged, change.ownership === 'none', '') /* said by describeFileChange */)
    return undefined;
  if (
    !check(
      match.modifiedAfterInstall,
      change.modifiedAfterInstall === true,
      'differs from what its package installed',
    )
  ) {
    return undefined;
  }
  if (!needsNewState(match)) return facts;
  if (after === undefined) return undefined;
  const mode = `mode ${formatMode(after.mode)}`;
  if (!check(match.setuid, gained(change, SETUID), `setuid (${mode})`)) return undefined;
  if (!check(match.setgid, gained(change, SETGID), `setgid (${mode})`)) return undefined;
  if (!check(match.worldWritable, isWorldWritable(after), `world-writable (${mode})`)) return undefined;
  if (!check(match.executable, isRegular(after) && (after.mode & 0o111) !== 0, 'executable'))
    return undefined;
  if (!check(match.ownerRoot, after.uid === 0, 'owned by root')) return undefined;
  if (match.minSize !== undefined || match.maxSize !== undefined) {
    if (!isRegular(after)) return undefined;
    if (match.minSize !== undefined && after.size < match.minSize) return undefined;
    if (match.maxSize !== undefined && after.size > match.maxSize) return undefined;
    facts.push(formatBytes(after.size));
  }
  if (match.sizeGrowthFactor !== undefined) {
    const before = change.before;
    if (change.kind !== 'modified' || !isRegular(before) || !isRegular(after) || before.size === 0)
      return undefined;
    const factor = after.size / before.size;
    if (factor < match.sizeGrowthFactor) return undefined;
    facts.push(`${factor.toFixed(1)}x larger (${formatBytes(before.size)} → ${formatBytes(after.size)})`);
  }
  return facts;
}

function needsNewState(match: FileMatch): boolean {
  return (
    match.setuid !== undefined ||
    match.setgid !== undefined ||
    match.worldWritable !== undefined ||
    match.executable !== undefined ||
    match.ownerRoot !== undefined ||
    match.minSize !== undefined ||
    match.maxSize !== undefined ||
    match.sizeGrowthFactor !== undefined
  );
}

/**
 * A regular file that has the bit now and did not before (or did not exist). Directories are left
 * out: setgid on a directory only passes its group on (Debian ships `var/mail` and `var/local` so).
 */
function gained(change: FileChange, bit: number): boolean {
  if (!isRegular(change.after) || (change.after.mode & bit) === 0) return false;
  return !(isRegular(change.before) && (change.before.mode & bit) !== 0);
}

/** Symlinks are always 0777 and sticky directories (`tmp`) are meant to be shared: neither counts. */
function isWorldWritable(state: FileState): boolean {
  if (state.type === 'symlink') return false;
  if (state.type === 'dir' && (state.mode & STICKY) !== 0) return false;
  return (state.mode & 0o002) !== 0;
}
