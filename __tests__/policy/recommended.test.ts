import { describe, expect, it } from 'vitest';
import type { Ecosystem, Inventory } from '../../src/catalog/types.js';
import { compareVersions, versionBump } from '../../src/catalog/versions/index.js';
import type { Changes, FileChange, PackageChange } from '../../src/diff/types.js';
import { evaluatePolicy } from '../../src/policy/evaluate.js';
import { parsePolicy } from '../../src/policy/load.js';
import { RECOMMENDED_POLICY, RECOMMENDED_POLICY_YAML } from '../../src/policy/recommended.js';
import {
  changes,
  fileChange,
  fileState,
  inventory,
  inventoryFile,
  os,
  packageChange,
} from '../helpers/policy-fixtures.js';
import { fileList } from '../../src/catalog/file-list.js';

const NOW = new Date('2026-06-01T12:00:00Z');

/** A package upgrade as the diff reports it, with the bump the real version scheme gives. */
function update(ecosystem: Ecosystem, name: string, before: string, after: string): PackageChange {
  const kind = compareVersions(ecosystem, before, after) < 0 ? 'upgraded' : 'downgraded';
  return packageChange(ecosystem, name, kind, before, after, versionBump(ecosystem, before, after));
}

const packaged = (path: string, mode: number, kind: FileChange['kind'] = 'modified'): FileChange =>
  fileChange(path, kind, {
    before: fileState({ mode }),
    after: fileState({ mode, size: 120 }),
    ownership: 'package',
    owners: [{ ecosystem: 'dpkg', name: 'x' }],
  });
const generated = (path: string): FileChange => fileChange(path, 'modified', { ownership: 'none' });
const symlinkAdded = (path: string, link: string): FileChange =>
  fileChange(path, 'added', { after: fileState({ type: 'symlink', mode: 0o777, link, size: 0 }) });

interface Scenario {
  changes: Changes;
  after: Inventory;
}

/** A Debian 12.5 → 12.6 point-release update of a base image. */
function debianUpdate(): Scenario {
  const files = [
    packaged('usr/bin/passwd', 0o4755),
    packaged('usr/bin/chfn', 0o4755),
    packaged('usr/bin/expiry', 0o2755),
    packaged('usr/lib/x86_64-linux-gnu/libc.so.6', 0o755),
    packaged('usr/share/zoneinfo/Europe/Paris', 0o644),
    packaged('etc/debian_version', 0o644),
    generated('etc/ld.so.cache'),
    generated('etc/ssl/certs/ca-certificates.crt'),
    symlinkAdded('etc/ssl/certs/New_Root_CA.pem', '/usr/share/ca-certificates/mozilla/New_Root_CA.crt'),
    fileChange('var/lib/dpkg/status', 'modified', { ownership: 'state' }),
    fileChange('var/mail', 'metadata', {
      before: fileState({ type: 'dir', mode: 0o2775 }),
      after: fileState({ type: 'dir', mode: 0o2775, gid: 8 }),
      aspects: ['gid'],
    }),
    fileChange('tmp', 'metadata', {
      before: fileState({ type: 'dir', mode: 0o1777 }),
      after: fileState({ type: 'dir', mode: 0o1777 }),
      aspects: ['size'],
    }),
  ];
  return {
    changes: changes({
      before: { os: os('debian', '12'), user: '' },
      after: { os: os('debian', '12'), user: '' },
      packages: [
        update('dpkg', 'libc6', '2.36-9+deb12u4', '2.36-9+deb12u7'),
        update('dpkg', 'openssl', '3.0.11-1~deb12u2', '3.0.13-1~deb12u1'),
        update('dpkg', 'tzdata', '2024a-0+deb12u1', '2024b-0+deb12u1'),
        update('dpkg', 'ca-certificates', '20230311', '20240203'),
        update('dpkg', 'base-files', '12.5', '12.6'),
        update('dpkg', 'passwd', '1:4.13+dfsg1-1', '1:4.13+dfsg1-1+deb12u1'),
      ],
      files,
      settings: [{ key: 'label.org.opencontainers.image.version', before: '12.5', after: '12.6' }],
    }),
    after: inventory({
      os: os('debian', '12'),
      uncompressedSize: 101_500_000,
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      files: files
        .filter((f) => f.after?.type === 'file')
        .map((f) => inventoryFile(f.path, { ownership: f.ownership })),
    }),
  };
}

