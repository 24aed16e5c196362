import { diffInventories } from '../../src/diff/diff.js';
import type { Changes, DiffOptions } from '../../src/diff/types.js';
import type { Verdict } from '../../src/policy/types.js';
import { InventoryBuilder } from './inventory-builder.js';

/** Markup and control payloads an image can carry in any string field. */
export const HOSTILE: readonly string[] = [
  'pipe|in|name',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '@org/team',
  'see #123 and GH-42 and org/repo#7',
  '`tick` and ``double``',
  'line1\nline2\r\n| a | b |',
  '![x](http://evil.example/p.png)',
  '[click](javascript:alert(1))',
  'https://evil.example/login www.evil.example',
  'mail admin@example.com',
  '\u202Egnp.exe',
  '\u001b[2J\u001b[31mred',
  '<!-- hidden --> </details><details open>',
  '&lt;script&gt;',
  '$\\Huge{x}$',
  '- list item',
  '# heading',
  '> quote',
  '**bold** _em_ ~~strike~~',
  'back\\slash\\|pipe',
  'x'.repeat(10_000),
  '\u0000nul\u0007bell',
];

const OPTIONS: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };

/** A pair of images whose every image-derived string (names, versions, paths, labels, env, history, ...) is hostile. */
export function hostileChanges(): Changes {
  const before = new InventoryBuilder(HOSTILE[1]).os('debian', '12', HOSTILE[3]).layers('base', 'old');
  const after = new InventoryBuilder(HOSTILE[0])
    .os('debian', '13', HOSTILE[7])
    .platform(`linux/${HOSTILE[2]!}`)
    .layers('base');
  after.layer('new', 1000, HOSTILE.join(' '));
  HOSTILE.forEach((s, i) => {
    before.pkg('dpkg', `down${i}${s}`, `2.0-${s}`, { arch: s, files: [`usr/lib/${i}/${s}`] });
    after.pkg('dpkg', `down${i}${s}`, `1.0-${s}`, { arch: s, files: [`usr/lib/${i}/${s}`] });
    after.pkg('npm', `@scope${i}/${s}`, `1.0.${i}-${s}`, { location: `app/node_modules/${s}/package.json` });
    after.file(`srv/${i}/${s}`, { content: s, mode: 0o4755 });
    after.symlink(`srv/link${i}`, s);
    after.file(`usr/bin/unexplained${i}${s}`, {
      owners: [{ ecosystem: 'dpkg', name: s }],
      modifiedAfterInstall: true,
    });
  });
  before.config({ Labels: Object.fromEntries(HOSTILE.map((s, i) => [`l${i}${s}`, 'old'])) });
  after.config({
    User: HOSTILE[4]!,
    Entrypoint: [...HOSTILE],
    Env: HOSTILE.map((s, i) => `E${i}${s.replace(/=/g, '')}=${s}`),
    Labels: Object.fromEntries(HOSTILE.map((s, i) => [`l${i}${s}`, s])),
    ExposedPorts: { [HOSTILE[5]!]: {} },
    Healthcheck: { Test: ['CMD-SHELL', HOSTILE[8]!] },
  });
  return diffInventories(before.build(), after.build(), OPTIONS);
}

export function hostileVerdict(): Verdict {
  return {
    result: 'stop',
    policy: HOSTILE[3]!,
    violations: HOSTILE.map((s, i) => ({
      rule: `rule-${s}`,
      action: i % 2 === 0 ? 'stop' : 'warn',
      subject: s,
      message: `${s} was found`,
    })),
  };
}

/**
 * A huge pair: `files` changed non-packaged files in many directories and `packages` changed packages,
 * `downgrades` of them downgraded. With `longNames`, every name and path is 10,000 characters long.
 */
export function hugeChanges(files = 50_000, packages = 5_000, downgrades = 30, longNames = false): Changes {
  const pad = (s: string) => (longNames ? s + '|<x>'.repeat(2_500) : s);
  const before = new InventoryBuilder('registry.example/big:1').layers('base', 'a');
  const after = new InventoryBuilder('registry.example/big:2').layers('base', 'b');
  for (let i = 0; i < packages; i++) {
    const name = pad(`pkg${String(i).padStart(5, '0')}`);
    const [v1, v2] = i < downgrades ? ['2.0', '1.0'] : ['1.0', '1.1'];
    before.pkg('dpkg', name, v1, { files: [`usr/share/${i}/a`, `usr/share/${i}/b`] });
    after.pkg('dpkg', name, v2, { files: [`usr/share/${i}/a`, `usr/share/${i}/b`] });
  }
  for (let i = 0; i < files; i++) after.file(pad(`opt/app${i % 500}/sub${i % 7}/file${i}`));
  // Every path its own row (depth all): at depth 2 the list folds to 500 directory rows, and the
  // budgets would no longer be tried by 50,000 rows.
  return diffInventories(before.build(), after.build(), { ...OPTIONS, depth: 'all' });
}

export function hugeVerdict(changes: Changes): Verdict {
  const downgrades = changes.packages.filter((p) => p.kind === 'downgraded');
  return {
    result: 'stop',
    policy: 'recommended',
    violations: [
      ...downgrades.map((p) => ({
        rule: 'no-downgrades',
        action: 'stop' as const,
        subject: `dpkg:${p.name}`,
        message: `${p.name} was downgraded`,
      })),
      ...changes.files.slice(0, 2_000).map((f) => ({
        rule: 'new-files',
        action: 'warn' as const,
        subject: f.path,
        message: `${f.path} is new`,
      })),
    ],
  };
}
