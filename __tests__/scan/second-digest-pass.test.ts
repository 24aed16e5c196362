import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectImage } from '../../src/scan/compare-images.js';
import { isPackageLocation } from '../../src/catalog/probes/file-digests.js';
import { writeTinyOciLayout } from '../helpers/tiny-oci-layout.js';
import type { TarSpec } from '../helpers/tar.js';

const md5 = (content: string): string => createHash('md5').update(content).digest('hex');

/**
 * A Debian package that installed files outside the package locations (srv/app: the first pass gives
 * them a SHA-256 only), one of which a later layer changed. "Modified after install" must come out
 * exactly as when every file was MD5-hashed in the first pass.
 */
describe('the second digest pass', () => {
  it('hashes packaged files outside the package locations again, so modified-after-install stays exact', async () => {
    expect(isPackageLocation('srv/app/same.js')).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'ic-second-pass-'));
    const status = 'Package: app\nStatus: install ok installed\nVersion: 1.0\nArchitecture: all\n\n';
    const list = [
      '/.',
      '/srv',
      '/srv/app',
      '/srv/app/same.js',
      '/srv/app/changed.js',
      '/srv/app/linked.js',
      '/usr',
      '/usr/bin',
      '/usr/bin/tool',
    ];
    const sums = [
      `${md5('original')}  srv/app/same.js`,
      `${md5('original')}  srv/app/changed.js`,
      `${md5('linked content')}  srv/app/linked.js`,
      `${md5('tool')}  usr/bin/tool`,
    ];
    const base: TarSpec[] = [
      { name: 'srv/app/', type: 'directory' },
      { name: 'srv/app/changed.js', content: 'original' },
      { name: 'srv/app/same.js', content: 'original' },
      { name: 'srv/app/target.js', content: 'linked content' },
      { name: 'srv/app/linked.js', type: 'link', linkname: 'srv/app/target.js' },
      { name: 'usr/bin/tool', content: 'tool', mode: 0o755 },
      { name: 'var/lib/dpkg/status', content: status },
      { name: 'var/lib/dpkg/info/app.list', content: `${list.join('\n')}\n` },
      { name: 'var/lib/dpkg/info/app.md5sums', content: `${sums.join('\n')}\n` },
    ];
    const edit: TarSpec[] = [{ name: 'srv/app/changed.js', content: 'tampered' }];
    await writeTinyOciLayout(dir, [
      { tag: 't', platforms: [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [base, edit] }] },
    ]);
    const inventory = await inspectImage(`oci:${dir}:t`);
    const file = (path: string) => inventory.files.get(path);
    expect(file('srv/app/same.js')).toMatchObject({
      ownership: 'package',
      owners: [{ ecosystem: 'dpkg', name: 'app' }],
    });
    expect(file('srv/app/same.js')?.modifiedAfterInstall).toBeUndefined();
    expect(file('srv/app/linked.js')).toMatchObject({ ownership: 'package' });
    expect(file('srv/app/linked.js')?.modifiedAfterInstall).toBeUndefined();
    expect(file('usr/bin/tool')?.modifiedAfterInstall).toBeUndefined();
    expect(file('srv/app/changed.js')).toMatchObject({ layer: 1, modifiedAfterInstall: true });
  });

  it("hashes a packaged file again when its layer's signs chose the other digest (an apk file in a layer that showed etc/dpkg)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ic-second-pass-digest-'));
    const sha1 = (content: string): string => createHash('sha1').update(content).digest('base64');
    const installed = [
      'P:tools',
      'V:1.0-r0',
      'A:x86_64',
      'F:usr/bin',
      'R:kept',
      `Z:Q1${sha1('kept')}`,
      'R:edited',
      `Z:Q1${sha1('original')}`,
      '',
      '',
    ].join('\n');
    // etc/dpkg/ streams first, so this layer hashes MD5 alone until its apk database (listed last)
    // shows apk too: the database wants SHA-1 of files that were given MD5 alone.
    const base: TarSpec[] = [
      { name: 'etc/dpkg/dpkg.cfg', content: '# options\n' },
      { name: 'usr/bin/edited', content: 'edited in the same layer', mode: 0o755 },
      { name: 'usr/bin/kept', content: 'kept', mode: 0o755 },
      { name: 'lib/apk/db/installed', content: installed },
    ];
    await writeTinyOciLayout(dir, [
      { tag: 't', platforms: [{ platform: { os: 'linux', architecture: 'amd64' }, layers: [base] }] },
    ]);
    const inventory = await inspectImage(`oci:${dir}:t`);
    const file = (path: string) => inventory.files.get(path);
    expect(file('usr/bin/kept')).toMatchObject({
      ownership: 'package',
      owners: [{ ecosystem: 'apk', name: 'tools' }],
    });
    expect(file('usr/bin/kept')?.modifiedAfterInstall).toBeUndefined();
    expect(file('usr/bin/edited')).toMatchObject({ ownership: 'package', modifiedAfterInstall: true });
  });
});
