import { describe, expect, it } from 'vitest';
import { readAccounts } from '../../../src/catalog/accounts/accounts.js';
import { checkLaunch } from '../../../src/catalog/launch.js';
import type { Inventory, InventoryFile } from '../../../src/catalog/types.js';
import { diffInventories } from '../../../src/diff/diff.js';
import { classifyOsChange } from '../../../src/diff/os-release-change.js';
import type { AttentionItem, DiffOptions } from '../../../src/diff/types.js';
import { renderJson } from '../../../src/render/json.js';
import { renderMarkdown } from '../../../src/render/markdown.js';
import { renderText } from '../../../src/render/text.js';
import { InventoryBuilder } from '../../helpers/inventory-builder.js';

const OPTIONS: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };
const HASH = '$6$saltsalt$c2VjcmV0aGFzaHRoYXRtdXN0bmV2ZXJiZXByaW50ZWQ';
const CAP_NET_RAW = (() => {
  const b = Buffer.alloc(20);
  b.writeUInt32LE(0x02000001, 0);
  b.writeUInt32LE(1 << 13, 4);
  return b.toString('base64');
})();

function accountsFrom(passwd: string, group: string, shadow: string): Inventory['accounts'] {
  const files = new Map([
    ['etc/passwd', Buffer.from(passwd)],
    ['etc/group', Buffer.from(group)],
    ['etc/shadow', Buffer.from(shadow)],
  ]);
  return readAccounts({
    file: (p) => {
      const content = files.get(p);
      return content ? { content } : undefined;
    },
  });
}

const PASSWD_OLD = 'root:x:0:0:root:/root:/bin/bash\ngames:x:5:60:games:/usr/games:/usr/sbin/nologin\n';
const GROUP_OLD = 'root:x:0:\nsudo:x:27:\n';
const SHADOW_OLD = 'root:*:19000:0:99999:7:::\ngames:*:19000:0:99999:7:::\n';

function base(): InventoryBuilder {
  return new InventoryBuilder()
    .os('debian', '12')
    .layers('debian')
    .file('etc/passwd', { content: PASSWD_OLD })
    .file('bin/sh', { mode: 0o755 })
    .config({ User: 'app', Entrypoint: ['/bin/sh'] });
}

function pair(): { before: Inventory; after: Inventory } {
  const before = base().build();
  before.accounts = accountsFrom(PASSWD_OLD, GROUP_OLD, SHADOW_OLD);
  const after = base()
    .layers('debian', 'app')
    .file('usr/bin/ping', { mode: 0o755, layer: 1, owners: [{ ecosystem: 'dpkg', name: 'iputils-ping' }] })
    .file('usr/local/bin/helper', { mode: 0o4755, layer: 1 })
    .dir('srv/drop', { mode: 0o777, layer: 1 })
    .dir('tmp', { mode: 0o1777, layer: 1 })
    .file('usr/bin/curl', { mode: 0o755, layer: 1, owners: [{ ecosystem: 'dpkg', name: 'curl' }] })
    .file('etc/passwd', { content: 'changed', layer: 1 })
    .config({ User: 'root', Entrypoint: ['/opt/app/start.sh'], ExposedPorts: { '22/tcp': {} } })
    .build();
  after.files.get('usr/bin/ping')!.xattrs = { 'security.capability': CAP_NET_RAW };
  after.accounts = accountsFrom(
    'root:x:0:0:root:/root:/bin/bash\nsvc:x:1001:1001::/home/svc:/bin/bash\ntoor:x:0:0::/root:/bin/sh\n',
    'root:x:0:\nsudo:x:27:svc\n',
    `root:*:19000:0:99999:7:::\nsvc:${HASH}:19000:0:99999:7:::\ntoor:!:19000::::::\n`,
  );
  after.launch = checkLaunch({ entries: new Map([...after.files].map((f) => [f.path, f])) }, after.config);
  return { before, after };
}

function find(items: AttentionItem[], what: string, where?: string): AttentionItem {
  const found = items.find((i) => i.what === what && (where === undefined || i.where === where));
  if (found === undefined)
    throw new Error(
      `no item "${what}" ${where ?? ''} in ${JSON.stringify(items.map((i) => [i.what, i.where]))}`,
    );
  return found;
}

