import { describe, expect, it } from 'vitest';
import { diffInventories } from '../../src/diff/diff.js';
import { shouldRedactKey, redactUrlCredentials } from '../../src/diff/secret-keys.js';
import type { DiffOptions } from '../../src/diff/types.js';
import { InventoryBuilder } from '../helpers/inventory-builder.js';

const OPTIONS: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };

function base(): InventoryBuilder {
  return new InventoryBuilder()
    .os('debian', '12', 'Debian GNU/Linux 12 (bookworm)')
    .layers('debian', 'app')
    .config({
      User: 'app',
      Entrypoint: ['/entrypoint.sh'],
      Cmd: ['serve', '--port', '8080'],
      WorkingDir: '/srv',
      Env: ['PATH=/usr/local/bin:/usr/bin', 'DB_PASSWORD=hunter2', 'LANG=C.UTF-8'],
      ExposedPorts: { '8080/tcp': {} },
      Volumes: { '/data': {} },
      Labels: { 'org.opencontainers.image.version': '1.0.0' },
      StopSignal: 'SIGTERM',
      Healthcheck: {
        Test: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'],
        Interval: 30e9,
        Retries: 3,
      },
    });
}

const keys = (b: InventoryBuilder) => diffInventories(base().build(), b.build(), OPTIONS).settings;

describe('diffInventories (settings)', () => {
  it('lists nothing when the settings are the same', () => {
    expect(keys(base())).toEqual([]);
  });

  it('reports user, entrypoint, cmd, workdir, stop signal and healthcheck changes with both values', () => {
    const after = base().config({
      User: 'root',
      Entrypoint: ['/bin/sh', '-c'],
      Cmd: null,
      WorkingDir: '/app',
      StopSignal: 'SIGQUIT',
      Healthcheck: { Test: ['NONE'] },
    });
    expect(keys(after)).toEqual([
      { key: 'cmd', before: '["serve","--port","8080"]' },
      { key: 'entrypoint', before: '["/entrypoint.sh"]', after: '["/bin/sh","-c"]' },
      {
        key: 'healthcheck',
        before: 'CMD-SHELL curl -f http://localhost:8080/ || exit 1 (interval 30s, retries 3)',
        after: 'NONE',
      },
      { key: 'stopsignal', before: 'SIGTERM', after: 'SIGQUIT' },
      { key: 'user', before: 'app', after: 'root' },
      { key: 'workdir', before: '/srv', after: '/app' },
    ]);
  });

  it('reports each env var, port, volume and label on its own key', () => {
    const after = base().config({
      Env: ['PATH=/usr/bin', 'LANG=C.UTF-8', 'NODE_ENV=production'],
      ExposedPorts: { '8080/tcp': {}, '9090/tcp': {} },
      Volumes: {},
      Labels: { 'org.opencontainers.image.version': '1.1.0' },
    });
    expect(keys(after)).toEqual([
      { key: 'env.DB_PASSWORD', before: '(redacted)', redacted: true },
      { key: 'env.NODE_ENV', after: 'production' },
      { key: 'env.PATH', before: '/usr/local/bin:/usr/bin', after: '/usr/bin' },
      { key: 'label.org.opencontainers.image.version', before: '1.0.0', after: '1.1.0' },
      { key: 'port.9090/tcp', after: '9090/tcp' },
      { key: 'volume./data', before: '/data' },
    ]);
  });

  it('redacts secret values on both sides but still reports that they changed', () => {
    const after = base().config({
      Env: [
        'PATH=/usr/local/bin:/usr/bin',
        'DB_PASSWORD=correct-horse',
        'LANG=C.UTF-8',
        'DATABASE_URL=postgres://app:s3cret@db/app',
      ],
    });
    const settings = keys(after);
    expect(settings).toEqual([
      { key: 'env.DATABASE_URL', after: 'postgres://app:(redacted)@db/app', redacted: true },
      { key: 'env.DB_PASSWORD', before: '(redacted)', after: '(redacted)', redacted: true },
    ]);
    expect(JSON.stringify(settings)).not.toMatch(/hunter2|correct-horse|s3cret/);
  });

  it('reports layers, sizes and the history of added and removed layers', () => {
    const after = base().layers('debian', 'app2', 'extra');
    const settings = keys(after);
    expect(settings.map((s) => s.key)).toEqual(['history', 'layers', 'size.compressed', 'size.uncompressed']);
    expect(settings[0]).toEqual({ key: 'history', before: 'RUN app', after: 'RUN app2\nRUN extra' });
    expect(settings[1]).toEqual({ key: 'layers', before: '2', after: '3' });
  });

  it('does not call an image changed when only layers and excluded paths changed', () => {
    const before = base().build();
    const after = base().layers('debian', 'app-rebuilt').file('var/log/build.log').build();
    const changes = diffInventories(before, after, OPTIONS);
    expect(changes.layers).toEqual({
      shared: 1,
      added: [after.image.layers[1]!.diffID],
      removed: [before.image.layers[1]!.diffID],
    });
    expect(changes.settings.map((s) => s.key)).toEqual(['history']);
    expect(changes.hasChanges).toBe(false);
  });

  it('lists every setting as after on a first release', () => {
    const changes = diffInventories(undefined, base().build(), OPTIONS);
    expect(changes.settings.every((s) => s.before === undefined && s.after !== undefined)).toBe(true);
    expect(changes.settings.map((s) => s.key)).toEqual([
      'cmd',
      'entrypoint',
      'env.DB_PASSWORD',
      'env.LANG',
      'env.PATH',
      'healthcheck',
      'history',
      'label.org.opencontainers.image.version',
      'layers',
      'os',
      'platform',
      'port.8080/tcp',
      'size.compressed',
      'size.uncompressed',
      'stopsignal',
      'user',
      'volume./data',
      'workdir',
    ]);
    expect(changes.settings.find((s) => s.key === 'env.DB_PASSWORD')).toEqual({
      key: 'env.DB_PASSWORD',
      after: '(redacted)',
      redacted: true,
    });
    expect(changes.layers).toEqual({
      shared: 0,
      added: changes.after.summary.layers.map((l) => l.diffID),
      removed: [],
    });
  });

  it('flags a platform change and an OS change', () => {
    const after = base().platform('linux/arm64').os('debian', '13', 'Debian GNU/Linux 13 (trixie)').build();
    const changes = diffInventories(base().build(), after, OPTIONS);
    expect(changes.platformChanged).toBe(true);
    expect(changes.osChanged).toBe(true);
    expect(changes.settings).toEqual([
      { key: 'os', before: 'Debian GNU/Linux 12 (bookworm)', after: 'Debian GNU/Linux 13 (trixie)' },
      { key: 'platform', before: 'linux/amd64', after: 'linux/arm64' },
    ]);
    const same = diffInventories(base().build(), base().build(), OPTIONS);
    expect([same.platformChanged, same.osChanged]).toEqual([false, false]);
  });

  it('describes both sides of the comparison', () => {
    const changes = diffInventories(base().pkg('dpkg', 'a', '1').file('x').build(), base().build(), OPTIONS);
    expect(changes.before).toMatchObject({
      packageCount: 1,
      fileCount: 1,
      user: 'app',
      os: { id: 'debian', versionId: '12' },
    });
    expect(changes.after).toMatchObject({ packageCount: 0, fileCount: 0, user: 'app' });
  });
});

