import { describe, expect, it } from 'vitest';
import { pairStages, type StagePair } from '../../src/dockerfile/pair.js';
import { readDockerfile } from '../../src/dockerfile/stages.js';

const A = 'sha256:' + 'a'.repeat(64);
const B = 'sha256:' + 'b'.repeat(64);
const file = (text: string) => readDockerfile(text, 'Dockerfile');
const brief = (pairs: StagePair[]) =>
  pairs.map((p) => {
    const ref = (s: StagePair['old']) => (!s ? '-' : s.base.kind === 'image' ? s.base.written : s.base.kind);
    return `${p.final ? '*' : ' '}${p.label}: ${p.change} ${ref(p.old)} -> ${ref(p.new)}`;
  });

describe('pairStages', () => {
  it('finds a digest bump of a one-stage Dockerfile', () => {
    expect(brief(pairStages(file(`FROM node:20@${A}\n`), file(`FROM node:20@${B}\n`)))).toEqual([
      `*stage 1: changed node:20@${A} -> node:20@${B}`,
    ]);
  });

  it('sees two spellings of one image as unchanged', () => {
    expect(brief(pairStages(file('FROM node:20\n'), file('FROM docker.io/library/node:20\n')))[0]).toMatch(
      /unchanged/,
    );
  });

  it('puts the final stage first and leaves unchanged stages unchanged when only the final one moves', () => {
    const old = file(
      'FROM golang:1.23 AS build\nRUN go build\nFROM debian:12.7 AS runtime\nCOPY --from=build /a /a\n',
    );
    const neu = file(
      'FROM golang:1.23 AS build\nRUN go build\nFROM debian:12.8 AS runtime\nCOPY --from=build /a /a\n',
    );
    expect(brief(pairStages(old, neu))).toEqual([
      '*runtime: changed debian:12.7 -> debian:12.8',
      ' build: unchanged golang:1.23 -> golang:1.23',
    ]);
  });

  it('pairs final with final even when the final stage was renamed, and named stages by name', () => {
    const old = file('FROM alpine:3.19 AS deps\nFROM golang:1.22 AS build\nFROM debian:12 AS run\n');
    const neu = file('FROM golang:1.23 AS build\nFROM alpine:3.20 AS deps\nFROM debian:12 AS final\n');
    expect(brief(pairStages(old, neu))).toEqual([
      '*final: unchanged debian:12 -> debian:12',
      ' build: changed golang:1.22 -> golang:1.23',
      ' deps: changed alpine:3.19 -> alpine:3.20',
    ]);
  });

  it('pairs stages by name before position, so reordered stages keep their partners', () => {
    const old = file('FROM golang:1.23 AS build\nFROM debian:12.7 AS runtime\nFROM alpine:3.19 AS tools\n');
    const neu = file('FROM golang:1.23 AS build\nFROM alpine:3.20 AS tools\nFROM debian:12.8 AS runtime\n');
    expect(brief(pairStages(old, neu))).toEqual([
      '*runtime: changed debian:12.7 -> debian:12.8',
      ' build: unchanged golang:1.23 -> golang:1.23',
      ' tools: changed alpine:3.19 -> alpine:3.20',
    ]);
  });

  it('pairs the remaining stages in order, and reports added and removed stages', () => {
    const old = file('FROM a:1\nFROM b:1\nFROM c:1\nFROM z:1\n');
    const neu = file('FROM a:2\nFROM z:2\n');
    expect(brief(pairStages(old, neu))).toEqual([
      '*stage 2: changed z:1 -> z:2',
      ' stage 1: changed a:1 -> a:2',
      ' stage 2: removed b:1 -> -',
      ' stage 3: removed c:1 -> -',
    ]);
    expect(brief(pairStages(neu, old)).slice(2)).toEqual([
      ' stage 2: added - -> b:1',
      ' stage 3: added - -> c:1',
    ]);
  });

  it('compares what a stage built on another stage starts from', () => {
    const old = file('FROM debian:12.7 AS base\nFROM base AS app\n');
    const neu = file('FROM debian:12.8 AS base\nFROM base AS app\n');
    expect(brief(pairStages(old, neu))).toEqual([
      '*app: changed debian:12.7 -> debian:12.8',
      ' base: changed debian:12.7 -> debian:12.8',
    ]);
  });

  it('counts a platform change as a change, and scratch as a base', () => {
    expect(
      brief(pairStages(file('FROM --platform=linux/amd64 a\n'), file('FROM --platform=linux/arm64 a\n'))),
    ).toEqual(['*stage 1: changed a -> a']);
    expect(brief(pairStages(file('FROM scratch\n'), file('FROM scratch\n')))).toEqual([
      '*stage 1: unchanged scratch -> scratch',
    ]);
    expect(brief(pairStages(file('FROM scratch\n'), file('FROM a\n')))).toEqual([
      '*stage 1: changed scratch -> a',
    ]);
  });

  it('treats an added Dockerfile as a first release of every stage, a removed one as removals', () => {
    const f = file('FROM golang:1.23 AS build\nFROM debian:12\n');
    expect(brief(pairStages(undefined, f))).toEqual([
      '*stage 2: added - -> debian:12',
      ' build: added - -> golang:1.23',
    ]);
    expect(brief(pairStages(f, undefined))).toEqual([
      '*stage 2: removed debian:12 -> -',
      ' build: removed golang:1.23 -> -',
    ]);
  });
});