describe('the Attention block', () => {
  it('names each notable fact with where it is, the layer that brought it and why', () => {
    const { before, after } = pair();
    const items = diffInventories(before, after, OPTIONS).attention;
    const cap = find(items, 'file capability gained', 'usr/bin/ping');
    expect(cap.details).toEqual(['cap_net_raw=ep', 'package iputils-ping']);
    expect(cap.layer).toEqual({ index: 1, createdBy: 'RUN app' });
    expect(find(items, 'setuid file added', 'usr/local/bin/helper').severity).toBe('high');
    expect(find(items, 'world-writable directory added (no sticky bit)', 'srv/drop').details[0]).toBe(
      'mode 0777',
    );
    expect(items.some((i) => i.where === 'tmp')).toBe(false);
    expect(find(items, 'now runs as root', 'user').severity).toBe('high');
    expect(find(items, 'entrypoint does not exist in the image', 'entrypoint').details).toEqual([
      '/opt/app/start.sh',
    ]);
    expect(find(items, 'new exposed port (ssh)', 'port.22/tcp').severity).toBe('high');
    expect(find(items, 'network tool added', 'usr/bin/curl').details).toEqual(['curl', 'package curl']);
    const svc = find(items, 'user added', 'svc');
    expect(svc.details).toEqual(['uid 1001', 'gid 1001', 'login shell /bin/bash', 'password hash set']);
    expect(svc.subtype).toBe('added');
    expect(find(items, 'user added with uid 0', 'toor').severity).toBe('high');
    expect(find(items, 'user removed', 'games').subtype).toBe('removed');
    expect(find(items, 'members added to a privileged group', 'sudo').details).toEqual(['members svc']);
    // Ranked: every high before every medium before every low.
    const ranks = items.map((i) => ({ high: 0, medium: 1, low: 2 })[i.severity]);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
  });

  it('never prints a password hash on any surface', () => {
    const { before, after } = pair();
    const changes = diffInventories(before, after, OPTIONS);
    for (const out of [
      renderJson(changes),
      renderMarkdown(changes, { surface: 'comment' }),
      renderText(changes, { color: false }),
    ]) {
      expect(out).not.toContain('saltsalt');
      expect(out).toContain('password hash set');
    }
  });

  it('puts the block before the overview in markdown and text', () => {
    const { before, after } = pair();
    const changes = diffInventories(before, after, OPTIONS);
    const md = renderMarkdown(changes, { surface: 'comment' });
    expect(md.indexOf('**Attention**: ')).toBeGreaterThan(0);
    expect(md.indexOf('**Attention**: ')).toBeLessThan(md.indexOf('| Image |'));
    expect(md.indexOf('**Attention**: ')).toBeLessThan(md.indexOf('<details>'));
    expect(md).toContain('`usr/bin/ping` (cap\\_net\\_raw=ep, package iputils-ping)');
    const text = renderText(changes, { color: false });
    expect(text.indexOf('Attention:')).toBeLessThan(text.indexOf('Overview'));
  });

  it('keeps hostile user names, shells and paths inert', () => {
    const before = base().build();
    before.accounts = accountsFrom(PASSWD_OLD, GROUP_OLD, SHADOW_OLD);
    const after = base().file('opt/<img src=x onerror=alert(1)>|@admin', { mode: 0o4755 }).build();
    after.accounts = accountsFrom(
      `${PASSWD_OLD}<script>alert(1)</script>|@octocat:x:0:0::/:/bin/sh [x](http://evil)\n`,
      GROUP_OLD,
      SHADOW_OLD,
    );
    const md = renderMarkdown(diffInventories(before, after, OPTIONS), { surface: 'comment' });
    expect(md).not.toContain('<script');
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/(^|[^`])@octocat/);
    expect(md).not.toMatch(/[^\\]\]\(http/);
    expect(md).toContain('\\[x\\](http');
    expect(md).toContain('user added with uid 0');
  });

  it('on a first release lists only what is risky in itself among users', () => {
    const { after } = pair();
    const items = diffInventories(undefined, after, OPTIONS).attention;
    expect(
      items
        .filter((i) => i.kind === 'account')
        .map((i) => i.where)
        .sort(),
    ).toEqual(['svc', 'toor']);
    expect(find(items, 'runs as root', 'user').severity).toBe('medium');
  });
});

describe('readAccounts', () => {
  it('keeps only the state of each password, never the field', () => {
    const acc = accountsFrom(
      'a:x:1:1::/:/bin/sh\nb:x:2:2::/:/bin/sh\nc:x:3:3::/:/bin/sh\nd::4:4::/:/bin/sh\ne:x:5:5::/:\n',
      'g:x:10:a,b\n',
      `a:${HASH}:1::::::\nb:!${HASH}:1::::::\nc::1::::::\n`,
    );
    expect(acc?.users.map((u) => [u.name, u.password])).toEqual([
      ['a', 'hash'],
      ['b', 'locked'],
      ['c', 'empty'],
      ['d', 'empty'],
      ['e', 'none'],
    ]);
    expect(JSON.stringify(acc)).not.toContain('saltsalt');
    expect(acc?.groups).toEqual([{ name: 'g', gid: 10, members: ['a', 'b'] }]);
  });
});

describe('checkLaunch', () => {
  const tree = (files: Array<Partial<InventoryFile> & { path: string }>) => ({
    entries: new Map(
      files.map((f) => [
        f.path,
        { type: 'file', mode: 0o755, uid: 0, gid: 0, size: 1, layer: 0, ...f } as InventoryFile,
      ]),
    ),
  });
  const usrMerged = [
    { path: 'bin', type: 'symlink' as const, link: 'usr/bin' },
    { path: 'usr', type: 'dir' as const },
    { path: 'usr/bin', type: 'dir' as const },
    { path: 'usr/bin/bash' },
    { path: 'usr/bin/dangling', type: 'symlink' as const, link: '/opt/none' },
    { path: 'usr/bin/loop', type: 'symlink' as const, link: 'loop' },
    { path: 'usr/bin/data', mode: 0o644 },
    { path: 'app', type: 'dir' as const },
    { path: 'app/run', type: 'symlink' as const, link: '../bin/bash' },
  ];
  const check = (config: Record<string, unknown>) =>
    checkLaunch(tree(usrMerged), { config } as Parameters<typeof checkLaunch>[1]);

  it('follows symlinked directories and relative links inside the image', () => {
    expect(check({ Entrypoint: ['/bin/bash', '-c'] })).toEqual({
      setting: 'entrypoint',
      program: '/bin/bash',
      resolved: 'usr/bin/bash',
    });
    expect(check({ Cmd: ['run'], WorkingDir: '/app' })?.problem).toBe('not-in-path');
    expect(check({ Cmd: ['./run'], WorkingDir: '/app' })?.resolved).toBe('usr/bin/bash');
    expect(check({ Cmd: ['bash'] })?.resolved).toBe('usr/bin/bash');
    expect(check({ Cmd: ['bash'], Env: ['PATH=/opt'] })?.problem).toBe('not-in-path');
  });

  it('says why a program does not run', () => {
    expect(check({ Cmd: ['/usr/bin/dangling'] })?.problem).toBe('dangling-symlink');
    expect(check({ Cmd: ['/usr/bin/loop'] })?.problem).toBe('symlink-loop');
    expect(check({ Cmd: ['/usr/bin/data'] })?.problem).toBe('not-executable');
    expect(check({ Cmd: ['/usr/bin'] })?.problem).toBe('directory');
    expect(check({ Entrypoint: ['/opt/app/start.sh'], Cmd: ['/bin/bash'] })).toEqual({
      setting: 'entrypoint',
      program: '/opt/app/start.sh',
      problem: 'missing',
    });
    expect(check({})).toBeUndefined();
  });
});

describe('classifyOsChange', () => {
  const os = (id: string, versionId: string) => ({ id, versionId, path: 'etc/os-release' });
  it('tells a major release from a point release, per distribution', () => {
    expect(classifyOsChange(os('debian', '12'), os('debian', '13'))).toMatchObject({
      class: 'major',
      direction: 'up',
    });
    expect(classifyOsChange(os('almalinux', '8.8'), os('almalinux', '8.9'))).toMatchObject({
      class: 'point',
      direction: 'up',
    });
    expect(classifyOsChange(os('alpine', '3.19.1'), os('alpine', '3.20.0'))).toMatchObject({
      class: 'major',
    });
    expect(classifyOsChange(os('alpine', '3.20.1'), os('alpine', '3.20.3'))).toMatchObject({
      class: 'point',
    });
    expect(classifyOsChange(os('debian', '13'), os('debian', '12'))).toMatchObject({
      class: 'major',
      direction: 'down',
    });
    expect(classifyOsChange(os('debian', '12'), os('ubuntu', '24.04'))).toMatchObject({
      class: 'distribution',
    });
    expect(classifyOsChange(os('debian', '12'), os('debian', '12'))).toBeUndefined();
  });
});

describe('one definition of a setting change', () => {
  it('counts settings alike in markdown, text and JSON, overview facts left out', () => {
    const before = base().build();
    const after = base()
      .layers('debian', 'app', 'more')
      .os('debian', '12.5')
      .config({ User: 'app', Entrypoint: ['/bin/sh'], Env: ['A=1'], ExposedPorts: { '80/tcp': {} } })
      .build();
    const changes = diffInventories(before, after, OPTIONS);
    // env.A, port.80/tcp; not history, layers, os, sizes.
    expect(changes.settings.map((s) => s.key)).toEqual(
      expect.arrayContaining(['env.A', 'history', 'layers', 'os', 'port.80/tcp']),
    );
    expect(changes.counts.settings).toBe(2);
    const json = JSON.parse(renderJson(changes)) as { counts: { settings: number } };
    expect(json.counts.settings).toBe(2);
    expect(renderMarkdown(changes, { surface: 'comment' })).toContain('<b>Settings</b>: 2 changed');
    expect(renderText(changes, { color: false })).toContain('Settings (2)');
  });
});
