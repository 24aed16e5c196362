import { describe, expect, it } from 'vitest';
import { readDockerfile, rootBase } from '../../src/dockerfile/stages.js';

const D = 'sha256:' + 'a'.repeat(64);
const read = (text: string, buildArgs: Record<string, string> = {}, platform?: string) =>
  readDockerfile(text, 'app/Dockerfile', {
    buildArgs: new Map(Object.entries(buildArgs)),
    ...(platform ? { platform } : {}),
  });
const bases = (text: string, buildArgs: Record<string, string> = {}) =>
  read(text, buildArgs).stages.map((s) =>
    s.base.kind === 'image'
      ? s.base.reference
      : s.base.kind === 'stage'
        ? `stage ${s.base.stage}`
        : 'scratch',
  );

describe('readDockerfile', () => {
  it('reads Docker Hub library names, other registries, tags and digests canonically', () => {
    expect(
      bases(
        `FROM node\nFROM node:20.18@${D}\nFROM ghcr.io/org/base:1\nFROM docker.io/library/debian:bookworm\nFROM localhost:5000/x@${D}\n`,
      ),
    ).toEqual([
      'docker.io/library/node:latest',
      `docker.io/library/node:20.18@${D}`,
      'ghcr.io/org/base:1',
      'docker.io/library/debian:bookworm',
      `localhost:5000/x@${D}`,
    ]);
  });

  it('substitutes ARG defaults declared before the first FROM, in every form', () => {
    const text = [
      'ARG REPO=node',
      'ARG TAG=20.18 VARIANT="-slim"',
      'ARG IMAGE=${REPO}:${TAG}${VARIANT}',
      'ARG UNSET',
      'FROM $IMAGE AS one',
      'FROM ${REPO}:${UNSET:-22} AS two',
      'FROM "${REPO}:${TAG:+latest}"',
    ].join('\n');
    expect(bases(text)).toEqual([
      'docker.io/library/node:20.18-slim',
      'docker.io/library/node:22',
      'docker.io/library/node:latest',
    ]);
  });

  it('lets --build-arg override a declared default, and only a declared one', () => {
    const text = 'ARG TAG=20\nFROM node:${TAG}\nFROM debian:${SUITE:-bookworm}\n';
    expect(bases(text, { TAG: '22', SUITE: 'trixie' })).toEqual([
      'docker.io/library/node:22',
      'docker.io/library/debian:bookworm',
    ]);
  });

  it('does not let an ARG declared inside a stage reach a later FROM', () => {
    const text = 'FROM alpine:3.20\nARG TAG=3.21\nFROM alpine:${TAG:-3.19}\n';
    expect(bases(text)).toEqual(['docker.io/library/alpine:3.20', 'docker.io/library/alpine:3.19']);
  });

  it('follows stage aliases case-insensitively and knows scratch', () => {
    const text = 'FROM golang:1.23 AS Build\nFROM build AS test\nFROM scratch\nFROM BUILD\n';
    const file = read(text);
    expect(bases(text)).toEqual(['docker.io/library/golang:1.23', 'stage 0', 'scratch', 'stage 0']);
    expect(file.stages.map((s) => s.name)).toEqual(['build', 'test', undefined, undefined]);
    expect(rootBase(file, file.stages[3]!)).toEqual({
      kind: 'image',
      reference: 'docker.io/library/golang:1.23',
      written: 'golang:1.23',
    });
  });

  it('takes a name used before its stage exists for an image, as BuildKit does', () => {
    expect(bases('FROM later\nFROM alpine AS later\n')[0]).toBe('docker.io/library/later:latest');
  });

  it('reads --platform, with the automatic platform ARGs of the target', () => {
    const text =
      'FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nFROM --platform=linux/arm64 debian\nFROM build\n';
    const file = read(text, {}, 'linux/arm/v7');
    expect(file.stages.map((s) => s.platform)).toEqual(['linux/arm/v7', 'linux/arm64', undefined]);
    expect(rootBase(file, file.stages[2]!).platform).toBe('linux/arm/v7');
    expect(bases('ARG TARGETARCH\nFROM debian:bookworm-${TARGETARCH}\n')).toEqual([
      'docker.io/library/debian:bookworm-amd64',
    ]);
  });

  it('keeps the FROM line as written and its line number', () => {
    const s = read('# c\nARG T=1\n\nFROM node:${T} \\\n  AS web\n').stages[0]!;
    expect(s).toMatchObject({ line: 4, from: 'node:${T}   AS web', name: 'web', index: 0 });
    expect(s.base).toMatchObject({ written: 'node:1' });
  });

  it.each([
    ['RUN true\n', /^app\/Dockerfile: no FROM instruction/],
    ['FROM\n', /^app\/Dockerfile:1: FROM needs an image/],
    ['FROM node:${TAG}\n', /^app\/Dockerfile:1: FROM invalid image reference "node:": "" is not a valid tag/],
    [
      'FROM $IMAGE\n',
      /^app\/Dockerfile:1: FROM \$IMAGE names no image \(an ARG it uses is empty or not declared/,
    ],
    [
      'FROM Node:20\n',
      /^app\/Dockerfile:1: FROM invalid image reference "Node:20": repository names must be lowercase/,
    ],
    ['FROM a AS\n', /expected FROM \[--platform=\.\.\.\] IMAGE \[AS NAME\], got 'FROM a AS'/],
    ['FROM a b c\n', /expected FROM/],
    ['FROM --pull=always a\n', /FROM does not take the flag '--pull=always'/],
    ['FROM a AS x\nFROM b AS X\n', /:2: the stage name 'x' is used twice/],
    ['FROM a AS 1x\n', /'1x' is not a valid stage name/],
    ['ARG 1X=2\nFROM a\n', /:1: '1X' is not an ARG name/],
    ['FROM "a\n', /:1: unmatched " quote/],
    ['ARG T\nFROM a:${T:?required}\n', /:2: T: required/],
  ])('says what is wrong and where: %j', (text, message) => {
    expect(() => read(text)).toThrow(message);
  });
});
