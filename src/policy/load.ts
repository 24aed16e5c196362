import type { Policy } from './model.js';
import { parsePolicyDocument } from './parse.js';
import { RECOMMENDED_POLICY } from './recommended.js';
import { resolvePolicy } from './resolve.js';

export { POLICY_KEYS } from './parse.js';

/**
 * Parse a policy file's text. `source` names it in every error (`FILE:LINE:COL: what was expected`,
 * an ImageChangelogError with code POLICY_INVALID and subject `source`). Unknown keys are errors.
 * `extends: recommended` starts from the built-in policy.
 */
export function parsePolicy(text: string, source: string): Policy {
  const parsed = parsePolicyDocument(text, source);
  return resolvePolicy(parsed, parsed.extends === 'recommended' ? RECOMMENDED_POLICY : undefined);
}
