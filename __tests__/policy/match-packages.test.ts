import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/policy/evaluate.js';
import { parsePolicy } from '../../src/policy/load.js';
import { changes, inventory, packageChange, pkg } from '../helpers/policy-fixtures.js';
import type { Changes } from '../../src/diff/types.js';
import type { Inventory } from '../../src/catalog/types.js';

const NOW = new Date('2026-06-01T12:00:00Z');

/** Subjects and messages of the violations a one-rule packages policy finds. */
function check(packagesBlock: string, c: Changes, after: Inventory = inventory()): Array<[string, string]> {
  const policy = parsePolicy(
    `rules:\n  - id: r\n    action: stop\n    packages: ${packagesBlock}\n`,
    'p.yml',
  );
  return evaluatePolicy(policy, c, after, NOW).violations.map((v) => [v.subject, v.message]);
}

const mixed = changes({
  packages: [
    packageChange('dpkg', 'libc6', 'downgraded', '2.36-9+deb12u4', '2.36-9', 'patch'),
    packageChange('dpkg', 'openssl', 'upgraded', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1', 'patch'),
    packageChange('dpkg', 'tzdata', 'upgraded', '2024a-0+deb12u1', '2025b-0+deb12u1', 'major'),
    packageChange('npm', 'express', 'upgraded', '4.18.2', '5.0.0', 'major'),
    packageChange('npm', '@types/node', 'added', undefined, '20.1.0'),
    packageChange('dpkg', 'curl', 'removed', '7.88.1-10', undefined),
    packageChange('apk', 'musl', 'rebuilt', '1.2.4-r2', '1.2.4-r2'),
  ],
});

describe('packageViolations', () => {
  it('reports a downgrade with both versions when the rule asks for downgrades', () => {
    expect(check('{ change: downgraded }', mixed)).toEqual([
      ['dpkg:libc6', 'dpkg:libc6 downgraded 2.36-9+deb12u4 → 2.36-9 (patch)'],
    ]);
  });

  it('reports major bumps but leaves out calendar versions when calendarVersions is false', () => {
    expect(check('{ bump: major }', mixed).map(([s]) => s)).toEqual(['dpkg:tzdata', 'npm:express']);
    expect(check('{ bump: major, calendarVersions: false }', mixed)).toEqual([
      ['npm:express', 'npm:express upgraded 4.18.2 → 5.0.0 (major)'],
    ]);
    expect(check('{ bump: major, calendarVersions: true }', mixed).map(([s]) => s)).toEqual(['dpkg:tzdata']);
  });

  it('matches names with globs where * crosses / when names are scoped', () => {
    expect(check('{ name: "@types/*" }', mixed).map(([s]) => s)).toEqual(['npm:@types/node']);
    expect(check('{ name: "*", ecosystem: npm }', mixed).map(([s]) => s)).toEqual([
      'npm:@types/node',
      'npm:express',
    ]);
    expect(check('{ name: [curl, "lib*"], ecosystem: dpkg }', mixed).map(([s]) => s)).toEqual([
      'dpkg:curl',
      'dpkg:libc6',
    ]);
  });

  it('says what happened for added, removed and rebuilt packages', () => {
    expect(check('{ change: [added, removed, rebuilt] }', mixed)).toEqual([
      ['apk:musl', 'apk:musl 1.2.4-r2 rebuilt (same version, different content)'],
      ['dpkg:curl', 'dpkg:curl 7.88.1-10 removed'],
      ['npm:@types/node', 'npm:@types/node 20.1.0 added'],
    ]);
  });

  it('compares version constraints in the package scheme (dpkg revisions and tildes)', () => {
    // 3.0.13-1~deb12u1 is newer than 3.0.11 and older than 3.0.13-1 (tilde sorts first).
    expect(check('{ name: openssl, version: ">3.0.11, <3.0.13-1" }', mixed).map(([s]) => s)).toEqual([
      'dpkg:openssl',
    ]);
    expect(check('{ name: openssl, version: "<3.0.13~" }', mixed)).toEqual([]);
    expect(check('{ name: libc6, version: "<2.36-9+deb12u1" }', mixed).map(([s]) => s)).toEqual([
      'dpkg:libc6',
    ]);
    // Removed packages are checked on the version they had.
    expect(check('{ change: removed, version: "<7.88.1-10+deb12u5" }', mixed).map(([s]) => s)).toEqual([
      'dpkg:curl',
    ]);
  });

  it('uses semver ranges for npm packages when the rule is npm-only', () => {
    expect(check('{ ecosystem: npm, version: "^5" }', mixed).map(([s]) => s)).toEqual(['npm:express']);
    expect(check('{ ecosystem: npm, version: ">=20 <21" }', mixed).map(([s]) => s)).toEqual([
      'npm:@types/node',
    ]);
  });

  it('checks the whole new inventory, once per package version, when present is true', () => {
    const after = inventory({
      packages: [
        pkg('npm', 'event-stream', '3.3.6', 'app/node_modules/event-stream/package.json'),
        pkg('npm', 'event-stream', '3.3.6', 'app/node_modules/x/node_modules/event-stream/package.json'),
        pkg('npm', 'event-stream', '4.0.1', 'app/node_modules/y/node_modules/event-stream/package.json'),
        pkg('dpkg', 'telnet', '0.17+2.4-2'),
      ],
    });
    const none = changes();
    expect(
      check('{ name: event-stream, present: true, ecosystem: npm, version: "3.3.6" }', none, after),
    ).toEqual([
      ['npm:event-stream', 'npm:event-stream 3.3.6 is present (app/node_modules/event-stream/package.json)'],
    ]);
    expect(check('{ name: [event-stream, telnet], present: true }', none, after).map(([s]) => s)).toEqual([
      'dpkg:telnet',
      'npm:event-stream',
      'npm:event-stream',
    ]);
    expect(check('{ name: telnetd, present: true }', none, after)).toEqual([]);
  });
  it('selects runtimes, self-named binaries and cargo crates by ecosystem, name and version', () => {
    const c = changes({
      packages: [
        packageChange('runtime', 'node', 'upgraded', '20.20.1', '20.20.2', 'patch'),
        packageChange('runtime', 'java', 'added', undefined, '17.0.13'),
        packageChange('binary', 'busybox', 'upgraded', '1.37.0', '1.38.0', 'minor'),
        packageChange('cargo', 'openssl', 'added', undefined, '0.10.55'),
      ],
    });
    expect(check('{ ecosystem: [runtime], name: [node], version: "<20.20.2" }', c)).toEqual([]);
    expect(check('{ ecosystem: [runtime], version: ">=17" }', c).map(([s]) => s)).toEqual([
      'runtime:java',
      'runtime:node',
    ]);
    expect(check('{ ecosystem: [binary, cargo] }', c).map(([s]) => s)).toEqual([
      'binary:busybox',
      'cargo:openssl',
    ]);
  });
});
