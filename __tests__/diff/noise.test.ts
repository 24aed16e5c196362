import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { diffInventories } from '../../src/diff/diff.js';
import type { Changes, DiffOptions } from '../../src/diff/types.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { nonPackagedRows } from '../../src/render/file-rows.js';
import { InventoryBuilder } from '../helpers/inventory-builder.js';

const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(
  JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8')) as object,
);

const options = (depth: DiffOptions['depth'] = 2): DiffOptions => ({
  exclude: [],
  defaultExcludes: true,
  depth,
});

const base = () =>
  new InventoryBuilder()
    .os('debian', '12')
    .file('bin/sh', { mode: 0o755 })
    .file('usr/share/ca-certificates/mozilla/A.crt', {
      owners: [{ ecosystem: 'dpkg', name: 'ca-certificates' }],
    });

/** What update-ca-certificates leaves in etc/ssl/certs for `n` certificates: a name link, a hash link, the bundle. */
function withTrustStore(b: InventoryBuilder, n: number): InventoryBuilder {
  for (let i = 0; i < n; i++) {
    const name = `Cert_${i}.pem`;
    b.symlink(`etc/ssl/certs/${name}`, `/usr/share/ca-certificates/mozilla/Cert_${i}.crt`);
    b.symlink(`etc/ssl/certs/${(0x10000000 + i).toString(16)}.0`, name);
  }
  return b.file('etc/ssl/certs/ca-certificates.crt', { content: `bundle of ${n}`, size: 200_000 });
}

function mdSection(md: string, title: string): string {
  const start = md.indexOf(`<summary><b>${title}</b>`);
  return start < 0 ? '' : md.slice(start, md.indexOf('</details>', start));
}

describe('derived noise folds to one row each', () => {
  it('folds a trust store of 142 certificates into one row, and the JSON keeps every path', () => {
    const before = base().build();
    const after = withTrustStore(base(), 142).file('opt/app/run', { mode: 0o755 }).build();
    const changes = diffInventories(before, after, options());
    expect(changes.counts.nonPackaged.added).toBe(142 * 2 + 2);
    expect(changes.folds).toEqual([
      expect.objectContaining({
        id: 'trust-store',
        kind: 'trust-store',
        path: 'etc/ssl/certs',
        paths: 285,
        added: 285,
        certificates: { added: 142, removed: 0, changed: 0 },
        members: ['etc/ssl/certs/ca-certificates.crt'],
      }),
    ]);
    const rows = nonPackagedRows(changes);
    expect(rows).toHaveLength(2);
    const md = renderMarkdown(changes, { surface: 'comment' });
    const section = mdSection(md, 'Non-packaged files');
    expect(section).toContain('trust store: 142 certificates added');
    expect(section).toContain('285 added');
    // No individual certificate link reaches the comment or the text.
    expect(md).not.toMatch(/etc\/ssl\/certs\/1000000/);
    const text = renderText(changes, { color: false });
    expect(text).toContain('trust store: 142 certificates added');
    expect(text).not.toMatch(/etc\/ssl\/certs\/1000000/);
    const json = JSON.parse(renderJson(changes)) as Changes;
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    const certLinks = json.files.filter((f) => f.path.startsWith('etc/ssl/certs/'));
    expect(certLinks).toHaveLength(285);
    expect(certLinks.every((f) => f.fold === 'trust-store')).toBe(true);
    expect(json.folds[0]).toMatchObject({ id: 'trust-store', paths: 285 });
  });

  it('counts removed and changed certificates, and a bundle alone is still a trust-store row', () => {
    const before = withTrustStore(base(), 5).build();
    const after = withTrustStore(base(), 3).symlink('etc/ssl/certs/10000000.0', 'Other.pem').build();
    const fold = diffInventories(before, after, options()).folds[0]!;
    expect(fold.certificates).toEqual({ added: 0, removed: 2, changed: 1 });
    const bundleOnly = diffInventories(
      withTrustStore(base(), 0).build(),
      base().file('etc/ssl/certs/ca-certificates.crt', { content: 'new' }).build(),
      options(),
    );
    expect(bundleOnly.folds.map((f) => [f.kind, f.paths])).toEqual([['trust-store', 1]]);
    const md = renderMarkdown(bundleOnly, { surface: 'comment' });
    expect(md).toContain('trust store: bundle rebuilt');
  });

  it('groups 406 names of one busybox binary under their target', () => {
    const names = Array.from({ length: 405 }, (_, i) => `bin/tool${String(i).padStart(3, '0')}`);
    const image = (version: string) => {
      const b = new InventoryBuilder().file('bin/busybox', { content: `busybox ${version}`, mode: 0o755 });
      for (const n of names)
        b.file(n, { type: 'hardlink', link: 'bin/busybox', content: `busybox ${version}` });
      return b.file('etc/motd', { content: version }).build();
    };
    const changes = diffInventories(image('1.36.0'), image('1.37.0'), options('all'));
    expect(changes.counts.nonPackaged.modified).toBe(407);
    expect(validate(JSON.parse(renderJson(changes))), JSON.stringify(validate.errors)).toBe(true);
    expect(changes.folds).toEqual([
      expect.objectContaining({ id: 'hardlinks:bin/busybox', kind: 'hardlinks', paths: 406, modified: 406 }),
    ]);
    const rows = nonPackagedRows(changes);
    expect(rows.map((r) => r.type)).toEqual(['fold', 'path']);
    const md = renderMarkdown(changes, { surface: 'comment' });
    const section = mdSection(md, 'Non-packaged files');
    expect(section).toContain('| 406 modified | `bin/busybox` | 406 names of one file (hardlinks)');
    expect(section).not.toContain('bin/tool');
    expect(renderText(changes, { color: false })).toContain('406 names of one file (hardlinks)');
  });

  it('folds caches rebuilt by triggers, not the sources they are built from', () => {
    const before = base().build();
    const after = base()
      .file('usr/lib/locale/locale-archive', { size: 3_000_000 })
      .file('usr/share/mime/mime.cache')
      .file('usr/share/mime/packages/custom.xml')
      .build();
    const changes = diffInventories(before, after, options('all'));
    expect(changes.folds.map((f) => [f.kind, f.members])).toEqual([
      ['caches', ['usr/lib/locale/locale-archive', 'usr/share/mime/mime.cache']],
    ]);
    const text = renderText(changes, { color: false });
    expect(text).toContain('derived caches, rebuilt by the tools that install packages (2 paths)');
    expect(text).toContain('usr/share/mime/packages/custom.xml');
  });
});

