import { describe, expect, it } from 'vitest';
import { compareDockerfiles, type CompareImages } from '../../src/core/dockerfile.js';
import { diffInventories } from '../../src/diff/diff.js';
import type { DiffOptions } from '../../src/diff/types.js';
import { InventoryBuilder } from '../helpers/inventory-builder.js';

const OPTIONS: DiffOptions = { exclude: [], defaultExcludes: true, depth: 2 };
const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);

/** Records every comparison asked for and answers with a one-package upgrade. */
function recorder(): { compare: CompareImages; calls: string[] } {
  const calls: string[] = [];
  const compare: CompareImages = (previous, image, platform, previousPlatform) => {
    const was = previousPlatform ? ` (previous on ${previousPlatform})` : '';
    calls.push(`${previous ?? '(first)'} -> ${image}${platform ? ` on ${platform}` : ''}${was}`);
    const before = new InventoryBuilder(previous ?? 'x').pkg('dpkg', 'libc6', '2.36-9+deb12u7').build();
    const after = new InventoryBuilder(image).pkg('dpkg', 'libc6', '2.36-9+deb12u8').build();
    return Promise.resolve({ changes: diffInventories(previous ? before : undefined, after, OPTIONS) });
  };
  return { compare, calls };
}

describe('compareDockerfiles', () => {
  it('compares only the stages whose base changed, final first, and never opens an unchanged one', async () => {
    const { compare, calls } = recorder();
    const old = `FROM golang:1.23 AS build\nFROM debian:bookworm@${A} AS runtime\n`;
    const neu = `FROM golang:1.23 AS build\nFROM debian:bookworm@${B} AS runtime\n`;
    const [file] = await compareDockerfiles({ files: [{ path: 'Dockerfile', old, new: neu }] }, compare);
    expect(calls).toEqual([
      `docker.io/library/debian:bookworm@${A} -> docker.io/library/debian:bookworm@${B}`,
    ]);
    expect(file!.status).toBe('modified');
    expect(
      file!.stages.map((s) => [s.pair.label, s.pair.final, s.pair.change, s.comparison !== undefined]),
    ).toEqual([
      ['runtime', true, 'changed', true],
      ['build', false, 'unchanged', false],
    ]);
  });

  it('reads each side on the platform its FROM --platform named when that changed', async () => {
    const { compare, calls } = recorder();
    await compareDockerfiles(
      {
        files: [
          {
            path: 'Dockerfile',
            old: 'FROM --platform=linux/amd64 debian:12.7\n',
            new: 'FROM --platform=linux/arm64 debian:12.8\n',
          },
        ],
      },
      compare,
    );
    expect(calls).toEqual([
      'docker.io/library/debian:12.7 -> docker.io/library/debian:12.8 on linux/arm64 (previous on linux/amd64)',
    ]);
    const same = recorder();
    await compareDockerfiles(
      {
        files: [
          {
            path: 'Dockerfile',
            old: 'FROM --platform=linux/arm64 debian:12.7\n',
            new: 'FROM --platform=linux/arm64 debian:12.8\n',
          },
        ],
      },
      same.compare,
    );
    expect(same.calls).toEqual([
      'docker.io/library/debian:12.7 -> docker.io/library/debian:12.8 on linux/arm64',
    ]);
  });

  it('compares a pair two stages share once, and applies build args and the platform', async () => {
    const { compare, calls } = recorder();
    const text = 'ARG V=12.7\nFROM --platform=$TARGETPLATFORM debian:${V} AS base\nFROM base AS app\n';
    const files = await compareDockerfiles(
      {
        files: [{ path: 'd/Dockerfile', old: text, new: text.replace('12.7', '12.8') }],
        buildArgs: new Map([['UNUSED', 'x']]),
        platform: 'linux/arm64',
      },
      compare,
    );
    expect(calls).toEqual(['docker.io/library/debian:12.7 -> docker.io/library/debian:12.8 on linux/arm64']);
    expect(files[0]!.stages.every((s) => s.comparison !== undefined)).toBe(true);
    const overridden = recorder();
    await compareDockerfiles(
      { files: [{ path: 'd/Dockerfile', old: text, new: text }], buildArgs: new Map([['V', '12.9']]) },
      overridden.compare,
    );
    expect(overridden.calls).toEqual([]);
  });

  it('reads an added Dockerfile as a first release and a removed one as a removal, pulling nothing for it', async () => {
    const { compare, calls } = recorder();
    const files = await compareDockerfiles(
      {
        files: [
          { path: 'new/Dockerfile', new: 'FROM alpine:3.20\n' },
          { path: 'gone/Dockerfile', old: 'FROM alpine:3.19\n' },
        ],
      },
      compare,
    );
    expect(calls).toEqual(['(first) -> docker.io/library/alpine:3.20']);
    expect(files.map((f) => f.status)).toEqual(['added', 'removed']);
    expect(files[0]!.stages[0]!.comparison!.changes.firstRelease).toBe(true);
    expect(files[1]!.stages[0]!.pair.change).toBe('removed');
  });

  it('pulls nothing for scratch, and compares an image that replaced scratch as a first release', async () => {
    const { compare, calls } = recorder();
    await compareDockerfiles(
      {
        files: [
          { path: 'a', old: 'FROM alpine:3.20\n', new: 'FROM scratch\n' },
          { path: 'b', old: 'FROM scratch\n', new: 'FROM alpine:3.20\n' },
        ],
      },
      compare,
    );
    expect(calls).toEqual(['(first) -> docker.io/library/alpine:3.20']);
  });

  it('fails on a broken Dockerfile before comparing anything, naming the file and line', async () => {
    const { compare, calls } = recorder();
    await expect(
      compareDockerfiles(
        {
          files: [
            { path: 'ok', old: 'FROM a:1\n', new: 'FROM a:2\n' },
            { path: 'svc/Dockerfile', old: 'FROM a:1\n', new: 'FROM a:${T\n' },
          ],
        },
        compare,
      ),
    ).rejects.toThrow(/^svc\/Dockerfile:1: missing \}/);
    expect(calls).toEqual([]);
  });
});
