import { compareParsedOrLoose } from './loose.js';
import { classifyBump, compareDigits, compareStrings, sign } from './scheme.js';
import type { Order, VersionBump, VersionScheme } from './scheme.js';

/** A PEP 440 version, normalised: `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`. */
export interface Pep440Version {
  epoch: string;
  release: string[];
  /** 0 = a, 1 = b, 2 = rc, with its number. */
  pre?: [number, string];
  post?: string;
  dev?: string;
  local?: string[];
}

// Every alternative spelling PEP 440 normalises: alpha/beta/c/pre/preview, -N as a post release,
// rev/r, separators `.`, `-`, `_` or none, a leading `v`, and implicit 0 numbers.
const PATTERN =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/;

const PRE_RANK: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };

export function parsePep440(version: string): Pep440Version | undefined {
  const text = version.trim().toLowerCase();
  if (text.length > 256) return undefined;
  const m = PATTERN.exec(text);
  if (!m) return undefined;
  const [
    ,
    epoch,
    release,
    preLabel,
    preNumber,
    postImplicit,
    postLabel,
    postNumber,
    devLabel,
    devNumber,
    local,
  ] = m;
  const out: Pep440Version = { epoch: epoch ?? '0', release: (release ?? '0').split('.') };
  if (preLabel !== undefined) out.pre = [PRE_RANK[preLabel] ?? 0, preNumber ?? '0'];
  if (postImplicit !== undefined) out.post = postImplicit;
  else if (postLabel !== undefined) out.post = postNumber ?? '0';
  if (devLabel !== undefined) out.dev = devNumber ?? '0';
  if (local !== undefined) out.local = local.split(/[-_.]/);
  return out;
}

function compareRelease(a: string[], b: string[]): Order {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const rc = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (rc !== 0) return rc;
  }
  return 0;
}

/**
 * Pre-release position: a bare dev release (1.0.dev1) sorts before 1.0a1; a final or post release
 * after every pre-release.
 */
function preKey(v: Pep440Version): [number, number, string] {
  if (v.pre) return [1, v.pre[0], v.pre[1]];
  if (v.post === undefined && v.dev !== undefined) return [0, 0, '0'];
  return [2, 0, '0'];
}

function compareLocal(a: string[] | undefined, b: string[] | undefined): Order {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    // Numeric segments are newer than alphanumeric ones.
    const rc = nx && ny ? compareDigits(x, y) : nx !== ny ? (nx ? 1 : -1) : compareStrings(x, y);
    if (rc !== 0) return rc;
  }
  return 0;
}

export function comparePep440Parsed(a: Pep440Version, b: Pep440Version): Order {
  const byEpoch = compareDigits(a.epoch, b.epoch);
  if (byEpoch !== 0) return byEpoch;
  const byRelease = compareRelease(a.release, b.release);
  if (byRelease !== 0) return byRelease;
  const [pa, ra, na] = preKey(a);
  const [pb, rb, nb] = preKey(b);
  const byPre = sign(pa - pb) || sign(ra - rb) || compareDigits(na, nb);
  if (byPre !== 0) return byPre;
  // No post release sorts before any post release; no dev release after any dev release.
  if (a.post !== b.post) {
    if (a.post === undefined || b.post === undefined) return a.post === undefined ? -1 : 1;
    const rc = compareDigits(a.post, b.post);
    if (rc !== 0) return rc;
  }
  if (a.dev !== b.dev) {
    if (a.dev === undefined || b.dev === undefined) return a.dev === undefined ? 1 : -1;
    const rc = compareDigits(a.dev, b.dev);
    if (rc !== 0) return rc;
  }
  return compareLocal(a.local, b.local);
}

/** PEP 440 order; equal spellings (1.0 and 1.0.0, 1.0a1 and 1.0-alpha-1) compare equal. Invalid: loose order, before valid. */
export function comparePep440(a: string, b: string): Order {
  return compareParsedOrLoose(a, b, parsePep440, comparePep440Parsed);
}

export function pep440Bump(a: string, b: string): VersionBump | undefined {
  if (comparePep440(a, b) === 0) return undefined;
  const pa = parsePep440(a);
  const pb = parsePep440(b);
  if (!pa || !pb) return classifyBump(a.trim(), b.trim());
  if (compareDigits(pa.epoch, pb.epoch) !== 0) return 'other';
  return classifyBump(pa.release.join('.'), pb.release.join('.'));
}

export const pep440VersionScheme: VersionScheme = { id: 'pep440', compare: comparePep440, bump: pep440Bump };