describe('--depth folds the list itself', () => {
  const before = base().build();
  const after = base()
    .file('opt/app/lib/a.js', { size: 10 })
    .file('opt/app/lib/b.js', { size: 5000 })
    .file('opt/app/lib/c.js', { size: 20 })
    .file('opt/app/lib/d.js', { size: 30 })
    .file('etc/app.conf')
    .build();

  it('shows one row per directory at the depth, with counts and the largest names', () => {
    const md = renderMarkdown(diffInventories(before, after, options(2)), { surface: 'comment' });
    const section = mdSection(md, 'Non-packaged files');
    expect(section).toContain(
      '| 4 added | `opt/app/` | 4 paths: `lib/b.js`, `lib/d.js`, `lib/c.js` +1 more |',
    );
    expect(section).toContain('| added | `etc/app.conf` |');
    expect(section).not.toContain('opt/app/lib/a.js');
    const deeper = renderMarkdown(diffInventories(before, after, options(3)), { surface: 'comment' });
    expect(mdSection(deeper, 'Non-packaged files')).toContain('`opt/app/lib/`');
  });

  it("lists every path with depth 'all', and the JSON keeps every path at any depth", () => {
    const all = renderMarkdown(diffInventories(before, after, options('all')), { surface: 'comment' });
    for (const f of ['a', 'b', 'c', 'd']) expect(all).toContain(`opt/app/lib/${f}.js`);
    const json = JSON.parse(renderJson(diffInventories(before, after, options(1)))) as Changes;
    expect(json.files.filter((f) => f.path.startsWith('opt/app/lib/'))).toHaveLength(4);
  });

  it('keeps a path the Attention block names as its own row', () => {
    const risky = base()
      .file('opt/app/lib/a.js')
      .file('opt/app/lib/b.js')
      .file('opt/app/bin/su', { mode: 0o4755 })
      .build();
    const changes = diffInventories(before, risky, options(1));
    expect(changes.attention.some((a) => a.where === 'opt/app/bin/su')).toBe(true);
    const rows = nonPackagedRows(changes);
    expect(rows[0]).toMatchObject({ type: 'path', change: { path: 'opt/app/bin/su' } });
    expect(rows[1]).toMatchObject({ type: 'dir', path: 'opt' });
  });
});

describe('a budget keeps the most important rows', () => {
  it('keeps Attention paths, then added before modified before removed, then by size, and says where the rest is', () => {
    const before = base();
    for (let i = 0; i < 300; i++) before.file(`srv/old/f${i}`, { content: `old ${i}` });
    for (let i = 0; i < 300; i++) before.file(`srv/mod/f${i}`, { content: `v1 ${i}` });
    const after = base();
    for (let i = 0; i < 300; i++) after.file(`srv/mod/f${i}`, { content: `v2 ${i}` });
    for (let i = 0; i < 300; i++) after.file(`srv/new/f${i}`, { content: 'x'.repeat(i + 1) });
    after.file('srv/zz-setuid', { mode: 0o4755 });
    const changes = diffInventories(before.build(), after.build(), options('all'));
    const md = renderMarkdown(changes, {
      surface: 'comment',
      budget: 12_000,
      fullReportHint: ' at the `report-file` output',
    });
    const section = mdSection(md, 'Non-packaged files');
    const paths = [...section.matchAll(/\| `(srv\/[^`]+)`/g)].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThan(3);
    expect(paths.length).toBeLessThan(901);
    expect(paths[0]).toBe('srv/zz-setuid');
    // Added rows come next, largest first; nothing modified or removed while added rows remain cut.
    expect(paths.slice(1, 4)).toEqual(['srv/new/f299', 'srv/new/f298', 'srv/new/f297']);
    expect(paths.some((p) => p.startsWith('srv/old/'))).toBe(false);
    expect(section).toMatch(/… and \d+ more \(see the full JSON report at the `report-file` output\)/);
    expect(md.trimEnd().split('\n').at(-1)).toContain('at the `report-file` output');
  });
});
