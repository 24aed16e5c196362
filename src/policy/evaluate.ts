import type { Inventory } from '../catalog/types.js';
import type { Changes } from '../diff/types.js';
import { applyAllowances } from './allowlist.js';
import { fileViolations } from './match-files.js';
import { imageViolations } from './match-image.js';
import { packageViolations } from './match-packages.js';
import { secretViolations } from './match-secrets.js';
import type { Policy, PolicyRule } from './model.js';
import type { RuleAction, Verdict, Violation } from './types.js';
import { compareCodeUnits as compare } from '../util/code-unit-order.js';

const SEVERITY: Record<RuleAction, number> = { stop: 0, warn: 1, info: 2 };

/**
 * Check the changes and the new image against a policy. Pure: the same inputs give the same verdict,
 * violations ordered by action (stop, warn, info), then rule order, then subject. `now` decides which
 * allowlist entries have expired.
 */
export function evaluatePolicy(policy: Policy, changes: Changes, after: Inventory, now: Date): Verdict {
  const ranked: Array<{ violation: Violation; rank: number }> = [];
  policy.rules.forEach((rule, rank) => {
    const found = applyAllowances(ruleViolations(rule, changes, after), rule, policy.allow, now);
    for (const violation of found) ranked.push({ violation, rank });
  });
  ranked.sort(
    (a, b) =>
      SEVERITY[a.violation.action] - SEVERITY[b.violation.action] ||
      a.rank - b.rank ||
      compare(a.violation.subject, b.violation.subject) ||
      compare(a.violation.message, b.violation.message),
  );
  const violations = ranked.map((r) => r.violation);
  const counting = violations.filter((v) => v.allowed === undefined);
  const result = counting.some((v) => v.action === 'stop')
    ? 'stop'
    : counting.some((v) => v.action === 'warn')
      ? 'warn'
      : 'pass';
  return { result, violations, policy: policy.source };
}

function ruleViolations(rule: PolicyRule, changes: Changes, after: Inventory): Violation[] {
  switch (rule.kind) {
    case 'packages':
      return packageViolations(rule, changes, after);
    case 'files':
      return fileViolations(rule, changes.files);
    case 'secrets':
      return secretViolations(rule, changes.files, after.files);
    case 'image':
      return imageViolations(rule, changes, after);
  }
}
