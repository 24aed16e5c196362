import { globMatcher } from '../util/glob.js';
import type { FileList } from '../catalog/types.js';
import type { FileChange } from '../diff/types.js';
import { describeFileChange } from './describe.js';
import type { SecretRule } from './model.js';
import { secretKindsFromPath, secretKindsOf } from '../catalog/probes/secret-kinds.js';
import type { Violation } from './types.js';

/**
 * Violations of a secrets rule: added or modified regular files whose content the secrets probe
 * flagged while the layer streamed (the result sits in the new inventory's entry), or whose name is
 * a credentials file's.
 */
export function secretViolations(
  rule: SecretRule,
  files: readonly FileChange[],
  afterFiles: FileList,
): Violation[] {
  const { match } = rule;
  const pathMatches = match.path === undefined ? () => true : globMatcher(match.path, { dot: true });
  const wanted = match.kinds === undefined ? undefined : new Set<string>(match.kinds);
  const out: Violation[] = [];
  for (const change of files) {
    if (change.kind !== 'added' && change.kind !== 'modified') continue;
    if (match.nonPackaged !== undefined && (change.ownership === 'none') !== match.nonPackaged) continue;
    if (!pathMatches(change.path)) continue;
    const entry = afterFiles.get(change.path);
    if (entry === undefined || (entry.type !== 'file' && entry.type !== 'hardlink') || entry.size === 0)
      continue;
    const found = [...new Set([...secretKindsOf(entry.probes), ...secretKindsFromPath(change.path)])]
      .filter((kind) => wanted === undefined || wanted.has(kind))
      .sort();
    if (found.length === 0) continue;
    out.push({
      rule: rule.id,
      action: rule.action,
      subject: change.path,
      message: `${change.path}: ${describeFileChange(change)} holds ${found.join(', ')}`,
    });
  }
  return out;
}
