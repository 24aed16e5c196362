import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/policy/evaluate.js';
import { parsePolicy } from '../../src/policy/load.js';
import { RECOMMENDED_POLICY } from '../../src/policy/recommended.js';
import { changes, inventory, packageChange } from '../helpers/policy-fixtures.js';
import type { PackageChange } from '../../src/diff/types.js';

const NOW = new Date('2026-06-01T12:00:00Z');

function withNotes(change: PackageChange, cves: string[]): PackageChange {
  return {
    ...change,
    changelog: {
      entries: [{ version: '3.0.15-1', text: `  * Fix ${cves.join(', ')}` }],
      cves,
      advisories: [],
      security: cves.length > 0,
    },
  };
}

const pair = changes({
  packages: [
    withNotes(packageChange('dpkg', 'openssl', 'downgraded', '3.0.15-1', '3.0.14-1', 'patch'), [
      'CVE-2024-9143',
    ]),
    withNotes(packageChange('dpkg', 'libc6', 'downgraded', '2.36-9+deb12u4', '2.36-9', 'patch'), []),
    withNotes(packageChange('dpkg', 'curl', 'upgraded', '7.88.1-10', '7.88.1-10+deb12u5', 'patch'), [
      'CVE-2024-2398',
    ]),
  ],
});

describe('reopensCve', () => {
  it('matches only downgrades whose undone entries name a CVE, and names the CVEs', () => {
    const policy = parsePolicy(
      'rules:\n  - id: r\n    action: stop\n    packages: { reopensCve: true }\n',
      'p.yml',
    );
    expect(
      evaluatePolicy(policy, pair, inventory(), NOW).violations.map((v) => [v.subject, v.message]),
    ).toEqual([
      [
        'dpkg:openssl',
        'dpkg:openssl downgraded 3.0.15-1 → 3.0.14-1 (patch), undoing the fixes of CVE-2024-9143',
      ],
    ]);
    const others = parsePolicy(
      'rules:\n  - id: r\n    action: warn\n    packages: { change: downgraded, reopensCve: false }\n',
      'p.yml',
    );
    expect(evaluatePolicy(others, pair, inventory(), NOW).violations.map((v) => v.subject)).toEqual([
      'dpkg:libc6',
    ]);
  });

  it('stops the recommended preset on a downgrade that reopens a CVE', () => {
    const verdict = evaluatePolicy(RECOMMENDED_POLICY, pair, inventory(), NOW);
    expect(verdict.result).toBe('stop');
    expect(
      verdict.violations.filter((v) => v.rule === 'downgrade-reopens-cve').map((v) => [v.subject, v.action]),
    ).toEqual([['dpkg:openssl', 'stop']]);
  });
});
