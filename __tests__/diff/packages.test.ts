import { describe, expect, it } from 'vitest';
import { diffInventories } from '../../src/diff/diff.js';
import type { Changes, DiffOptions, PackageChange } from '../../src/diff/types.js';
import { InventoryBuilder } from '../helpers/inventory-builder.js';

const OPTIONS: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };

function base(): InventoryBuilder {
  return new InventoryBuilder()
    .os('debian', '12', 'Debian GNU/Linux 12 (bookworm)')
    .pkg('dpkg', 'openssl', '3.0.11-1~deb12u1', {
      files: ['usr/bin/openssl', 'usr/lib/x86_64-linux-gnu/libssl.so.3'],
    })
    .pkg('dpkg', 'bash', '5.2.15-2+b2', { files: ['usr/bin/bash'] })
    .pkg('dpkg', 'tzdata', '2024a-0+deb12u1', { files: ['usr/share/zoneinfo/UTC'] });
}

function find(changes: Changes, name: string, arch?: string): PackageChange | undefined {
  return changes.packages.find((p) => p.name === name && (arch === undefined || p.arch === arch));
}

describe('diffInventories (packages)', () => {
  it('reports nothing when both images hold the same packages', () => {
    const changes = diffInventories(base().build(), base().build(), OPTIONS);
    expect(changes.packages).toEqual([]);
    expect(changes.files).toEqual([]);
    expect(changes.hasChanges).toBe(false);
  });

  it('tells upgraded, downgraded, added and removed apart with the dpkg comparator', () => {
    const after = base()
      .pkg('dpkg', 'openssl', '3.0.13-1~deb12u1', {
        files: ['usr/bin/openssl', 'usr/lib/x86_64-linux-gnu/libssl.so.3'],
      })
      .pkg('dpkg', 'tzdata', '2023c-5', { files: ['usr/share/zoneinfo/UTC'] })
      .unpkg('dpkg', 'bash')
      .pkg('dpkg', 'curl', '7.88.1-10+deb12u5', { files: ['usr/bin/curl'] })
      .build();
    const changes = diffInventories(base().build(), after, OPTIONS);
    expect(changes.packages.map((p) => [p.name, p.kind, p.before?.version, p.after?.version])).toEqual([
      ['bash', 'removed', '5.2.15-2+b2', undefined],
      ['curl', 'added', undefined, '7.88.1-10+deb12u5'],
      ['openssl', 'upgraded', '3.0.11-1~deb12u1', '3.0.13-1~deb12u1'],
      ['tzdata', 'downgraded', '2024a-0+deb12u1', '2023c-5'],
    ]);
    expect(changes.counts.packages).toEqual({ added: 1, removed: 1, upgraded: 1, downgraded: 1, rebuilt: 0 });
  });

  it('uses the ecosystem order, not string order, to tell an upgrade (tilde sorts before release)', () => {
    const before = base().pkg('dpkg', 'openssl', '3.0.13~rc1-1', { files: [] }).build();
    const after = base().pkg('dpkg', 'openssl', '3.0.13-1', { files: [] }).build();
    expect(find(diffInventories(before, after, OPTIONS), 'openssl')?.kind).toBe('upgraded');
    expect(find(diffInventories(after, before, OPTIONS), 'openssl')?.kind).toBe('downgraded');
  });

  it('classifies the bump as major, minor or patch', () => {
    const v = (openssl: string, bash: string, tz: string) =>
      new InventoryBuilder().pkg('npm', 'a', openssl).pkg('npm', 'b', bash).pkg('npm', 'c', tz).build();
    const changes = diffInventories(v('1.2.3', '1.2.3', '1.2.3'), v('2.0.0', '1.3.0', '1.2.4'), OPTIONS);
    expect(changes.packages.map((p) => [p.name, p.bump])).toEqual([
      ['a', 'major'],
      ['b', 'minor'],
      ['c', 'patch'],
    ]);
  });

  it('keeps the same package installed for two architectures apart', () => {
    const mk = (amd: string, i386: string) =>
      new InventoryBuilder()
        .pkg('dpkg', 'libc6', amd, { arch: 'amd64', files: ['usr/lib/x86_64-linux-gnu/libc.so.6'] })
        .pkg('dpkg', 'libc6', i386, { arch: 'i386', files: ['usr/lib/i386-linux-gnu/libc.so.6'] })
        .build();
    const changes = diffInventories(mk('2.36-9', '2.36-9'), mk('2.36-9+deb12u4', '2.36-9'), OPTIONS);
    expect(changes.packages).toHaveLength(1);
    expect(changes.packages[0]).toMatchObject({
      name: 'libc6',
      arch: 'amd64',
      kind: 'upgraded',
      fileChanges: 1,
    });
  });

  it('reports an added architecture as an added package, not as a change of the existing one', () => {
    const before = new InventoryBuilder().pkg('dpkg', 'libc6', '2.36-9', { arch: 'amd64' }).build();
    const after = new InventoryBuilder()
      .pkg('dpkg', 'libc6', '2.36-9', { arch: 'amd64' })
      .pkg('dpkg', 'libc6', '2.36-9', { arch: 'i386' })
      .build();
    const changes = diffInventories(before, after, OPTIONS);
    expect(changes.packages.map((p) => [p.kind, p.arch])).toEqual([['added', 'i386']]);
  });

  it('pairs a package whose architecture changed when it is the only one of its name', () => {
    const before = new InventoryBuilder().pkg('dpkg', 'tool', '1.0-1', { arch: 'all' }).build();
    const after = new InventoryBuilder().pkg('dpkg', 'tool', '1.1-1', { arch: 'amd64' }).build();
    const changes = diffInventories(before, after, OPTIONS);
    expect(changes.packages.map((p) => [p.kind, p.arch])).toEqual([['upgraded', 'amd64']]);
  });

  it('keeps language packages at different locations apart and follows a python upgrade across dist-info names', () => {
    const mk = (app: string, tool: string) =>
      new InventoryBuilder()
        .pkg('python', 'requests', app, {
          location: `app/venv/lib/python3.11/site-packages/requests-${app}.dist-info/METADATA`,
        })
        .pkg('python', 'requests', tool, {
          location: `usr/lib/python3/dist-packages/requests-${tool}.dist-info/METADATA`,
        })
        .build();
    const changes = diffInventories(mk('2.31.0', '2.28.1'), mk('2.32.3', '2.28.1'), OPTIONS);
    expect(changes.packages).toHaveLength(1);
    expect(changes.packages[0]).toMatchObject({
      kind: 'upgraded',
      location: 'app/venv/lib/python3.11/site-packages/requests-2.32.3.dist-info/METADATA',
      before: { version: '2.31.0' },
      after: { version: '2.32.3' },
      bump: 'minor',
    });
  });

  it('reports a rebuild when the version is the same but the recorded digests differ', () => {
    const before = base().build();
    const after = base()
      .pkg('dpkg', 'bash', '5.2.15-2+b2', { files: ['usr/bin/bash'], contentSeed: 'rebuild' })
      .build();
    const changes = diffInventories(before, after, OPTIONS);
    expect(changes.packages).toEqual([
      expect.objectContaining({
        name: 'bash',
        kind: 'rebuilt',
        before: { version: '5.2.15-2+b2' },
        after: { version: '5.2.15-2+b2' },
        fileChanges: 1,
      }),
    ]);
    expect(changes.files.map((f) => [f.path, f.kind, f.unexplained])).toEqual([
      ['usr/bin/bash', 'modified', undefined],
    ]);
  });

  it('reports a rebuild when an apk package checksum differs', () => {
    const mk = (c: string) =>
      new InventoryBuilder().pkg('apk', 'musl', '1.2.4-r2', { metadata: { checksum: c } }).build();
    expect(diffInventories(mk('Q1aaa'), mk('Q1bbb'), OPTIONS).packages[0]?.kind).toBe('rebuilt');
    expect(diffInventories(mk('Q1aaa'), mk('Q1aaa'), OPTIONS).packages).toEqual([]);
  });

  it('carries the source package into the change', () => {
    const before = new InventoryBuilder()
      .pkg('dpkg', 'libssl3', '3.0.11-1', { source: { name: 'openssl', version: '3.0.11-1' } })
      .build();
    const after = new InventoryBuilder()
      .pkg('dpkg', 'libssl3', '3.0.13-1', { source: { name: 'openssl' } })
      .build();
    const c = diffInventories(before, after, OPTIONS).packages[0]!;
    expect(c.before).toEqual({ version: '3.0.11-1', source: { name: 'openssl', version: '3.0.11-1' } });
    expect(c.after).toEqual({ version: '3.0.13-1', source: { name: 'openssl' } });
  });

  it('does not confuse two ecosystems with one package name', () => {
    const before = new InventoryBuilder().pkg('dpkg', 'yaml', '1.0-1').pkg('npm', 'yaml', '2.3.0').build();
    const after = new InventoryBuilder().pkg('dpkg', 'yaml', '1.0-1').pkg('npm', 'yaml', '2.4.0').build();
    const changes = diffInventories(before, after, OPTIONS);
    expect(changes.packages.map((p) => [p.ecosystem, p.kind])).toEqual([['npm', 'upgraded']]);
  });

  it('lists every package as added on a first release', () => {
    const changes = diffInventories(undefined, base().build(), OPTIONS);
    expect(changes.firstRelease).toBe(true);
    expect(changes.before).toBeUndefined();
    expect(changes.packages.map((p) => p.kind)).toEqual(['added', 'added', 'added']);
    expect(changes.packages.find((p) => p.name === 'openssl')?.fileChanges).toBe(2);
    expect(changes.counts.unexplained).toBe(0);
    expect(changes.hasChanges).toBe(true);
  });

  it('does not modify its inputs', () => {
    const before = base().build();
    const after = base()
      .pkg('dpkg', 'bash', '5.3-1', { files: ['usr/bin/bash'] })
      .build();
    const [b, a] = [structuredClone(before), structuredClone(after)];
    diffInventories(before, after, OPTIONS);
    expect(before).toEqual(b);
    expect(after).toEqual(a);
  });
  it('reads a runtime upgrade at its installation directory as one upgrade with a bump, even across minor lines', () => {
    const before = base()
      .pkg('runtime', 'node', '20.20.1', { location: 'usr/local', files: ['usr/local/bin/node'] })
      .pkg('runtime', 'python', '3.12.8', { location: 'usr/local', files: ['usr/local/bin/python3.12'] })
      .build();
    const after = base()
      .pkg('runtime', 'node', '20.20.2', { location: 'usr/local', files: ['usr/local/bin/node'] })
      .pkg('runtime', 'python', '3.13.1', { location: 'usr/local', files: ['usr/local/bin/python3.13'] })
      .pkg('runtime', 'java', '17.0.13', {
        location: 'opt/java/openjdk',
        files: ['opt/java/openjdk/release'],
      })
      .build();
    const changes = diffInventories(before, after, OPTIONS);
    expect(
      changes.packages.map((p) => [p.kind, p.ecosystem, p.name, p.before?.version, p.after?.version, p.bump]),
    ).toEqual([
      ['added', 'runtime', 'java', undefined, '17.0.13', undefined],
      ['upgraded', 'runtime', 'node', '20.20.1', '20.20.2', 'patch'],
      ['upgraded', 'runtime', 'python', '3.12.8', '3.13.1', 'minor'],
    ]);
  });
});
