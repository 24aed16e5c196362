import { describe, expect, it } from 'vitest';
import { expandWord, splitWords } from '../../src/dockerfile/words.js';

const vars = new Map<string, string>([
  ['TAG', '20.18'],
  ['EMPTY', ''],
  ['REPO', 'node'],
]);
const x = (word: string, escape = '\\') => expandWord(word, (n) => vars.get(n), escape);

describe('splitWords', () => {
  it('splits on blanks outside quotes and keeps quotes and escapes in the word', () => {
    expect(splitWords(`--platform=$P "a b" 'c d' e\\ f  g`, '\\')).toEqual([
      '--platform=$P',
      '"a b"',
      "'c d'",
      'e\\ f',
      'g',
    ]);
  });

  it('refuses an unmatched quote', () => {
    expect(() => splitWords('"node:20', '\\')).toThrow(/unmatched " quote/);
  });
});

describe('expandWord', () => {
  it('substitutes $VAR and ${VAR}; an unknown variable is empty', () => {
    expect(x('$REPO:${TAG}')).toBe('node:20.18');
    expect(x('${NOPE}x$NOPE')).toBe('x');
  });

  it('supports the :- :+ - + forms, which tell empty from unset', () => {
    expect(x('${NOPE:-22}')).toBe('22');
    expect(x('${EMPTY:-22}')).toBe('22');
    expect(x('${EMPTY-22}')).toBe('');
    expect(x('${NOPE-22}')).toBe('22');
    expect(x('${TAG:+set}')).toBe('set');
    expect(x('${EMPTY:+set}')).toBe('');
    expect(x('${EMPTY+set}')).toBe('set');
    expect(x('${NOPE:-${REPO}:${TAG}}')).toBe('node:20.18');
  });

  it('fails on ${VAR:?message} when the variable is unset, with the message', () => {
    expect(() => x('${NOPE:?set NOPE first}')).toThrow('NOPE: set NOPE first');
    expect(x('${TAG:?x}')).toBe('20.18');
  });

  it('removes quotes; single quotes stop substitution, double quotes do not', () => {
    expect(x(`"$REPO":'$TAG'`)).toBe('node:$TAG');
  });

  it('takes the escaped character literally, with either escape character', () => {
    expect(x('\\$TAG')).toBe('$TAG');
    expect(x('`$TAG', '`')).toBe('$TAG');
    expect(x('C:\\app', '`')).toBe('C:\\app');
  });

  it('keeps a lone dollar sign', () => {
    expect(x('a$')).toBe('a$');
    expect(x('a$-b')).toBe('a$-b');
  });

  it('refuses substitutions BuildKit has and we do not follow, saying which forms work', () => {
    expect(() => x('${TAG%.*}')).toThrow(/unsupported substitution .*\$\{TAG:-default\}/);
    expect(() => x('${TAG')).toThrow(/missing \}/);
  });
});
