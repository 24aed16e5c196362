/** GitHub rejects a release body over 125,000 characters. */
export const RELEASE_BODY_LIMIT = 125_000;

function markers(key: string): { start: string; end: string } {
  const k = key.replace(/[^A-Za-z0-9._/:@-]/g, '_');
  return { start: `<!-- image-changelog:start ${k} -->`, end: `<!-- image-changelog:end ${k} -->` };
}

/**
 * Puts the changelog into a release body between our markers: replaced on re-runs, the author's text
 * before and after left untouched. Returns undefined when even the author's text leaves no room for
 * a changelog of `changelog`'s size (the caller shortens it and tries again).
 */
export function spliceReleaseBody(
  body: string | null | undefined,
  key: string,
  changelog: string,
  limit = RELEASE_BODY_LIMIT,
): string | undefined {
  const { start, end } = markers(key);
  const current = body ?? '';
  const block = `${start}\n${changelog.trimEnd()}\n${end}`;
  const s = current.indexOf(start);
  const e = s >= 0 ? current.indexOf(end, s) : -1;
  let next: string;
  if (s >= 0 && e >= 0) next = current.slice(0, s) + block + current.slice(e + end.length);
  else next = current.trim() === '' ? block : `${current.trimEnd()}\n\n${block}`;
  return next.length <= limit ? next : undefined;
}

/** Room left for the changelog in a release body (for choosing the render budget). */
export function releaseBudget(
  body: string | null | undefined,
  key: string,
  limit = RELEASE_BODY_LIMIT,
): number {
  const { start, end } = markers(key);
  const current = body ?? '';
  const s = current.indexOf(start);
  const e = s >= 0 ? current.indexOf(end, s) : -1;
  const authorText = s >= 0 && e >= 0 ? current.length - (e + end.length - s) : current.length + 2;
  return Math.max(0, limit - authorText - start.length - end.length - 4);
}
