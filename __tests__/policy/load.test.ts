import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy/load.js';
import { RECOMMENDED_POLICY } from '../../src/policy/recommended.js';
import { ImageChangelogError } from '../../src/util/errors.js';

const FILE = '.github/image-policy.yml';

/** The error message parsePolicy throws for `text` (failing the test when it does not throw). */
function errorOf(text: string): ImageChangelogError {
  try {
    parsePolicy(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ImageChangelogError);
    return err as ImageChangelogError;
  }
  throw new Error('expected parsePolicy to throw');
}

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

describe('parsePolicy', () => {
  it('reads every rule kind with its conditions when the policy is valid', () => {
    const policy = parsePolicy(
      lines(
        'rules:',
        '  - id: banned',
        '    description: Banned packages',
        '    action: stop',
        '    packages: { name: ["event-stream", "@evil/*"], ecosystem: npm, present: true, version: "^3.3" }',
        '  - id: big-files',
        '    action: warn',
        '    files: { path: /opt/**, minSize: 10MB, maxSize: 1GiB, change: [added, modified], sizeGrowthFactor: 10 }',
        '  - id: keys',
        '    action: stop',
        '    secrets: { kinds: private-key }',
        '  - id: settings',
        '    action: info',
        '    image: { sizeGrowth: { percent: 20, bytes: 100MB }, maxLayers: 40, requiredLabels: org.opencontainers.image.source }',
      ),
      FILE,
    );
    expect(policy.source).toBe(FILE);
    expect(policy.rules.map((r) => [r.id, r.kind, r.action])).toEqual([
      ['banned', 'packages', 'stop'],
      ['big-files', 'files', 'warn'],
      ['keys', 'secrets', 'stop'],
      ['settings', 'image', 'info'],
    ]);
    expect(policy.rules[0]).toMatchObject({
      description: 'Banned packages',
      definedAt: `${FILE}:2:5`,
      match: {
        name: ['event-stream', '@evil/*'],
        ecosystem: ['npm'],
        present: true,
        version: { text: '^3.3', semverRange: '^3.3' },
      },
    });
    expect(policy.rules[1]!.match).toEqual({
      path: ['opt/**'],
      minSize: 10_000_000,
      maxSize: 1024 ** 3,
      change: ['added', 'modified'],
      sizeGrowthFactor: 10,
    });
    expect(policy.rules[2]!.match).toEqual({ kinds: ['private-key'] });
    expect(policy.rules[3]!.match).toEqual({
      sizeGrowth: { percent: 20, bytes: 100_000_000 },
      maxLayers: 40,
      requiredLabels: ['org.opencontainers.image.source'],
    });
  });

  it('reads OP VERSION clauses for non-npm schemes when the constraint has several', () => {
    const policy = parsePolicy(
      lines(
        'rules:',
        '  - id: old-openssl',
        '    action: stop',
        '    packages: { name: openssl, version: ">=1:2.0-1, <3" }',
      ),
      FILE,
    );
    expect(policy.rules[0]!.match).toMatchObject({
      version: {
        clauses: [
          { op: '>=', version: '1:2.0-1' },
          { op: '<', version: '3' },
        ],
      },
    });
  });

  describe('errors', () => {
    const cases: Array<[string, string, string]> = [
      [
        'an unknown key, with a suggestion',
        lines('rules:', '  - id: a', '    acton: stop', '    image: { osChanged: true }'),
        `${FILE}:3:5: unknown key "acton" in rule "a"; did you mean "action"?`,
      ],
      [
        'an unknown key inside a subject block',
        lines('rules:', '  - id: a', '    action: stop', '    files:', '      setiud: true'),
        `${FILE}:5:7: unknown key "setiud" in "files" of rule "a"; did you mean "setuid"?`,
      ],
      [
        'an unknown top-level key without a close match',
        lines('rulez:', '  - id: a', 'colour: blue'),
        `${FILE}:1:1: unknown key "rulez" in the policy; did you mean "rules"?`,
      ],
      [
        'an unknown key nothing resembles',
        lines('rules: []', 'colour: blue'),
        `${FILE}:2:1: unknown key "colour" in the policy; expected one of: $schema, extends, rules, allow`,
      ],
      [
        'a wrong type',
        lines('rules:', '  - id: a', '    action: stop', '    image: { maxLayers: ten }'),
        `${FILE}:4:25: "maxLayers" must be a whole number (got "ten")`,
      ],
      [
        'a boolean written as a string',
        lines('rules:', '  - id: a', '    action: stop', '    files: { setuid: "yes" }'),
        `${FILE}:4:22: "setuid" must be true or false (got "yes")`,
      ],
      ['rules that are not a list', lines('rules:', '  id: a'), `${FILE}:2:3: "rules" must be a list`],
      [
        'a bad enum value',
        lines('rules:', '  - id: a', '    action: block', '    image: { osChanged: true }'),
        `${FILE}:3:13: "action" must be one of stop, warn, info (got "block")`,
      ],
      [
        'a misspelt enum value in a list',
        lines('rules:', '  - id: a', '    action: stop', '    packages: { change: [added, downgrade] }'),
        `${FILE}:4:33: "change" must be one of added, removed, upgraded, downgraded, rebuilt (got "downgrade"); did you mean "downgraded"?`,
      ],
      [
        'a bad date',
        lines(
          'rules:',
          '  - id: a',
          '    action: stop',
          '    image: { osChanged: true }',
          'allow:',
          '  - rule: a',
          '    reason: ok',
          '    expires: 2026-02-30',
        ),
        `${FILE}:8:14: "expires" must be a date YYYY-MM-DD like 2026-12-31 (got "2026-02-30")`,
      ],
      [
        'a bad glob',
        lines('rules:', '  - id: a', '    action: stop', '    files: { path: "usr/[bin/*" }'),
        `${FILE}:4:20: "path" must be a valid glob (missing closing "]"; escape literal brackets with \\) (got "usr/[bin/*")`,
      ],
      [
        'a bad size',
        lines('rules:', '  - id: a', '    action: stop', '    files: { minSize: 10 parsecs }'),
        `${FILE}:4:23: "minSize" must be a size like 512, 10MB or 1.5GiB (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB) (got "10 parsecs")`,
      ],
      [
        'a constraint that is no constraint',
        lines('rules:', '  - id: a', '    action: stop', '    packages: { version: "<<1.2" }'),
        `${FILE}:4:26: "version" must be a version constraint like "<1.2", ">=1:2.0-1, <2" or (npm) "^1.2" (got "<<1.2")`,
      ],
      [
        'a semver range on a rule that covers other schemes',
        lines(
          'rules:',
          '  - id: a',
          '    action: stop',
          '    packages: { ecosystem: [npm, dpkg], version: "^1.2" }',
        ),
        `${FILE}:4:50: "^1.2" is a semver range, which only npm packages use; add "ecosystem: npm", or write "version" as OP VERSION clauses joined by "," (like ">=1:2.0-1, <2")`,
      ],
      [
        'two subject blocks in one rule',
        lines(
          'rules:',
          '  - id: a',
          '    action: stop',
          '    packages: { change: added }',
          '    files: { setuid: true }',
        ),
        `${FILE}:5:5: rule "a" has both "packages" and "files"; a rule matches exactly one subject`,
      ],
      [
        'a rule without an id',
        lines('rules:', '  - action: stop', '    image: { osChanged: true }'),
        `${FILE}:2:5: rules[0] needs an "id"`,
      ],
      [
        'a rule without a subject block',
        lines('rules:', '  - id: a', '    action: stop'),
        `${FILE}:2:5: rule "a" needs one of "packages", "files", "secrets", "image"`,
      ],
      [
        'a rule without an action',
        lines('rules:', '  - id: a', '    image: { osChanged: true }'),
        `${FILE}:2:5: rule "a" needs an "action" (stop, warn or info)`,
      ],
      [
        'duplicate rule ids',
        lines(
          'rules:',
          '  - id: a',
          '    action: stop',
          '    image: { osChanged: true }',
          '  - id: a',
          '    action: warn',
          '    image: { newPorts: true }',
        ),
        `${FILE}:5:9: duplicate rule id "a" (first defined at ${FILE}:2:9)`,
      ],
      [
        'present combined with change',
        lines('rules:', '  - id: a', '    action: stop', '    packages: { present: true, change: added }'),
        `${FILE}:4:15: "present: true" checks the whole new image, so it cannot be combined with "change" or "bump"`,
      ],
      [
        'an allowance without a reason',
        lines(
          'rules:',
          '  - id: a',
          '    action: stop',
          '    image: { osChanged: true }',
          'allow:',
          '  - rule: a',
        ),
        `${FILE}:6:5: allow[0] needs "reason" (why the exception is acceptable)`,
      ],
      [
        'an allowance for a rule that does not exist',
        lines(
          'rules:',
          '  - id: no-root',
          '    action: stop',
          '    image: { runsAsRoot: true }',
          'allow:',
          '  - rule: no-rot',
          '    reason: ok',
        ),
        `${FILE}:6:11: allow entry names rule "no-rot", which the policy does not have; did you mean "no-root"?`,
      ],
      [
        'an allowance selecting packages on a files rule',
        lines(
          'rules:',
          '  - id: a',
          '    action: stop',
          '    files: { setuid: true }',
          'allow:',
          '  - rule: a',
          '    package: sudo',
          '    reason: ok',
        ),
        `${FILE}:7:5: "package" selects packages, but rule "a" is a files rule; use "path"`,
      ],
      [
        'an allowance selecting paths on an image rule',
        lines(
          'rules:',
          '  - id: a',
          '    action: stop',
          '    image: { runsAsRoot: true }',
          'allow:',
          '  - rule: a',
          '    path: etc/*',
          '    reason: ok',
        ),
        `${FILE}:7:5: "path" selects files, but rule "a" is an image rule; use "subject"`,
      ],
      [
        'an unknown base policy',
        lines('extends: recomended', 'rules: []'),
        `${FILE}:1:10: "extends" must be one of recommended (got "recomended"); did you mean "recommended"?`,
      ],
      [
        'disabling a rule the base policy does not have',
        lines('extends: recommended', 'rules:', '  - id: package-downgrade', '    disable: true'),
        `${FILE}:3:9: rule "package-downgrade" says "disable: true", but the base policy has no rule "package-downgrade" (the base policy has "package-downgraded")`,
      ],
      [
        'a duplicate key',
        lines('rules: []', 'rules: []'),
        `${FILE}:2:1: this key appears twice in the same mapping`,
      ],
      [
        'broken YAML',
        lines('rules: [', '  - id: a'),
        `${FILE}:2:3: YAML syntax error: Block collections are not allowed within flow collections`,
      ],
      ['an empty file', '', `${FILE}:1:1: the policy is empty; expected a mapping with "rules"`],
    ];

    it.each(cases)(
      'points at the line and column and says what was expected for %s',
      (_what, text, message) => {
        const err = errorOf(text);
        expect(err.message).toBe(message);
        expect(err.code).toBe('POLICY_INVALID');
        expect(err.subject).toBe(FILE);
      },
    );
  });

  describe('extends: recommended', () => {
    it('starts from every built-in rule when the policy only extends', () => {
      const policy = parsePolicy('extends: recommended\n', FILE);
      expect(policy.rules.map((r) => r.id)).toEqual(RECOMMENDED_POLICY.rules.map((r) => r.id));
      expect(policy.extends).toBe('recommended');
    });

    it('drops, re-actions, replaces and appends rules when the user overrides them', () => {
      const policy = parsePolicy(
        lines(
          'extends: recommended',
          'rules:',
          '  - id: os-changed',
          '    disable: true',
          '  - id: major-upgrade',
          '    action: stop',
          '  - id: new-exposed-port',
          '    action: info',
          '    image: { runsAsRoot: true }',
          '  - id: mine',
          '    action: warn',
          '    packages: { change: removed }',
        ),
        FILE,
      );
      const ids = policy.rules.map((r) => r.id);
      expect(ids).not.toContain('os-changed');
      expect(ids.at(-1)).toBe('mine');
      expect(ids.length).toBe(RECOMMENDED_POLICY.rules.length);
      const major = policy.rules.find((r) => r.id === 'major-upgrade')!;
      const base = RECOMMENDED_POLICY.rules.find((r) => r.id === 'major-upgrade')!;
      expect(major.action).toBe('stop');
      expect(major.match).toEqual(base.match);
      expect(major.description).toBe(base.description);
      const port = policy.rules.find((r) => r.id === 'new-exposed-port')!;
      expect(port).toMatchObject({ action: 'info', kind: 'image', match: { runsAsRoot: true } });
      expect(port.description).toBeUndefined();
      expect(ids.indexOf('major-upgrade')).toBe(
        RECOMMENDED_POLICY.rules.findIndex((r) => r.id === 'major-upgrade'),
      );
    });

    it('accepts allowances for built-in rules when extending', () => {
      const policy = parsePolicy(
        lines(
          'extends: recommended',
          'allow:',
          '  - rule: packaged-setuid',
          '    path: /usr/bin/sudo',
          '    reason: we ship sudo',
          '    expires: 2026-12-31',
        ),
        FILE,
      );
      expect(policy.allow).toEqual([
        {
          rule: 'packaged-setuid',
          path: 'usr/bin/sudo',
          reason: 'we ship sudo',
          expires: '2026-12-31',
          definedAt: `${FILE}:3:5`,
        },
      ]);
    });
  });
});