/** An Alpine 3.20.0 → 3.20.3 update: busybox applet links appear, owned by no package. */
function alpineUpdate(): Scenario {
  return {
    changes: changes({
      before: { os: os('alpine', '3.20.0') },
      after: { os: os('alpine', '3.20.3') },
      packages: [
        update('apk', 'musl', '1.2.5-r0', '1.2.5-r1'),
        update('apk', 'busybox', '1.36.1-r28', '1.36.1-r29'),
        update('apk', 'ca-certificates-bundle', '20240226-r0', '20240705-r0'),
        update('apk', 'libcrypto3', '3.3.0-r2', '3.3.2-r0'),
        update('apk', 'alpine-release', '3.20.0-r0', '3.20.3-r0'),
      ],
      files: [
        packaged('bin/busybox', 0o755),
        packaged('bin/bbsuid', 0o4111),
        packaged('lib/ld-musl-x86_64.so.1', 0o755),
        symlinkAdded('usr/bin/nc', '/bin/busybox'),
        symlinkAdded('sbin/ifup', '/bin/busybox'),
        fileChange('lib/apk/db/installed', 'modified', { ownership: 'state' }),
        generated('etc/apk/world'),
      ],
    }),
    after: inventory({ os: os('alpine', '3.20.3'), uncompressedSize: 102_000_000 }),
  };
}

/** An AlmaLinux 9.3 → 9.4 update. */
function almaUpdate(): Scenario {
  return {
    changes: changes({
      before: { os: os('almalinux', '9.3') },
      after: { os: os('almalinux', '9.4') },
      packages: [
        update('rpm', 'glibc', '2.34-83.el9_3.7', '2.34-100.el9_4.2'),
        update('rpm', 'ca-certificates', '2023.2.60_v7.0.306-90.1.el9_2', '2024.2.69_v8.0.303-91.4.el9_4'),
        update('rpm', 'tzdata', '2024a-1.el9', '2024a-2.el9'),
        update('rpm', 'python3', '3.9.18-1.el9_3', '3.9.18-3.el9_4'),
        update('rpm', 'almalinux-release', '9.3-1.el9', '9.4-1.el9'),
      ],
      files: [
        packaged('usr/bin/su', 0o4755),
        packaged('usr/sbin/unix_chkpwd', 0o4755),
        packaged('usr/bin/write', 0o2755),
        generated('etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem'),
        fileChange('var/lib/rpm/rpmdb.sqlite', 'modified', { ownership: 'state' }),
      ],
    }),
    after: inventory({ os: os('almalinux', '9.4'), uncompressedSize: 104_000_000 }),
  };
}

const verdictOf = (s: Scenario) => evaluatePolicy(RECOMMENDED_POLICY, s.changes, s.after, NOW);
const ruleIds = (s: Scenario): string[] => verdictOf(s).violations.map((v) => `${v.action}:${v.rule}`);

