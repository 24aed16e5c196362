import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { compareDockerfiles, type CompareImages } from '../../src/core/dockerfile.js';
import { diffInventories } from '../../src/diff/diff.js';
import type { DiffOptions } from '../../src/diff/types.js';
import {
  renderDockerfileJson,
  renderDockerfileMarkdown,
  renderDockerfileText,
} from '../../src/render/dockerfile.js';
import { InventoryBuilder } from '../helpers/inventory-builder.js';
import { hugeChanges } from '../helpers/hostile-changes.js';

const OPTIONS: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };
const upgrade: CompareImages = (previous, image) => {
  const before = new InventoryBuilder(previous ?? 'x').pkg('dpkg', 'libc6', '2.36-9+deb12u7').build();
  const after = new InventoryBuilder(image).pkg('dpkg', 'libc6', '2.36-9+deb12u8').build();
  return Promise.resolve({ changes: diffInventories(previous ? before : undefined, after, OPTIONS) });
};

const OLD = 'FROM golang:1.23 AS build\nFROM debian:12.7 AS runtime\nFROM alpine:3.19 AS tools\n';
const NEW = 'FROM golang:1.23 AS build\nFROM alpine:3.20 AS tools\nFROM debian:12.8 AS runtime\n';

describe('renderDockerfileMarkdown', () => {
  it('shows a table of every stage, final first and marked, then a section per compared stage', async () => {
    const [file] = await compareDockerfiles(
      { files: [{ path: 'svc/Dockerfile', old: OLD, new: NEW }] },
      upgrade,
    );
    const md = renderDockerfileMarkdown(file!, { surface: 'comment', marker: 'image-changelog:k1' });
    expect(md.split('\n').slice(0, 9)).toEqual([
      '<!-- image-changelog:k1 -->',
      '## Base images: `svc/Dockerfile`',
      '',
      'The base image of 2 of 3 stages changed.',
      '',
      '| Stage | Line | Before | After | |',
      '|---|---|---|---|---|',
      '| **runtime** (final) | 3 | `debian:12.7` | `debian:12.8` | changed |',
      '| build | 1 | `golang:1.23` | `golang:1.23` | unchanged, not pulled |',
    ]);
    expect(md).toContain('| tools | 2 | `alpine:3.19` | `alpine:3.20` | changed |');
    const headings = md.split('\n').filter((l) => l.startsWith('### '));
    expect(headings).toEqual(['### Final stage runtime (the image that ships)', '### Stage tools']);
    expect(md).toContain('libc6');
    // One marker only: the sections carry none of their own.
    expect(md.match(/<!--/g)).toHaveLength(1);
  });

  it('says plainly when a Dockerfile was added or removed, and when a stage went to scratch', async () => {
    const files = await compareDockerfiles(
      {
        files: [
          { path: 'Dockerfile', new: 'FROM alpine:3.20\n' },
          { path: 'old/Dockerfile', old: 'FROM alpine:3.19\n' },
          {
            path: 'static/Dockerfile',
            old: 'FROM alpine:3.19 AS a\nFROM a\n',
            new: 'FROM alpine:3.19 AS a\nFROM scratch\n',
          },
        ],
      },
      upgrade,
    );
    const [added, removed, scratch] = files.map((f) => renderDockerfileMarkdown(f, { surface: 'summary' }));
    expect(added).toContain(
      "This pull request adds the Dockerfile. Each stage's base image is shown as a first release.",
    );
    expect(added).toContain('| **stage 1** (final) | 1 | — | `alpine:3.20` | new stage: first release |');
    expect(added).toContain('**First release**');
    expect(removed).toContain(
      'This pull request removes the Dockerfile: nothing is built from it any more, so there is nothing to compare.',
    );
    expect(scratch).toContain(
      'Now starts from scratch (an empty image), no longer from `alpine:3.19`: nothing of a base image remains.',
    );
  });

  it('escapes what the Dockerfile says: a path, a stage name or an ARG value cannot inject markdown', async () => {
    const [file] = await compareDockerfiles(
      {
        files: [
          {
            path: 'a|b/<img src=x>/@admin/Dockerfile',
            old: 'FROM alpine:3.19 AS a_b\n',
            new: 'ARG X=3.20\nFROM alpine:${X} AS a_b\n',
          },
        ],
      },
      upgrade,
    );
    const md = renderDockerfileMarkdown(file!, { surface: 'comment' });
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/(^|[^`])@admin/);
    expect(md).toContain('**a\\_b** (final)');
  });

  it('keeps the whole comment within its budget when the stages are huge', () => {
    const huge = hugeChanges(20_000, 2_000);
    const pair = (label: string, final: boolean) => ({
      pair: {
        label,
        final,
        change: 'changed' as const,
        old: {
          stage: { index: 0, line: 1, from: 'a:1', base: { kind: 'scratch' as const } },
          base: { kind: 'image' as const, reference: 'docker.io/library/a:1', written: 'a:1' },
        },
        new: {
          stage: { index: 0, line: 1, from: 'a:2', base: { kind: 'scratch' as const } },
          base: { kind: 'image' as const, reference: 'docker.io/library/a:2', written: 'a:2' },
        },
      },
      comparison: { changes: huge },
    });
    const file = {
      path: 'Dockerfile',
      status: 'modified' as const,
      stages: [pair('run', true), pair('b', false), pair('c', false)],
    };
    const md = renderDockerfileMarkdown(file, { surface: 'comment', marker: 'k' });
    expect(md.length).toBeLessThanOrEqual(64_000);
    expect(md.length).toBeGreaterThan(50_000);
    expect(md.split('\n').filter((l) => l.startsWith('### '))).toHaveLength(3);
  });
});

const schema = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../schema/${name}`, import.meta.url), 'utf8')) as { $id: string };
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
ajv.addSchema(schema('report.schema.json'), 'report.schema.json');
const validateDockerfileReport = ajv.compile(schema('dockerfile-report.schema.json'));

describe('renderDockerfileText and renderDockerfileJson', () => {
  it('writes JSON that schema/dockerfile-report.schema.json accepts, for modified, added and removed files', async () => {
    const files = await compareDockerfiles(
      {
        files: [
          { path: 'Dockerfile', old: OLD, new: NEW },
          { path: 'new/Dockerfile', new: 'FROM --platform=linux/arm64 alpine:3.20\n' },
          { path: 'old/Dockerfile', old: 'FROM scratch\n' },
        ],
      },
      upgrade,
    );
    const doc = JSON.parse(renderDockerfileJson(files)) as {
      dockerfiles: Array<{ stages: Array<{ report: { hasChanges: unknown } | null }> }>;
    };
    const ok = validateDockerfileReport(doc);
    expect(validateDockerfileReport.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The stage reports are held to the image report's schema too.
    doc.dockerfiles[0]!.stages[0]!.report!.hasChanges = 'yes';
    expect(validateDockerfileReport(doc)).toBe(false);
  });

  it('print the same stages for a terminal and one report per compared stage for scripts', async () => {
    const [file] = await compareDockerfiles({ files: [{ path: 'Dockerfile', old: OLD, new: NEW }] }, upgrade);
    const text = renderDockerfileText(file!, { color: false });
    expect(text.split('\n').slice(0, 5)).toEqual([
      'Base images: Dockerfile',
      'The base image of 2 of 3 stages changed.',
      '  * runtime (final): debian:12.7 -> debian:12.8  [changed]',
      '    build: golang:1.23 -> golang:1.23  [unchanged, not pulled]',
      '    tools: alpine:3.19 -> alpine:3.20  [changed]',
    ]);
    expect(text).toContain('== Final stage runtime (the image that ships) ==');
    const json = JSON.parse(renderDockerfileJson([file!])) as {
      dockerfiles: Array<{
        stages: Array<{ label: string; report: { schemaVersion: number } | null; before: unknown }>;
      }>;
    };
    expect(json.dockerfiles[0]!.stages.map((s) => [s.label, s.report !== null])).toEqual([
      ['runtime', true],
      ['build', false],
      ['tools', true],
    ]);
    expect(json.dockerfiles[0]!.stages[0]!.report!.schemaVersion).toBe(1);
    expect(json.dockerfiles[0]!.stages[0]!.before).toEqual({
      line: 2,
      from: 'debian:12.7 AS runtime',
      base: 'docker.io/library/debian:12.7',
    });
  });
});
