import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { diffInventories } from '../../src/diff/diff.js';
import type { DiffOptions } from '../../src/diff/types.js';
import { REPORT_SCHEMA_VERSION, renderJson } from '../../src/render/json.js';
import { VERSION } from '../../src/version.js';
import { InventoryBuilder } from '../helpers/inventory-builder.js';
import { hostileChanges, hostileVerdict } from '../helpers/hostile-changes.js';

const OPTIONS: DiffOptions = { exclude: ['srv/**'], defaultExcludes: true, depth: 'all' };
const schema = JSON.parse(
  readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8'),
) as object;
const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

function pair() {
  const base = () =>
    new InventoryBuilder()
      .os('alpine', '3.19.1', 'Alpine Linux v3.19')
      .config({ User: 'app', Env: ['SECRET_TOKEN=hunter2-old'] })
      .pkg('apk', 'musl', '1.2.4-r2', {
        arch: 'x86_64',
        source: { name: 'musl' },
        files: ['lib/ld-musl-x86_64.so.1'],
      })
      .file('srv/data.db');
  const after = base()
    .os('alpine', '3.19.2', 'Alpine Linux v3.19')
    .pkg('apk', 'musl', '1.2.4-r3', { arch: 'x86_64', files: ['lib/ld-musl-x86_64.so.1'] })
    .pkg('npm', 'left-pad', '1.3.0')
    .file('srv/data.db', { content: 'changed' })
    .file('etc/motd', { mode: 0o666 })
    .symlink('usr/bin/app', '/opt/app/bin/app')
    .config({ Env: ['SECRET_TOKEN=hunter2-new'] });
  return diffInventories(base().build(), after.build(), OPTIONS);
}

describe('renderJson', () => {
  it('writes a report the JSON Schema accepts, with and without a verdict', () => {
    for (const text of [
      renderJson(pair()),
      renderJson(pair(), { result: 'pass', policy: 'recommended', violations: [] }),
    ]) {
      const report = JSON.parse(text) as unknown;
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('accepts hostile and first-release reports too', () => {
    expect(
      validate(JSON.parse(renderJson(hostileChanges(), hostileVerdict()))),
      JSON.stringify(validate.errors?.slice(0, 3)),
    ).toBe(true);
    const first = diffInventories(
      undefined,
      new InventoryBuilder().pkg('dpkg', 'a', '1', { files: ['x'] }).build(),
      OPTIONS,
    );
    const report = JSON.parse(renderJson(first)) as { before: unknown; firstRelease: boolean };
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.before).toBeNull();
    expect(report.firstRelease).toBe(true);
  });

  it('rejects a report that breaks the schema (the check can fail)', () => {
    const report = JSON.parse(renderJson(pair())) as { packages: Array<Record<string, unknown>> };
    report.packages[0]!.kind = 'exploded';
    expect(validate(report)).toBe(false);
  });

  it('is versioned and names the tool', () => {
    const report = JSON.parse(renderJson(pair())) as { schemaVersion: number; tool: unknown };
    expect(report.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(report.tool).toEqual({ name: 'image-changelog', version: VERSION });
  });

  it('carries everything the markdown shows and more: excluded paths, options, redacted settings', () => {
    const report = JSON.parse(renderJson(pair())) as {
      files: Array<{ path: string; excluded?: boolean }>;
      options: unknown;
      settings: Array<{ key: string; before?: string; after?: string; redacted?: boolean }>;
      packages: Array<{ name: string; kind: string; bump?: string }>;
    };
    expect(report.files.find((f) => f.path === 'srv/data.db')?.excluded).toBe(true);
    expect(report.options).toEqual({ defaultExcludes: true, depth: 'all', exclude: ['srv/**'] });
    expect(report.settings.find((s) => s.key === 'env.SECRET_TOKEN')).toEqual({
      key: 'env.SECRET_TOKEN',
      before: '(redacted)',
      after: '(redacted)',
      redacted: true,
    });
    expect(report.packages.map((p) => [p.name, p.kind])).toEqual([
      ['musl', 'upgraded'],
      ['left-pad', 'added'],
    ]);
  });

  it('never prints a secret value', () => {
    expect(renderJson(pair())).not.toContain('hunter2');
  });

  it('is stable: sorted keys, the same text for the same changes', () => {
    const text = renderJson(pair());
    expect(renderJson(pair())).toBe(text);
    const keysSorted = (v: unknown): boolean => {
      if (Array.isArray(v)) return v.every(keysSorted);
      if (v === null || typeof v !== 'object') return true;
      const keys = Object.keys(v);
      return keys.every((k, i) => i === 0 || keys[i - 1]! < k) && Object.values(v).every(keysSorted);
    };
    const report = JSON.parse(text) as Record<string, unknown>;
    // The top level reads in a fixed, documented order; everything below has sorted keys.
    expect(Object.keys(report).slice(0, 2)).toEqual(['schemaVersion', 'tool']);
    for (const value of Object.values(report)) expect(keysSorted(value)).toBe(true);
  });
});
