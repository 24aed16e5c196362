import { describe, expect, it } from 'vitest';
import { diffInventories } from '../../src/diff/diff.js';
import type { DiffOptions } from '../../src/diff/types.js';
import type { Verdict } from '../../src/policy/types.js';
import { renderText } from '../../src/render/text.js';
import { InventoryBuilder } from '../helpers/inventory-builder.js';

const OPTIONS: DiffOptions = { exclude: [], defaultExcludes: true, depth: 1 };

function pair() {
  const base = () =>
    new InventoryBuilder('app:1')
      .os('debian', '12')
      .pkg('dpkg', 'openssl', '3.0.11-1', { files: ['usr/bin/openssl'] })
      .pkg('dpkg', 'tzdata', '2024a-1');
  const after = base()
    .reference('app:2')
    .pkg('dpkg', 'openssl', '3.0.13-1', { files: ['usr/bin/openssl'] })
    .pkg('dpkg', 'tzdata', '2023c-1')
    .file('opt/app/run')
    .config({ User: 'root' });
  return diffInventories(base().build(), after.build(), OPTIONS);
}

const VERDICT: Verdict = {
  result: 'warn',
  policy: 'recommended',
  violations: [{ rule: 'root', action: 'warn', subject: 'user', message: 'runs as root' }],
};

describe('renderText', () => {
  it('lists the headline, overview, packages by kind, files and settings', () => {
    const text = renderText(pair(), { color: false, verdict: VERDICT });
    expect(text).toContain('Image changelog: app:2 (previous: app:1)');
    expect(text).toContain(
      '2 packages changed (1 downgraded, 1 upgraded), 1 non-packaged file, settings: user',
    );
    expect(text).toContain('Policy recommended: WARN');
    expect(text).toContain('  warn  root  user: runs as root');
    expect(text).toContain('    openssl (dpkg)  3.0.11-1 → 3.0.13-1  patch, 1 file');
    expect(text.indexOf('downgraded (1)')).toBeLessThan(text.indexOf('upgraded (1)'));
    // A directory at the depth with one changed path shows that path.
    expect(text).toContain('Non-packaged files (1 file)\n  added    opt/app/run');
    expect(text).toContain('  user: (unset) → root');
    expect(text).toContain('  app:1  →  app:2');
    expect(text).not.toContain('->');
  });

  it('counts non-packaged files and directories apart, as the headline counts files', () => {
    const base = () => new InventoryBuilder('app:1').os('debian', '12');
    const after = base()
      .dir('srv/data')
      .file('opt/app/run')
      .file('opt/app/conf')
      .symlink('opt/app/cur', 'run');
    const text = renderText(diffInventories(base().build(), after.build(), OPTIONS), { color: false });
    expect(text).toContain('3 non-packaged files');
    expect(text).toContain('Non-packaged files (3 files, 1 directory)');
    expect(text).toContain(
      '  one row per directory at depth 1\n  3 added  opt/  3 paths: app/conf, app/run, app/cur',
    );
    const all = renderText(diffInventories(base().build(), after.build(), { ...OPTIONS, depth: 'all' }), {
      color: false,
    });
    expect(all).toContain('Non-packaged files (3 files, 1 directory)');
    expect(all).toContain('opt/app/cur  symlink, → run');
  });

  it('names the owner of a package file as the package lines do', () => {
    const base = () =>
      new InventoryBuilder('app:1')
        .os('debian', '12')
        .pkg('dpkg', 'bash', '5.2', { files: ['usr/bin/bash'] });
    const after = base().file('usr/bin/bash', {
      content: 'patched',
      owners: [{ ecosystem: 'dpkg', name: 'bash' }],
    });
    const text = renderText(diffInventories(base().build(), after.build(), OPTIONS), { color: false });
    expect(text).toContain('Package files that differ from their package (1)');
    expect(text).toContain('usr/bin/bash  [bash (dpkg)] content');
  });

  it('uses ANSI colours only when asked', () => {
    expect(renderText(pair(), { color: false })).not.toContain('\u001b');
    const coloured = renderText(pair(), { color: true });
    expect(coloured).toContain('\u001b[31mdowngraded (1)\u001b[39m');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(renderText(pair(), { color: false }));
  });

  it('renders a first release', () => {
    const text = renderText(
      diffInventories(undefined, new InventoryBuilder('app:1').pkg('dpkg', 'a', '1').build(), OPTIONS),
      { color: false },
    );
    expect(text).toContain('First release: 1 package, 0 non-packaged files');
    expect(text).not.toContain('previous:');
  });
});
