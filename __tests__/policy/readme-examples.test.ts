import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy, POLICY_KEYS } from '../../src/policy/load.js';
import { repoRoot } from '../world/world.js';

/** The README's `## Policy` section: its examples are policies users copy, so each must load. */
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const start = readme.indexOf('\n## Policy\n');
const end = readme.indexOf('\n## ', start + 1);
const section = start >= 0 ? readme.slice(start, end < 0 ? undefined : end) : '';

const yamlBlocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
/** Workflow snippets (a `uses:` step) are not policies. */
const policies = yamlBlocks.filter((block) => !/^\s*- uses:/m.test(block));

describe('README policy section', () => {
  it('has policy examples', () => {
    expect(section).not.toBe('');
    expect(policies.length).toBeGreaterThanOrEqual(6);
  });

  it.each(policies.map((text, i) => [i, text] as const))('loads example %i', (i, text) => {
    const policy = parsePolicy(text, `README example ${i}`);
    expect(policy.rules.length).toBeGreaterThan(0);
  });

  it('documents every key of every block', () => {
    const documented = (key: string): boolean =>
      section.includes(`\`${key}\``) || section.includes(`${key}:`);
    const missing = Object.entries(POLICY_KEYS)
      .flatMap(([block, keys]) => keys.map((key) => `${block}.${key}`))
      .filter((name) => !documented(name.slice(name.indexOf('.') + 1)));
    expect(missing).toEqual([]);
  });

  it('lists every rule of the recommended policy', () => {
    const recommended = parsePolicy('extends: recommended\n', 'recommended');
    const missing = recommended.rules.map((r) => r.id).filter((id) => !section.includes(`\`${id}\``));
    expect(missing).toEqual([]);
  });
});
