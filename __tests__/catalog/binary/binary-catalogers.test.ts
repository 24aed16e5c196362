import { describe, expect, it } from 'vitest';
import { catalogBusybox } from '../../../src/catalog/binary/busybox.js';
import { catalogCargo } from '../../../src/catalog/binary/cargo.js';
import { catalogPackageNotes } from '../../../src/catalog/binary/package-notes.js';
import { dropShadowed } from '../../../src/catalog/shadowed.js';
import type { Package } from '../../../src/catalog/types.js';
import { buildTree, catalogContext } from '../../helpers/catalog-context.js';

const id = (v: unknown) => ({ 'binary-identity': v });

describe('binary catalogers', () => {
  it('names busybox once, owning the binary and every hardlink and symlink to it', () => {
    const r = catalogBusybox(
      catalogContext([
        { path: 'bin/[', content: 'ELF', mode: 0o755, layer: 2, probes: id({ busybox: '1.37.0' }) },
        { path: 'bin/busybox', type: 'hardlink', link: 'bin/[' },
        // After squash a hardlink carries its target's probe results: still one busybox.
        { path: 'bin/ls', type: 'hardlink', link: 'bin/[', probes: id({ busybox: '1.37.0' }) },
        { path: 'usr/bin/env', type: 'symlink', link: '../../bin/busybox' },
        { path: 'sbin/init', type: 'symlink', link: '/bin/[' },
        { path: 'bin/sh2', type: 'symlink', link: '/bin/dash' },
        { path: 'bin/getconf', content: 'other' },
      ]),
    );
    expect(r.packages).toEqual([
      {
        ecosystem: 'binary',
        name: 'busybox',
        version: '1.37.0',
        location: 'bin/busybox',
        layer: 2,
        files: ['bin/[', 'bin/busybox', 'bin/ls', 'sbin/init', 'usr/bin/env'].map((path) => ({ path })),
        metadata: { identifiedBy: 'version banner', binary: 'bin/[' },
      },
    ]);
  });

  it('makes one package per package note, owning every binary that carries it', () => {
    const note = {
      type: 'rpm',
      name: 'systemd',
      version: '254-1.fc39',
      architecture: 'x86_64',
      osCpe: 'cpe:/o:fedoraproject:fedora:39',
    };
    const r = catalogPackageNotes(
      catalogContext([
        { path: 'usr/bin/systemctl', content: 'a', mode: 0o755, probes: id({ packageNotes: [note] }) },
        { path: 'usr/lib/libsystemd.so.0', content: 'b', probes: id({ packageNotes: [note] }) },
        {
          path: 'usr/bin/other',
          content: 'c',
          mode: 0o755,
          probes: id({ problems: ['package note is not JSON'] }),
        },
      ]),
    );
    expect(r.packages).toEqual([
      {
        ecosystem: 'binary',
        name: 'systemd',
        version: '254-1.fc39',
        arch: 'x86_64',
        location: 'usr/bin/systemctl',
        locations: ['usr/bin/systemctl', 'usr/lib/libsystemd.so.0'],
        layer: 0,
        files: [{ path: 'usr/bin/systemctl' }, { path: 'usr/lib/libsystemd.so.0' }],
        metadata: {
          identifiedBy: 'ELF package note',
          packageType: 'rpm',
          osCpe: 'cpe:/o:fedoraproject:fedora:39',
        },
      },
    ]);
    expect(r.problems.map((p) => [p.code, p.path, p.message])).toEqual([
      ['BINARY_IDENTITY_UNREADABLE', 'usr/bin/other', 'package note is not JSON'],
    ]);
  });

  it('makes a cargo package per crate of an auditable binary', () => {
    const r = catalogCargo(
      catalogContext([
        {
          path: 'usr/local/bin/rg',
          content: 'x',
          mode: 0o755,
          probes: id({
            cargo: [
              { name: 'ripgrep', version: '14.1.0', source: 'local', root: true },
              { name: 'regex', version: '1.10.4', source: 'crates.io' },
              { name: 'regex', version: '1.10.4', source: 'crates.io' },
            ],
          }),
        },
      ]),
    );
    expect(r.packages.map((p) => [p.ecosystem, p.name, p.version, p.location, p.metadata])).toEqual([
      [
        'cargo',
        'ripgrep',
        '14.1.0',
        'usr/local/bin/rg',
        { identifiedBy: 'cargo auditable', source: 'local', root: 'true' },
      ],
      [
        'cargo',
        'regex',
        '1.10.4',
        'usr/local/bin/rg',
        { identifiedBy: 'cargo auditable', source: 'crates.io' },
      ],
    ]);
  });
});

describe('dropShadowed', () => {
  const pkg = (p: Partial<Package> & Pick<Package, 'ecosystem' | 'name'>): Package => ({
    version: '1',
    location: '',
    layer: 0,
    files: [],
    ...p,
  });
  it('drops a runtime or binary the package database already lists, through usrmerge links', () => {
    const tree = buildTree([
      { path: 'bin', type: 'symlink', link: 'usr/bin' },
      { path: 'usr/bin/busybox', content: 'x' },
      { path: 'usr/lib/jvm/java-17/release', content: 'x' },
      { path: 'opt/java/openjdk/release', content: 'x' },
      { path: 'usr/bin/systemctl', content: 'x' },
      { path: 'opt/copied/systemctl', content: 'x' },
    ]);
    const packages = [
      pkg({ ecosystem: 'dpkg', name: 'busybox', files: [{ path: 'bin/busybox' }] }),
      pkg({
        ecosystem: 'dpkg',
        name: 'openjdk-17-jre-headless',
        files: [{ path: 'usr/lib/jvm/java-17/release' }],
      }),
      pkg({ ecosystem: 'rpm', name: 'systemd', files: [{ path: 'usr/bin/systemctl' }] }),
      pkg({
        ecosystem: 'binary',
        name: 'busybox',
        location: 'usr/bin/busybox',
        metadata: { binary: 'usr/bin/busybox' },
      }),
      pkg({
        ecosystem: 'runtime',
        name: 'java',
        location: 'usr/lib/jvm/java-17',
        metadata: { versionFile: 'usr/lib/jvm/java-17/release' },
      }),
      pkg({
        ecosystem: 'runtime',
        name: 'java',
        location: 'opt/java/openjdk',
        metadata: { versionFile: 'opt/java/openjdk/release' },
      }),
      pkg({
        ecosystem: 'binary',
        name: 'systemd',
        location: 'opt/copied/systemctl',
        locations: ['opt/copied/systemctl', 'usr/bin/systemctl'],
        files: [{ path: 'opt/copied/systemctl' }, { path: 'usr/bin/systemctl' }],
      }),
    ];
    const kept = dropShadowed(tree, packages);
    expect(
      kept.map((p) => [p.ecosystem, p.name, p.location, p.locations, p.files.map((f) => f.path)]),
    ).toEqual([
      ['dpkg', 'busybox', '', undefined, ['bin/busybox']],
      ['dpkg', 'openjdk-17-jre-headless', '', undefined, ['usr/lib/jvm/java-17/release']],
      ['rpm', 'systemd', '', undefined, ['usr/bin/systemctl']],
      ['runtime', 'java', 'opt/java/openjdk', undefined, []],
      ['binary', 'systemd', 'opt/copied/systemctl', undefined, ['opt/copied/systemctl']],
    ]);
  });
});
