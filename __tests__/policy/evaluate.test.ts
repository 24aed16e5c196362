import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/policy/evaluate.js';
import { parsePolicy } from '../../src/policy/load.js';
import { changes, fileChange, fileState, inventory, packageChange } from '../helpers/policy-fixtures.js';

const POLICY = `
rules:
  - id: info-removed
    action: info
    packages: { change: removed }
  - id: no-downgrades
    action: stop
    packages: { change: downgraded }
  - id: majors
    action: warn
    packages: { bump: major }
  - id: no-suid
    action: stop
    files: { setuid: true }
allow:
  - rule: no-downgrades
    package: libc6
    reason: pinned for a glibc regression
    expires: 2026-12-31
  - rule: no-suid
    path: usr/bin/*
    reason: vendor tools
  - rule: majors
    package: "dpkg:python3*"
    reason: python upgrade planned
    expires: 2025-01-31
`;

const input = changes({
  packages: [
    packageChange('dpkg', 'zlib1g', 'downgraded', '1:1.3', '1:1.2.13', 'minor'),
    packageChange('dpkg', 'libc6', 'downgraded', '2.37-1', '2.36-9', 'minor'),
    packageChange('dpkg', 'python3.12', 'upgraded', '3.11.2', '4.0.0', 'major'),
    packageChange('dpkg', 'curl', 'removed', '7.88.1-10', undefined),
  ],
  files: [
    fileChange('usr/bin/vendor', 'added', { after: fileState({ mode: 0o4755 }) }),
    fileChange('opt/x', 'added', { after: fileState({ mode: 0o4755 }) }),
  ],
});

const evaluate = (now: string) =>
  evaluatePolicy(parsePolicy(POLICY, 'p.yml'), input, inventory(), new Date(now));

describe('evaluatePolicy', () => {
  it('orders violations by action, then rule order, then subject, and marks allowed ones', () => {
    const verdict = evaluate('2026-06-01T00:00:00Z');
    expect(verdict.violations.map((v) => [v.action, v.rule, v.subject, v.allowed !== undefined])).toEqual([
      ['stop', 'no-downgrades', 'dpkg:libc6', true],
      ['stop', 'no-downgrades', 'dpkg:zlib1g', false],
      ['stop', 'no-suid', 'opt/x', false],
      ['stop', 'no-suid', 'usr/bin/vendor', true],
      ['warn', 'majors', 'dpkg:python3.12', false],
      ['info', 'info-removed', 'dpkg:curl', false],
    ]);
    expect(verdict.result).toBe('stop');
    expect(verdict.policy).toBe('p.yml');
    expect(verdict.violations[0]!.allowed).toEqual({
      reason: 'pinned for a glibc regression',
      expires: '2026-12-31',
    });
    expect(verdict.violations[3]!.allowed).toEqual({ reason: 'vendor tools' });
  });

  it('keeps an allowance through its expiry day and drops it the next day, saying so', () => {
    const lastDay = evaluate('2026-12-31T23:59:59Z').violations.find((v) => v.subject === 'dpkg:libc6')!;
    expect(lastDay.allowed).toBeDefined();
    const nextDay = evaluate('2027-01-01T00:00:00Z').violations.find((v) => v.subject === 'dpkg:libc6')!;
    expect(nextDay.allowed).toBeUndefined();
    expect(nextDay.expiredAllowance).toEqual({
      reason: 'pinned for a glibc regression',
      expires: '2026-12-31',
    });
    expect(nextDay.message).toBe(
      'dpkg:libc6 downgraded 2.37-1 → 2.36-9 (minor) (allowance expired on 2026-12-31: pinned for a glibc regression)',
    );
  });

  it('matches a package allowance on ecosystem:name as well as on the name', () => {
    const python = evaluate('2024-12-01T00:00:00Z').violations.find((v) => v.rule === 'majors')!;
    expect(python.allowed).toEqual({ reason: 'python upgrade planned', expires: '2025-01-31' });
    const later = evaluate('2026-01-01T00:00:00Z').violations.find((v) => v.rule === 'majors')!;
    expect(later.expiredAllowance?.expires).toBe('2025-01-31');
  });

  it('passes, warns or stops by the violations that are not allowed', () => {
    const policy = parsePolicy(POLICY, 'p.yml');
    const only = (...packages: ReturnType<typeof packageChange>[]) =>
      evaluatePolicy(policy, changes({ packages }), inventory(), new Date('2026-06-01T00:00:00Z')).result;
    expect(only()).toBe('pass');
    expect(only(packageChange('dpkg', 'curl', 'removed', '1', undefined))).toBe('pass');
    expect(only(packageChange('dpkg', 'libc6', 'downgraded', '2', '1'))).toBe('pass');
    expect(only(packageChange('dpkg', 'perl', 'upgraded', '5', '6', 'major'))).toBe('warn');
    expect(only(packageChange('dpkg', 'perl', 'downgraded', '6', '5', 'major'))).toBe('stop');
  });

  it('gives the same verdict whatever order the changes come in', () => {
    const policy = parsePolicy(POLICY, 'p.yml');
    const now = new Date('2026-06-01T00:00:00Z');
    const reversed = { ...input, packages: [...input.packages].reverse(), files: [...input.files].reverse() };
    expect(evaluatePolicy(policy, reversed, inventory(), now)).toEqual(
      evaluatePolicy(policy, input, inventory(), now),
    );
  });

  it('lets an allowance without a selector cover every violation of its rule', () => {
    const policy = parsePolicy(`${POLICY}  - rule: info-removed\n    reason: removals are fine\n`, 'p.yml');
    const verdict = evaluatePolicy(policy, input, inventory(), new Date('2026-06-01T00:00:00Z'));
    expect(verdict.violations.find((v) => v.rule === 'info-removed')!.allowed).toEqual({
      reason: 'removals are fine',
    });
  });
});
