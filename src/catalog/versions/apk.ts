import { classifyBump, compareDigits, compareStrings } from './scheme.js';
import type { Order, VersionBump, VersionScheme } from './scheme.js';

/**
 * apk-tools version rules (apk-tools 2.12 and later, as in Alpine 3.x today):
 *
 *   number{.number}[letter]{_suffix[number]}[~hash][-rN]
 *
 * Two versions are read token by token while both have the same kind of token. A number after '.'
 * with a leading zero compares as text (1.02 < 1.1, as in Gentoo); other numbers numerically.
 * Where the kinds differ, a pre-release suffix (_alpha, _beta, _pre, _rc) makes its side older;
 * otherwise the side further along in the order of kinds is older, so the end of a version comes
 * after every other kind: 1.0 < 1.0.1, 1.0a < 1.0.1, 1.0 < 1.0-r1 < 1.0_p1, 1.0_rc1 < 1.0.
 * An invalid remainder is a kind of its own that sorts below everything else.
 */
enum Kind {
  InitialDigit,
  Digit,
  Letter,
  Suffix,
  SuffixNo,
  CommitHash,
  RevisionNo,
  End,
  Invalid,
}

/** Suffix ranks: pre-release ones below NONE (no suffix), post-release ones above. */
const SUFFIX_RANK: Record<string, number> = {
  alpha: 0,
  beta: 1,
  pre: 2,
  rc: 3,
  cvs: 5,
  svn: 6,
  git: 7,
  hg: 8,
  p: 9,
};
const SUFFIX_NONE = 4;

interface Token {
  kind: Kind;
  text: string;
  suffix?: number;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isLower = (c: string): boolean => c >= 'a' && c <= 'z';
const isHex = (c: string): boolean => isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

/** Reads one version's tokens lazily: each call to next() gives the token following the previous one. */
class Tokenizer {
  private at = 0;
  private kind: Kind = Kind.InitialDigit;

  constructor(private readonly s: string) {}

  private run(accept: (c: string) => boolean): string {
    const start = this.at;
    while (this.at < this.s.length && accept(this.s.charAt(this.at))) this.at++;
    return this.s.slice(start, this.at);
  }

  private digits(kind: Kind): Token {
    const text = this.run(isDigit);
    return this.set(text === '' ? Kind.Invalid : kind, text);
  }

  private set(kind: Kind, text: string, suffix?: number): Token {
    this.kind = kind;
    return suffix === undefined ? { kind, text } : { kind, text, suffix };
  }

  first(): Token {
    return this.digits(Kind.InitialDigit);
  }

  next(): Token {
    const prev = this.kind;
    if (this.at >= this.s.length) return this.set(Kind.End, '');
    const c = this.s.charAt(this.at);
    if (isLower(c)) {
      if (prev > Kind.Digit) return this.set(Kind.Invalid, '');
      this.at++;
      return this.set(Kind.Letter, c);
    }
    if (c === '.' || isDigit(c)) {
      if (c === '.') {
        if (prev > Kind.Digit) return this.set(Kind.Invalid, '');
        this.at++;
      }
      if (prev === Kind.InitialDigit || prev === Kind.Digit) return this.digits(Kind.Digit);
      if (prev === Kind.Suffix) return this.digits(Kind.SuffixNo);
      return this.set(Kind.Invalid, '');
    }
    if (c === '_') {
      if (prev > Kind.SuffixNo) return this.set(Kind.Invalid, '');
      this.at++;
      const word = this.run(isLower);
      const rank = SUFFIX_RANK[word];
      if (rank === undefined) return this.set(Kind.Invalid, '');
      return this.set(Kind.Suffix, word, rank);
    }
    if (c === '~') {
      if (prev >= Kind.CommitHash) return this.set(Kind.Invalid, '');
      this.at++;
      const hash = this.run(isHex);
      return this.set(hash === '' ? Kind.Invalid : Kind.CommitHash, hash);
    }
    if (c === '-' && this.s.charAt(this.at + 1) === 'r' && prev < Kind.RevisionNo) {
      this.at += 2;
      return this.digits(Kind.RevisionNo);
    }
    return this.set(Kind.Invalid, '');
  }
}

function compareSameKind(a: Token, b: Token): Order {
  switch (a.kind) {
    case Kind.Digit:
      // A leading zero makes the component a decimal fraction of sorts: compare as text.
      if (a.text.startsWith('0') || b.text.startsWith('0')) return compareStrings(a.text, b.text);
      return compareDigits(a.text, b.text);
    case Kind.InitialDigit:
    case Kind.SuffixNo:
    case Kind.RevisionNo:
      return compareDigits(a.text, b.text);
    case Kind.Suffix:
      return compareDigits(String(a.suffix ?? 0), String(b.suffix ?? 0));
    default:
      return compareStrings(a.text, b.text);
  }
}

export function compareApkVersions(a: string, b: string): Order {
  const ra = new Tokenizer(a.trim());
  const rb = new Tokenizer(b.trim());
  let ta = ra.first();
  let tb = rb.first();
  // Each step consumes at least one character, so this ends.
  while (ta.kind === tb.kind && ta.kind < Kind.End) {
    const rc = compareSameKind(ta, tb);
    if (rc !== 0) return rc;
    ta = ra.next();
    tb = rb.next();
  }
  if (ta.kind === tb.kind) return 0;
  if (ta.kind === Kind.Suffix && (ta.suffix ?? 0) < SUFFIX_NONE) return -1;
  if (tb.kind === Kind.Suffix && (tb.suffix ?? 0) < SUFFIX_NONE) return 1;
  return ta.kind > tb.kind ? -1 : 1;
}

/** The version without its `-rN` package revision. */
export function apkUpstream(version: string): string {
  return version.trim().replace(/-r\d+$/, '');
}

/** A change of the `-rN` revision only is 'patch'. */
export function apkBump(a: string, b: string): VersionBump | undefined {
  if (compareApkVersions(a, b) === 0) return undefined;
  const ua = apkUpstream(a);
  const ub = apkUpstream(b);
  if (compareApkVersions(ua, ub) === 0) return 'patch';
  return classifyBump(ua, ub);
}

export const apkVersionScheme: VersionScheme = { id: 'apk', compare: compareApkVersions, bump: apkBump };
