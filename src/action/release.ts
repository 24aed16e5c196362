import type { Octokit } from './github-api.js';
import { isPermissionError, withRetry } from './github-api.js';
import { spliceReleaseBody } from '../render/release-body.js';

export type ReleaseOutcome =
  { action: 'updated' | 'unchanged'; id: number } | { action: 'denied' | 'skipped'; reason: string };

/** Writes the changelog into the release body between markers; `render(budget)` renders within a character budget. */
export async function updateReleaseBody(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  releaseId: number,
  key: string,
  render: (budget: number) => string,
  budgetFor: (body: string) => number,
): Promise<ReleaseOutcome> {
  try {
    const { data } = await withRetry('get release', () =>
      octokit.rest.repos.getRelease({ ...repo, release_id: releaseId }),
    );
    const body = data.body ?? '';
    const next = spliceReleaseBody(body, key, render(budgetFor(body)));
    if (next === undefined)
      return { action: 'skipped', reason: "the release body's own text leaves no room for the changelog" };
    if (next === body) return { action: 'unchanged', id: data.id };
    await withRetry('update release', () =>
      octokit.rest.repos.updateRelease({ ...repo, release_id: releaseId, body: next }),
    );
    return { action: 'updated', id: data.id };
  } catch (err) {
    if (isPermissionError(err))
      return { action: 'denied', reason: 'the token may not edit releases (needs contents: write)' };
    throw err;
  }
}

/**
 * The release published before this one (by publish date; drafts never; prereleases only when this
 * release is one), for `previous: auto` on a release event.
 */
export async function previousReleaseTag(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  current: { id: number; prerelease: boolean; published_at?: string | null },
): Promise<string | undefined> {
  const releases = await withRetry('list releases', () =>
    octokit.paginate(octokit.rest.repos.listReleases, { ...repo, per_page: 100 }),
  );
  const cutoff = current.published_at ? Date.parse(current.published_at) : Number.POSITIVE_INFINITY;
  const candidates = releases
    .filter(
      (r) =>
        r.id !== current.id &&
        !r.draft &&
        (current.prerelease || !r.prerelease) &&
        r.published_at &&
        Date.parse(r.published_at) < cutoff,
    )
    .sort((a, b) => Date.parse(b.published_at ?? '') - Date.parse(a.published_at ?? ''));
  return candidates[0]?.tag_name;
}
