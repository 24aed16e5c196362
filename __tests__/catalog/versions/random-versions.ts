/** Deterministic random versions for cross-checks against the distributions' own tools. */

/** mulberry32: a tiny seeded PRNG, so a failing pair can be reproduced from the seed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

/** A string of `n` characters drawn from `alphabet`, digits and dots favoured to look like versions. */
function run(rnd: () => number, alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet.charAt(Math.floor(rnd() * alphabet.length));
  return out;
}

/** Mutate one character: change, insert or delete, to get pairs that differ in one place. */
function mutate(rnd: () => number, v: string, alphabet: string): string {
  const at = Math.floor(rnd() * (v.length + 1));
  const c = alphabet.charAt(Math.floor(rnd() * alphabet.length));
  const op = pick(rnd, ['change', 'insert', 'delete'] as const);
  if (op === 'insert') return v.slice(0, at) + c + v.slice(at);
  if (op === 'delete' && v.length > 1) return v.slice(0, at) + v.slice(at + 1);
  return v.slice(0, at) + c + v.slice(at + 1);
}

/** Pairs of valid versions: half independent, half one mutation apart (kept valid by `valid`). */
export function randomPairs(
  seed: number,
  count: number,
  make: (rnd: () => number) => string,
  alphabet: string,
  valid: (v: string) => boolean,
): Array<[string, string]> {
  const rnd = seededRandom(seed);
  const pairs: Array<[string, string]> = [];
  while (pairs.length < count) {
    const a = make(rnd);
    let b = rnd() < 0.5 ? make(rnd) : mutate(rnd, a, alphabet);
    if (!valid(b)) b = a;
    pairs.push([a, b]);
  }
  return pairs;
}

const UPSTREAM_CHARS = '0123456789012345678901234567890123456789....~~~+++abcAB';

/** `[epoch:]upstream[-revision]` as Debian policy allows: upstream starts with a digit. */
export function randomDpkgVersion(rnd: () => number): string {
  const epoch = rnd() < 0.15 ? `${Math.floor(rnd() * 3)}:` : '';
  const upstream = run(rnd, '0123456789', 1) + run(rnd, UPSTREAM_CHARS, Math.floor(rnd() * 8));
  const revision =
    rnd() < 0.6 ? `-${run(rnd, '0123456789', 1)}${run(rnd, UPSTREAM_CHARS, Math.floor(rnd() * 5))}` : '';
  return epoch + upstream + revision;
}

export const DPKG_ALPHABET = UPSTREAM_CHARS + '-';

export function isValidDpkgVersion(v: string): boolean {
  return (
    /^(\d+:)?\d[0-9A-Za-z.+~]*(-[0-9A-Za-z.+~]+)?$/.test(v) ||
    /^(\d+:)?\d[0-9A-Za-z.+~-]*-[0-9A-Za-z.+~]+$/.test(v)
  );
}

const RPM_CHARS = '0123456789012345678901234567890123456789.....~~^^_+abcXY';

/** `[epoch:]version[-release]` with rpm's separators, `~` and `^`. */
export function randomRpmVersion(rnd: () => number): string {
  const epoch = rnd() < 0.15 ? `${Math.floor(rnd() * 3)}:` : '';
  const version = run(rnd, '0123456789abc', 1) + run(rnd, RPM_CHARS, Math.floor(rnd() * 8));
  const release =
    rnd() < 0.7 ? `-${run(rnd, '0123456789', 1)}${run(rnd, RPM_CHARS, Math.floor(rnd() * 5))}` : '';
  return epoch + version + release;
}

export const RPM_ALPHABET = RPM_CHARS;

export function isValidRpmVersion(v: string): boolean {
  return /^(\d+:)?[0-9A-Za-z.~^_+]+(-[0-9A-Za-z.~^_+]+)?$/.test(v);
}
