import { compareParsedOrLoose } from './loose.js';
import { classifyBump, compareDigits, compareStrings } from './scheme.js';
import type { Order, VersionBump, VersionScheme } from './scheme.js';

const VALID = /^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

type Segment = string | number;

/**
 * RubyGems' canonical segments: numbers and letter runs; a `-` means a pre-release (`1.0-1` is
 * `1.0.pre.1`); trailing zeros are dropped from the release part and from the pre-release part,
 * so 1.0 = 1 and 1.0.a = 1.a. Numbers are kept as digit strings (no overflow).
 */
export function gemSegments(version: string): Segment[] | undefined {
  const text = version.trim();
  if (text.length > 256 || !VALID.test(text)) return undefined;
  const all: Segment[] = [];
  for (const m of text.replace(/-/g, '.pre.').matchAll(/[0-9]+|[a-z]+/gi)) {
    all.push(/^\d/.test(m[0]) ? m[0].replace(/^0+(?=\d)/, '') : m[0]);
  }
  const firstWord = all.findIndex((s) => typeof s === 'string' && /^[a-z]/i.test(s));
  const release = firstWord < 0 ? all : all.slice(0, firstWord);
  const pre = firstWord < 0 ? [] : all.slice(firstWord);
  const trim = (xs: Segment[]): Segment[] => {
    const out = [...xs];
    while (out.length > 0 && out[out.length - 1] === '0') out.pop();
    return out;
  };
  return [...trim(release), ...trim(pre)];
}

const isWord = (s: Segment): boolean => /^[a-z]/i.test(String(s));

/** Gem::Version order: segment by segment (missing = 0); a letter segment is older than a number. */
export function compareGemVersions(a: string, b: string): Order {
  return compareParsedOrLoose(a, b, gemSegments, compareGemSegments);
}

function compareGemSegments(sa: Segment[], sb: Segment[]): Order {
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const x = sa[i] ?? '0';
    const y = sb[i] ?? '0';
    if (x === y) continue;
    const wx = isWord(x);
    const wy = isWord(y);
    if (wx !== wy) return wx ? -1 : 1;
    return wx ? compareStrings(String(x), String(y)) : compareDigits(String(x), String(y));
  }
  return 0;
}

export function gemBump(a: string, b: string): VersionBump | undefined {
  if (compareGemVersions(a, b) === 0) return undefined;
  return classifyBump(a.trim(), b.trim());
}

export const rubygemsVersionScheme: VersionScheme = {
  id: 'rubygems',
  compare: compareGemVersions,
  bump: gemBump,
};
