import type { Allowance, Policy, PolicyRule } from './model.js';
import type { ParsedPolicy, ParsedRule } from './parse.js';
import { closestName } from '../util/closest-name.js';
import { policyError } from './yaml-reader.js';

/**
 * Apply `extends`: the base policy's rules come first, in order; a rule with the same id overrides
 * one (`disable: true` drops it, a rule without a subject block changes only its action or
 * description, a rule with one replaces it); other rules follow. Then check the allowlist against the
 * resulting rules.
 */
export function resolvePolicy(parsed: ParsedPolicy, base: Policy | undefined): Policy {
  const { source } = parsed;
  const rules: Array<PolicyRule | undefined> = base ? [...base.rules] : [];
  const baseIndex = new Map(rules.map((rule, i) => [rule!.id, i]));
  const baseIds = [...baseIndex.keys()];
  for (const written of parsed.rules) {
    const index = baseIndex.get(written.id);
    if (index === undefined) {
      rules.push(newRule(source, written, baseIds));
      continue;
    }
    const inherited = rules[index]!;
    rules[index] = written.disable === true ? undefined : override(inherited, written);
  }
  const resolved = rules.filter((rule): rule is PolicyRule => rule !== undefined);
  const policy: Policy = { source, rules: resolved, allow: checkAllowances(parsed, resolved, base) };
  if (parsed.extends !== undefined) policy.extends = parsed.extends;
  return policy;
}

function newRule(source: string, written: ParsedRule, baseIds: string[]): PolicyRule {
  const guess = closestName(written.id, baseIds);
  const maybe = guess !== undefined ? ` (the base policy has "${guess}")` : '';
  if (written.disable === true) {
    const what =
      baseIds.length === 0 ? 'there is no "extends"' : `the base policy has no rule "${written.id}"${maybe}`;
    throw policyError(source, written.idAt, `rule "${written.id}" says "disable: true", but ${what}`);
  }
  if (written.subject === undefined) {
    throw policyError(
      source,
      written.definedAt,
      `rule "${written.id}" needs one of "packages", "files", "secrets", "image"${maybe}`,
    );
  }
  if (written.action === undefined) {
    throw policyError(
      source,
      written.definedAt,
      `rule "${written.id}" needs an "action" (stop, warn or info)`,
    );
  }
  return withCommon(
    { id: written.id, action: written.action, definedAt: written.definedAt, ...written.subject },
    written.description,
  );
}

function override(inherited: PolicyRule, written: ParsedRule): PolicyRule {
  const action = written.action ?? inherited.action;
  if (written.subject === undefined) {
    return withCommon(
      { ...inherited, action, definedAt: written.definedAt },
      written.description ?? inherited.description,
    );
  }
  // A replaced match makes the inherited description wrong unless the user gives one.
  return withCommon(
    { id: inherited.id, action, definedAt: written.definedAt, ...written.subject },
    written.description,
  );
}

function withCommon(rule: PolicyRule, description: string | undefined): PolicyRule {
  if (description !== undefined) rule.description = description;
  return rule;
}

/** Each allowance names an existing rule and selects violations the way that rule's kind names them. */
function checkAllowances(parsed: ParsedPolicy, rules: PolicyRule[], base: Policy | undefined): Allowance[] {
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const allow: Allowance[] = base ? [...base.allow] : [];
  for (const entry of parsed.allow) {
    const rule = byId.get(entry.rule);
    if (rule === undefined) {
      const guess = closestName(entry.rule, [...byId.keys()]);
      const hint = guess !== undefined ? `; did you mean "${guess}"?` : '';
      throw policyError(
        parsed.source,
        entry.ruleAt,
        `allow entry names rule "${entry.rule}", which the policy does not have${hint}`,
      );
    }
    const selector = entry.selector;
    if (selector?.key === 'package' && rule.kind !== 'packages') {
      throw policyError(
        parsed.source,
        selector.at,
        `"package" selects packages, but rule "${rule.id}" is ${kindArticle(rule)} rule; use "${rule.kind === 'image' ? 'subject' : 'path'}"`,
      );
    }
    if (selector?.key === 'path' && rule.kind !== 'files' && rule.kind !== 'secrets') {
      throw policyError(
        parsed.source,
        selector.at,
        `"path" selects files, but rule "${rule.id}" is ${kindArticle(rule)} rule; use "${rule.kind === 'packages' ? 'package' : 'subject'}"`,
      );
    }
    const { ruleAt: _ruleAt, selector: _selector, ...allowance } = entry;
    allow.push(allowance);
  }
  return allow;
}

/** "a files", "an image": the rule's kind with its article, for messages. */
function kindArticle(rule: PolicyRule): string {
  return `${rule.kind === 'image' ? 'an' : 'a'} ${rule.kind}`;
}
