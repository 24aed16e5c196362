import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../src/policy/evaluate.js';
import { parsePolicy } from '../../src/policy/load.js';
import { compareOsVersions } from '../../src/diff/os-release-change.js';
import { isRootUser } from '../../src/diff/root-user.js';
import { isSecretKey } from '../../src/policy/secret-keys.js';
import type { Inventory } from '../../src/catalog/types.js';
import type { Changes } from '../../src/diff/types.js';
import { changes, inventory, os } from '../helpers/policy-fixtures.js';

const NOW = new Date('2026-06-01T12:00:00Z');

function check(imageBlock: string, c: Changes, after: Inventory): Array<[string, string]> {
  const policy = parsePolicy(`rules:\n  - id: r\n    action: stop\n    image: ${imageBlock}\n`, 'p.yml');
  return evaluatePolicy(policy, c, after, NOW).violations.map((v) => [v.subject, v.message]);
}

describe('imageViolations', () => {
  it('tells a root user from others when the image says runsAsRoot', () => {
    for (const user of ['', 'root', '0', '0:0', 'root:wheel']) {
      expect(
        check('{ runsAsRoot: true }', changes(), inventory({ config: { User: user } })),
        user,
      ).toHaveLength(1);
    }
    for (const user of ['app', '1000', '1000:0', 'rootless']) {
      expect(check('{ runsAsRoot: true }', changes(), inventory({ config: { User: user } })), user).toEqual(
        [],
      );
    }
    expect(check('{ runsAsRoot: true }', changes(), inventory())).toEqual([
      ['user', 'the image runs as root (no USER set)'],
    ]);
  });

  it('reports a switch to root only when the previous image ran as someone else', () => {
    const toRoot = changes({ before: { user: 'app' } });
    expect(check('{ switchedToRoot: true }', toRoot, inventory({ config: { User: 'root' } }))).toEqual([
      ['user', 'the image switched from user "app" to root (USER root)'],
    ]);
    expect(check('{ switchedToRoot: true }', changes({ before: { user: '' } }), inventory())).toEqual([]);
    expect(check('{ switchedToRoot: true }', changes({ before: null }), inventory())).toEqual([]);
    expect(check('{ switchedToRoot: true }', toRoot, inventory({ config: { User: 'app' } }))).toEqual([]);
  });

  it('reports ports the previous image did not expose', () => {
    const after = inventory({ config: { ExposedPorts: { '80/tcp': {}, '443/tcp': {}, '53/udp': {} } } });
    const added = changes({
      settings: [{ key: 'ports', before: '80/tcp', after: '53/udp, 80/tcp, 443/tcp' }],
    });
    expect(check('{ newPorts: true }', added, after)).toEqual([
      ['port:443/tcp', 'the image exposes a new port 443/tcp'],
      ['port:53/udp', 'the image exposes a new port 53/udp'],
    ]);
    expect(check('{ newPorts: true }', changes(), after)).toEqual([]);
    const perPort = changes({ settings: [{ key: 'ports.443/tcp', after: '' }] });
    expect(check('{ newPorts: true }', perPort, after).map(([s]) => s)).toEqual(['port:443/tcp']);
    expect(check('{ newPorts: true }', changes({ before: null }), after)).toHaveLength(3);
  });

  it('reports secret-looking env keys that were set, never their values', () => {
    const c = changes({
      settings: [
        { key: 'env.DB_PASSWORD', after: '***', redacted: true },
        { key: 'env.GPG_KEY', before: 'A', after: 'B' },
        { key: 'env.PATH', before: '/bin', after: '/usr/bin:/bin' },
        { key: 'env.API_TOKEN', before: '***', redacted: true },
      ],
    });
    expect(check('{ secretEnv: true }', c, inventory())).toEqual([
      [
        'env.DB_PASSWORD',
        'environment variable DB_PASSWORD looks like a secret and was set in this image (its value is not shown)',
      ],
    ]);
    const first = inventory({
      config: { Env: ['PATH=/bin', 'AWS_SECRET_ACCESS_KEY=abc', 'POSTGRES_PASSWORD_FILE=/run/secrets/pw'] },
    });
    expect(check('{ secretEnv: true }', changes({ before: null }), first).map(([s]) => s)).toEqual([
      'env.AWS_SECRET_ACCESS_KEY',
    ]);
  });

  it('reports size growth only past every threshold given', () => {
    const grew = (mb: number): Inventory => inventory({ uncompressedSize: mb * 1_000_000 });
    const block = '{ sizeGrowth: { percent: 20, bytes: 10MB } }';
    expect(check(block, changes(), grew(130))).toEqual([
      ['size', 'the image grew by 30.0 MB (+30.0%): 100 MB → 130 MB uncompressed'],
    ]);
    expect(check(block, changes(), grew(115))).toEqual([]);
    expect(check('{ sizeGrowth: { bytes: 10MB } }', changes(), grew(115))).toHaveLength(1);
    expect(check(block, changes(), grew(80))).toEqual([]);
    expect(check(block, changes({ before: null }), grew(900))).toEqual([]);
  });

  it('reports too many layers and missing required labels', () => {
    const after = inventory({
      layers: 5,
      config: { Labels: { 'org.opencontainers.image.source': 'https://x', empty: '' } },
    });
    expect(check('{ maxLayers: 4 }', changes(), after)).toEqual([
      ['layers', 'the image has 5 layers, more than 4'],
    ]);
    expect(check('{ maxLayers: 5 }', changes(), after)).toEqual([]);
    expect(
      check(
        '{ requiredLabels: [org.opencontainers.image.source, org.opencontainers.image.version, empty] }',
        changes(),
        after,
      ),
    ).toEqual([
      ['label.empty', 'required label empty is missing'],
      [
        'label.org.opencontainers.image.version',
        'required label org.opencontainers.image.version is missing',
      ],
    ]);
  });

  it('tells a distribution change from a release change', () => {
    const from = (id: string, v: string): Changes => changes({ before: { os: os(id, v) } });
    expect(
      check('{ osChanged: true }', from('debian', '12'), inventory({ os: os('alpine', '3.20.3') })),
    ).toEqual([['os', 'the base distribution changed: debian 12 → alpine 3.20.3']]);
    expect(check('{ osChanged: true }', from('debian', '12'), inventory({ os: os('debian', '13') }))).toEqual(
      [],
    );
    expect(
      check('{ osVersionDecreased: true }', from('debian', '12'), inventory({ os: os('debian', '11') })),
    ).toEqual([['os.version', 'the base distribution went back from debian 12 to debian 11']]);
    expect(
      check(
        '{ osVersionDecreased: true }',
        from('alpine', '3.20.1'),
        inventory({ os: os('alpine', '3.19.4') }),
      ),
    ).toHaveLength(1);
    expect(
      check(
        '{ osVersionDecreased: true }',
        from('alpine', '3.19.4'),
        inventory({ os: os('alpine', '3.20.1') }),
      ),
    ).toEqual([]);
    expect(
      check('{ osVersionDecreased: true }', from('debian', '12'), inventory({ os: os('ubuntu', '11') })),
    ).toEqual([]);
  });
});

describe('isRootUser / compareOsVersions / isSecretKey', () => {
  it('classifies users, OS versions and env names when given edge cases', () => {
    expect(isRootUser(' 0 ')).toBe(true);
    expect(isRootUser('00:1000')).toBe(true);
    expect(compareOsVersions('9.4', '9.10')).toBe(-1);
    expect(compareOsVersions('22.04', '22.04')).toBe(0);
    for (const key of [
      'DB_PASSWORD',
      'GITHUB_TOKEN',
      'apiKey',
      'AWS_SECRET_ACCESS_KEY',
      'STRIPE_API_KEY',
      'MYSQL_ROOT_PASSWD',
      'CLIENT_SECRET',
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of [
      'PATH',
      'GPG_KEY',
      'PWD',
      'KEYBOARD',
      'TOKENIZERS_PARALLELISM',
      'PASSWORD_FILE',
      'NODE_VERSION',
      'BYPASS_CACHE',
    ]) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });
});
