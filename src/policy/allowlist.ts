import { globMatcher } from '../util/glob.js';
import type { Allowance, PolicyRule } from './model.js';
import type { Violation } from './types.js';
import { expiryInstant } from './values.js';

/**
 * Mark violations an allowlist entry covers. An entry that matched but has expired no longer
 * suppresses: the violation counts and says so.
 */
export function applyAllowances(
  violations: Violation[],
  rule: PolicyRule,
  allow: readonly Allowance[],
  now: Date,
): Violation[] {
  const entries = allow.filter((a) => a.rule === rule.id).map((a) => ({ allowance: a, covers: coverage(a) }));
  if (entries.length === 0) return violations;
  return violations.map((violation) => {
    const matching = entries.filter((e) => e.covers(violation.subject)).map((e) => e.allowance);
    const active = matching.find((a) => a.expires === undefined || now.getTime() < expiryInstant(a.expires));
    if (active !== undefined) {
      const allowed: NonNullable<Violation['allowed']> = { reason: active.reason };
      if (active.expires !== undefined) allowed.expires = active.expires;
      return { ...violation, allowed };
    }
    const expired = matching
      .filter((a): a is Allowance & { expires: string } => a.expires !== undefined)
      .sort((a, b) => b.expires.localeCompare(a.expires))[0];
    if (expired === undefined) return violation;
    return {
      ...violation,
      message: `${violation.message} (allowance expired on ${expired.expires}: ${expired.reason})`,
      expiredAllowance: { reason: expired.reason, expires: expired.expires },
    };
  });
}

/** Which subjects an entry covers: a package name or `ecosystem:name`, a path, or any subject. */
function coverage(a: Allowance): (subject: string) => boolean {
  if (a.package !== undefined) {
    const test = globMatcher(a.package, { bash: true, dot: true });
    return (subject) => test(subject) || test(subject.slice(subject.indexOf(':') + 1));
  }
  if (a.path !== undefined) return globMatcher(a.path, { dot: true });
  if (a.subject !== undefined) return globMatcher(a.subject, { bash: true, dot: true });
  return () => true;
}