describe('shouldRedactKey', () => {
  it.each([
    'DB_PASSWORD',
    'GITHUB_TOKEN',
    'AWS_SECRET_ACCESS_KEY',
    'API_KEY',
    'apiKey',
    'NPM_AUTH',
    'PRIVATE_KEY',
    'DB_PWD',
    'SESSION_COOKIE',
    'AZURE_CREDENTIALS',
    'passphrase',
  ])('%s is secret', (key) => expect(shouldRedactKey(key)).toBe(true));
  it.each([
    'PATH',
    'PWD',
    'OLDPWD',
    'LANG',
    'HOME',
    'KEYBOARD',
    'SSH_KEY_PATH',
    'DB_PASSWORD_FILE',
    'GNUPGHOME',
    'CERT_DIR',
    'NODE_ENV',
    'PYTHONPATH',
    'LD_LIBRARY_PATH',
  ])('%s is not secret', (key) => expect(shouldRedactKey(key)).toBe(false));
  it('hides URL credentials but keeps the rest of the URL', () => {
    expect(redactUrlCredentials('redis://:pw@cache:6379 https://u:p@x.example/a')).toBe(
      'redis://:(redacted)@cache:6379 https://u:(redacted)@x.example/a',
    );
    expect(redactUrlCredentials('https://x.example/a@b:c')).toBe('https://x.example/a@b:c');
  });
});