describe('RECOMMENDED_POLICY', () => {
  it('is the parsed form of the exported YAML text', () => {
    expect(parsePolicy(RECOMMENDED_POLICY_YAML, 'recommended')).toEqual(RECOMMENDED_POLICY);
    expect(RECOMMENDED_POLICY.source).toBe('recommended');
  });

  it.each([
    ['Debian point release', debianUpdate],
    ['Alpine patch release', alpineUpdate],
    ['AlmaLinux minor release', almaUpdate],
  ])('finds nothing on a plain %s update', (_what, scenario) => {
    const verdict = verdictOf(scenario());
    expect(verdict.violations).toEqual([]);
    expect(verdict.result).toBe('pass');
  });

  describe('on a Debian update with one thing planted', () => {
    const plant = (edit: (s: Scenario) => void): string[] => {
      const s = debianUpdate();
      edit(s);
      return ruleIds(s);
    };

    it('stops on a downgraded package', () => {
      expect(
        plant((s) => s.changes.packages.push(update('dpkg', 'bash', '5.2.15-2+b7', '5.2.15-2'))),
      ).toEqual(['stop:package-downgraded']);
    });

    it('stops on a non-packaged setuid copy of a binary (and warns on the executable)', () => {
      const suid = fileChange('usr/local/bin/bash-suid', 'added', {
        after: fileState({ mode: 0o4755, size: 1_265_648 }),
      });
      expect(plant((s) => s.changes.files.push(suid))).toEqual([
        'stop:nonpackaged-setuid',
        'warn:nonpackaged-executable',
      ]);
    });

    it('stops on a file that gained setgid by chmod', () => {
      const sgid = fileChange('opt/app/helper', 'metadata', {
        before: fileState({ mode: 0o755 }),
        after: fileState({ mode: 0o2755 }),
        aspects: ['mode'],
      });
      expect(plant((s) => s.changes.files.push(sgid))).toEqual(['stop:nonpackaged-setgid']);
    });

    it('only warns when a newly installed package brings a setuid binary', () => {
      const s = debianUpdate();
      s.changes.packages.push(packageChange('dpkg', 'sudo', 'added', undefined, '1.9.13p3-1+deb12u1'));
      s.changes.files.push(
        fileChange('usr/bin/sudo', 'added', {
          after: fileState({ mode: 0o4755 }),
          ownership: 'package',
          owners: [{ ecosystem: 'dpkg', name: 'sudo' }],
        }),
      );
      const verdict = verdictOf(s);
      expect(verdict.violations.map((v) => `${v.action}:${v.rule}`)).toEqual(['warn:packaged-setuid']);
      expect(verdict.result).toBe('warn');
    });

    it('stops on a private key left in a layer', () => {
      expect(
        plant((s) => {
          s.changes.files.push(
            fileChange('root/.ssh/id_rsa', 'added', { after: fileState({ mode: 0o600 }) }),
          );
          s.after.files = fileList([
            ...s.after.files,
            inventoryFile('root/.ssh/id_rsa', {
              mode: 0o600,
              probes: { secrets: { kinds: ['private-key'] } },
            }),
          ]);
        }),
      ).toEqual(['stop:secret-in-file', 'warn:credential-file']);
    });

    it('stops when the image switches to root and when a secret env var appears', () => {
      expect(
        plant((s) => {
          s.changes.before!.user = 'app';
          s.after.config.config = { ...s.after.config.config, User: 'root' };
          s.changes.settings.push({ key: 'env.DATABASE_PASSWORD', after: '***', redacted: true });
        }),
      ).toEqual(['stop:switched-to-root', 'stop:secret-env']);
    });

    it('stops on an older release and warns on a changed distribution', () => {
      expect(plant((s) => (s.after.os = os('debian', '11')))).toEqual(['stop:os-version-decreased']);
      expect(plant((s) => (s.after.os = os('ubuntu', '24.04')))).toEqual(['warn:os-changed']);
    });

    it('warns on a major upgrade, a new port and 30% growth', () => {
      expect(
        plant((s) => {
          s.changes.packages.push(update('npm', 'express', '4.21.0', '5.0.1'));
          s.after.config.config = { ...s.after.config.config, ExposedPorts: { '8080/tcp': {} } };
          s.changes.settings.push({ key: 'ports', after: '8080/tcp' });
          s.after.image.uncompressedSize = 130_000_000;
        }),
      ).toEqual(['warn:major-upgrade', 'warn:image-size-growth', 'warn:new-exposed-port']);
    });
  });
});
